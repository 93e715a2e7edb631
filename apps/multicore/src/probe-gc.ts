/**
 * Diagnostic for bench-link's large-message swings: @zmq/node PUSH in this
 * thread, PULL in a fresh worker per round, and the worker logs every GC it
 * does (kind, pause, messages received so far, V8's external memory, new- and
 * old-space sizes). A round whose log shows a full ("MAJOR") collection after
 * nearly every scavenge is a slow round of bench-link.
 *
 *   SIZE=65536 COUNT=14000 ROUNDS=4 node --conditions=@zmq/source --import tsx src/probe-gc.ts
 */
import { once } from "node:events";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { spawnWorker } from "./spawn";

const SIZE = Number(process.env.SIZE ?? 65536);
const COUNT = Number(process.env.COUNT ?? 14000);
/** perf_hooks' GC kinds (NODE_PERFORMANCE_GC_*). */
const KINDS: Record<number, string> = {
  1: "minor",
  2: "minor",
  4: "MAJOR",
  8: "incremental",
  16: "weak",
};

if (isMainThread) {
  const zmq = await import("@zmq/node");
  const rounds = Number(process.env.ROUNDS ?? 4);
  const payload = Buffer.allocUnsafeSlow(SIZE).fill(7);
  for (let r = 0; r < rounds; r++) {
    const push = new zmq.Push();
    const name = `probe-gc-${process.pid}-${r}`;
    await push.bind(`inproc://${name}`);
    const worker = spawnWorker("probe-gc", { name });
    const report = new Promise<string>((resolve) => worker.once("message", resolve));
    const start = performance.now();
    for (let i = 0; i < COUNT; i++) await push.send(payload);
    const log = await report;
    const ms = performance.now() - start;
    console.log(
      `round ${r + 1}: ${Math.round(COUNT / (ms / 1000))} msg/s (worker start-up included)\n${log}`,
    );
    push.close();
    await once(worker, "exit");
  }
} else {
  const zmq = await import("@zmq/node");
  const pull = new zmq.Pull();
  pull.connect(`inproc://${(workerData as { name: string }).name}`);
  let got = 0;
  const lines: string[] = [];
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  const spaces = () => {
    const all = getHeapSpaceStatistics();
    const young = all.find((s) => s.space_name === "new_space");
    const old = all.find((s) => s.space_name === "old_space");
    return `new ${mib(young?.space_size ?? 0)} old ${mib(old?.space_used_size ?? 0)} MiB`;
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
      lines.push(
        `#${got} ${KINDS[kind] ?? kind} ${entry.duration.toFixed(1)} ms, external ${mib(getHeapStatistics().external_memory)} MiB, ${spaces()}`,
      );
    }
  }).observe({ entryTypes: ["gc"] });
  // PROBE_FORCE_GC=1 (with node --expose-gc): one full collection after 100 messages, to see
  // whether a first mark-compact is what switches a receiver into the slow mode.
  const force =
    process.env.PROBE_FORCE_GC === "1" ? (globalThis as { gc?: () => void }).gc : undefined;
  let start = 0;
  for await (const [frame] of pull) {
    if (frame!.byteLength !== SIZE) throw new Error("size");
    if (++got === 100) {
      force?.();
      start = performance.now();
    }
    if (got === COUNT) break;
  }
  const receiveMs = performance.now() - start;
  pull.close();
  // Let the observer deliver the last entries.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const majors = lines.filter((line) => line.includes("MAJOR")).length;
  const rate = Math.round((COUNT - 100) / (receiveMs / 1000));
  parentPort!.postMessage(
    `  ${rate} msg/s received after the first 100; ${lines.length} GCs, ${majors} full${process.env.PROBE_LOG === "0" ? "" : `:\n    ${lines.join("\n    ")}`}`,
  );
}
