import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { PerformanceObserver } from "node:perf_hooks";
const zmq: any = process.env.IMPL === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
const SIZE = Number(process.env.SIZE ?? 65536), N = Number(process.env.N ?? 4000), RAW = process.env.RAW === "1";
import { readFileSync } from "node:fs";
const cpuMs = () => { const f = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
const minflt = () => Number(readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ")[7]);
const gcStats = () => {
  const s = { n: 0, ms: 0, kinds: {} as Record<number, number> };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { s.n++; s.ms += e.duration; const k = (e as any).detail?.kind ?? 0; s.kinds[k] = (s.kinds[k] ?? 0) + 1; } }).observe({ entryTypes: ["gc"] });
  return s;
};
const hold = setInterval(() => {}, 1 << 30);
if (isMainThread) {
  const gc = gcStats();
  const { processRegistry } = await import("@zmq/threads/node");
  let link: any;
  const linked = RAW ? new Promise<void>((r) => processRegistry().bind("rawprobe", (l: any) => { link = l; r(); })) : undefined;
  const push = new zmq.Push();
  await push.bind("inproc://probe");
  const w = new Worker(new URL("../src/boot.mjs", import.meta.url), { execArgv: process.execArgv, workerData: { script: import.meta.url } });
  await new Promise((r) => w.once("message", r));
  if (RAW) await linked;
  const buf = Buffer.allocUnsafeSlow(SIZE).fill(7);
  const c0 = cpuMs();
  const t0 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  if (RAW) {
    let sent = 0;
    const pump = () => { while (sent < N) { if (!link.write([buf])) return; sent++; } };
    link.setHandler({ writable: pump }); pump();
  } else for (let i = 0; i < N; i++) await push.send(buf);
  const done: any = await new Promise((r) => w.once("message", r));
  const ms = performance.now() - t0;
  const mainCpu = cpuMs() - c0;
  const elu = performance.eventLoopUtilization(elu0);
  console.log(`size ${SIZE}: ${Math.round(N / (ms / 1000))} msg/s; cpu/msg us main ${(mainCpu * 1000 / N).toFixed(0)} worker ${(done.cpu * 1000 / N).toFixed(0)}; worker faults/msg ${(done.flt / N).toFixed(1)}; main ELU ${(elu.utilization * 100).toFixed(0)}% gc ${gc.n} ${gc.ms.toFixed(0)}ms ${JSON.stringify(gc.kinds)}; worker ELU ${(done.elu * 100).toFixed(0)}% gc ${done.gc.n} ${done.gc.ms.toFixed(0)}ms ${JSON.stringify(done.gc.kinds)} readMs ${done.readMs.toFixed(0)}`);
  push.close();
} else {
  const gc = gcStats();
  const pull = new zmq.Pull();
  pull.connect("inproc://probe");
  let rawLink: any;
  if (RAW) { const { processRegistry } = await import("@zmq/threads/node"); rawLink = processRegistry().connect("rawprobe"); }
  parentPort!.postMessage("ready");
  let got = 0;
  const elu0 = performance.eventLoopUtilization();
  const readMs = 0;
  let c0 = 0; let f0 = 0;
  if (RAW) await new Promise<void>((resolve) => {
    const pumpR = () => { for (let msg = rawLink.read(); msg !== undefined; msg = rawLink.read()) { if (got === Number(process.env.SKIP ?? 0)) { c0 = cpuMs(); f0 = minflt(); } if (++got === N) return resolve(); } };
    rawLink.setHandler({ readable: pumpR }); pumpR();
  });
  else for await (const [m] of pull) { if (got === Number(process.env.SKIP ?? 0)) { c0 = cpuMs(); f0 = minflt(); } if (m!.byteLength !== SIZE) throw new Error("size"); if (++got === N) break; }
  parentPort!.postMessage({ flt: minflt() - f0, cpu: cpuMs() - c0, elu: performance.eventLoopUtilization(elu0).utilization, gc, readMs });
  pull.close();
}
clearInterval(hold);
