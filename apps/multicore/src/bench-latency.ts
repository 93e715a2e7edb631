/**
 * Round trips of one message between two PAIR sockets across threads (the
 * main thread sends one buffer again and again, a worker echoes it): p50 and
 * p99 in microseconds, one implementation and size per process.
 *
 *   IMPL=zeromq.js SIZE=65536 TRIPS=200 node --conditions=@zmq/source --import tsx src/bench-latency.ts
 *
 * (bench-link.ts's --latency-sizes runs the same echo inside its own process;
 * at 64 KiB and 1 MiB that process was seen to abort after its zeromq.js runs,
 * so this one starts a fresh process per measurement.)
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads";

const size = Number(process.env.SIZE ?? 16);
const trips = Number(process.env.TRIPS ?? 1000);
const impl = process.env.IMPL === "zeromq.js" ? "zeromq.js" : "@zmq/node";
const zmq = impl === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
const name = `inproc://latency-${process.pid}`;
if (isMainThread) {
  const pair = new zmq.Pair();
  await pair.bind(name);
  const worker = new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { script: import.meta.url },
    execArgv: process.execArgv,
  });
  await new Promise((resolve) => worker.once("message", resolve));
  const ping = Buffer.alloc(size, 1);
  const micros: number[] = [];
  for (let i = 0; i < trips; i++) {
    const start = performance.now();
    await pair.send(ping);
    await pair.receive();
    micros.push((performance.now() - start) * 1000);
  }
  micros.sort((a, b) => a - b);
  const at = (q: number) => micros[Math.min(trips - 1, Math.floor(trips * q))]!.toFixed(0);
  console.log(`${impl} ${size} B: p50 ${at(0.5)} us, p99 ${at(0.99)} us (${trips} trips)`);
  pair.close();
  await new Promise((resolve) => worker.once("exit", resolve));
} else {
  const pair = new zmq.Pair();
  pair.connect(name);
  parentPort!.postMessage("ready");
  for (let i = 0; i < trips; i++) await pair.send(await pair.receive());
  pair.close();
}
