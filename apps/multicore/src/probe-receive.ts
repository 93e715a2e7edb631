/**
 * The receiving side of a large copied message, taken apart: in a fresh worker
 * per mode, N messages of SIZE bytes are "received" out of a 4 MiB
 * SharedArrayBuffer (as the ring reader does) and dropped, and the worker
 * reports CPU, page faults and GC per message.
 *
 *   node --conditions=@zmq/source --import tsx src/probe-receive.ts 1048576 2000 copy-reuse alloc alloc+copy
 *
 * Modes: copy-reuse (copy into one buffer kept: the copy alone), alloc
 * (`Buffer.allocUnsafeSlow` only), alloc+copy (what the ring reader does),
 * zeroed+copy (`new Uint8Array`), sab+copy (a fresh SharedArrayBuffer).
 */
import { once } from "node:events";
import { PerformanceObserver } from "node:perf_hooks";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { spawnWorker } from "./spawn";
import { threadCost } from "./thread-cost";

if (isMainThread) {
  const [size = "1048576", count = "2000", ...modes] = process.argv.slice(2);
  for (const mode of modes.length > 0 ? modes : ["copy-reuse", "alloc", "alloc+copy"]) {
    const worker = spawnWorker("probe-receive", { mode, count: Number(count), size: Number(size) });
    worker.on("message", (line) => console.log(line));
    await once(worker, "exit");
  }
} else {
  const { mode, count, size } = workerData as { mode: string; count: number; size: number };
  let majors = 0;
  let minors = 0;
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
      if (kind === 4) majors++;
      else if (kind === 1 || kind === 2) minors++;
    }
  }).observe({ entryTypes: ["gc"] });
  // As @zmq/threads/node does at load: one freed 16 MiB block raises glibc's mmap/trim thresholds.
  Buffer.allocUnsafeSlow(16 << 20);
  const ring = new Uint8Array(new SharedArrayBuffer(4 << 20)).fill(3);
  const kept = Buffer.allocUnsafeSlow(size);
  const slots = Math.max(1, Math.floor(ring.byteLength / size));
  let sink = 0;
  const receive = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const at = (i % slots) * size;
      const source = ring.subarray(at, at + size);
      let out: Uint8Array;
      if (mode === "copy-reuse") out = kept;
      else if (mode === "zeroed+copy") out = new Uint8Array(size);
      else if (mode === "sab+copy") out = new Uint8Array(new SharedArrayBuffer(size));
      else out = Buffer.allocUnsafeSlow(size);
      if (mode !== "alloc") out.set(source);
      sink += out[size - 1]!;
      // Let the event loop (and the GC observer) run now and then, as a receiving socket does.
      if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await receive(Math.min(count, 300));
  const before = threadCost();
  const [majors0, minors0, gc0] = [majors, minors, gcMs];
  const start = performance.now();
  await receive(count);
  const wall = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const after = threadCost();
  const per = (x: number) => ((x * 1000) / count).toFixed(0).padStart(5);
  parentPort!.postMessage(
    `${mode.padEnd(12)} ${String(size).padStart(8)} B: wall ${per(wall)} µs, cpu ${after && before ? per(after.cpuMs - before.cpuMs) : "-"} µs, faults ${after && before ? ((after.faults - before.faults) / count).toFixed(1) : "-"}, gc ${per(gcMs - gc0)} µs (${majors - majors0} full, ${minors - minors0} scavenges)${sink < 0 ? "" : ""}`,
  );
}
