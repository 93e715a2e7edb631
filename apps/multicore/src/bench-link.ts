/**
 * Raw throughput of one-way streams, in messages per second, for the two link
 * designs of @zmq/threads and, for the record, inproc of zeromq.js (libzmq) and
 * of @zmq/node. "1 thread": sender and receiver in the same thread (the cost of
 * the mechanism itself); "2 threads": the receiver in a worker thread.
 *
 *   pnpm --filter @zmq/demo-multicore bench:link [-- --rounds 3 --quick]
 *
 * Designs: ring = SharedArrayBuffer ring per direction with Atomics.waitAsync
 * wake-ups (what @zmq/threads ships); port-copy / port-transfer = MessagePort,
 * messages batched per microtask, frames copied by structured clone or their
 * ArrayBuffers transferred (the sender then allocates every message afresh);
 * port-copy-transfer = MessagePort, each frame of 4 KiB or more copied once
 * into a fresh ArrayBuffer of its own that is transferred (the sender keeps its
 * Buffer; the receiver gets a plain Buffer and allocates nothing): the
 * "large bodies out of band" design, measured at the link level.
 * Every design holds SNDHWM + RCVHWM = 2000 messages in flight, and is warmed
 * up as the socket designs are (`--warmup-mb`).
 *
 * `--payload` says what the sender sends (the receiver checks the length, and
 * for "filled" the last byte):
 * - zeroed (default): a fresh `Buffer.alloc(size)` per message. Its pages are
 *   mapped lazily and never written, so a zero-copy transport (zeromq.js) never
 *   touches them, and a copying one pays a page fault per 4 KiB reading them.
 * - filled: a fresh buffer the sender writes (`allocUnsafeSlow(size).fill(k)`),
 *   as a producer of real data does.
 * - reused: one prefilled buffer sent again and again (the cost of the
 *   transport alone; for designs that take ownership, a fresh one per message).
 * - shared: as reused, but the buffer is a view of a SharedArrayBuffer made
 *   known to every thread with @zmq/threads' `shareMemory` (zeromq.js sends
 *   the same Buffer): frames over 128 B then cross threads by reference.
 */
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createRegistryRoot, type ThreadLink, ThreadRegistry } from "@zmq/threads";
import { processRegistry, shareMemory } from "@zmq/threads/node";
import { PortLink } from "./port-link";
import { spawnWorker } from "./spawn";
import { type MessageCost, observeGc, perMessage, threadCost } from "./thread-cost";

observeGc();
/** Per-message cost of the sending thread and, across threads, the receiving one (last round measured). */
type Cost = MessageCost | undefined;
let lastCost: { sender: Cost; receiver: Cost; processUs?: number } = {
  sender: undefined,
  receiver: undefined,
};
/** CPU µs per message of the whole process (every thread) since `from` (a `process.cpuUsage()`). */
const processCpu = (from: NodeJS.CpuUsage, count: number) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / count;
};

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : quick ? 1 : 3;
const flag = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const SIZES = (flag("sizes") ?? "16,65536").split(",").map(Number);
const THREADS = (flag("threads") ?? "1,2").split(",").map(Number);
const ONLY = flag("designs")?.split(",");
type Payload = "zeroed" | "filled" | "reused" | "shared";
const PAYLOAD = (flag("payload") ?? "zeroed") as Payload;
if (!["zeroed", "filled", "reused", "shared"].includes(PAYLOAD))
  throw new Error(`--payload ${PAYLOAD}?`);
const reusable = new Map<number, Buffer>();
/** The k-th message body of `size` bytes, per --payload. */
function payload(size: number, k: number, owned = false): Buffer {
  if (PAYLOAD === "filled" || (PAYLOAD === "reused" && owned)) {
    return Buffer.allocUnsafeSlow(size).fill(k & 255);
  }
  if (PAYLOAD === "shared" && owned) return Buffer.allocUnsafeSlow(size).fill(k & 255);
  if (PAYLOAD === "reused" || PAYLOAD === "shared") {
    let buffer = reusable.get(size);
    if (buffer === undefined) {
      if (PAYLOAD === "shared") {
        const memory = new SharedArrayBuffer(size);
        shareMemory(memory);
        buffer = Buffer.from(memory).fill(7);
      } else buffer = Buffer.allocUnsafeSlow(size).fill(7);
      reusable.set(size, buffer);
    }
    return buffer;
  }
  return Buffer.alloc(size);
}
/** Ring size per direction (raw ring design): --ring-bytes, else 256 KiB for small messages and 4 MiB (the default) for large. */
const RING = flag("ring-bytes");
const ringBytesFor = (size: number) =>
  RING !== undefined ? Number(RING) : size > 1024 ? 1 << 22 : 1 << 18;
const LARGE_COUNT = flag("large-count");
/**
 * Bytes received, untimed, before each measured run (--warmup-mb, default 256;
 * at most the run's own count of messages). A fresh receiving thread's heap
 * grows to its working size first (V8 collects large buffers after tens of
 * MiB): measured, the first ~64-84 MiB a copying receiver allocates land on
 * new pages (a page fault per 4 KiB, most of its CPU), after that it reuses
 * freed memory. A server runs warm; so does this benchmark, for every socket
 * design (at most max(count, 20,000) messages).
 */
const WARMUP_BYTES = Number(flag("warmup-mb") ?? 256) * 1024 * 1024;
const warmupFor = (size: number, count: number) =>
  Math.min(Math.max(count, 20_000), Math.ceil(WARMUP_BYTES / Math.max(size, 1)));
const countFor = (size: number) =>
  size <= 1024
    ? quick
      ? 50_000
      : 200_000
    : LARGE_COUNT !== undefined
      ? Number(LARGE_COUNT)
      : quick
        ? 3_000
        : 10_000;

type Design =
  | "ring"
  | "port-copy"
  | "port-transfer"
  | "port-copy-transfer"
  | "zeromq.js"
  | "@zmq/node";
let seq = 0;

/**
 * Sends `count` messages of `size` bytes on a link as fast as it accepts them.
 * Every message is a fresh buffer, as an application producing data has: a
 * transferred buffer cannot be reused, and structured clone would send a
 * repeated buffer once per batch.
 */
function sendAll(
  write: (frames: Uint8Array[]) => boolean,
  setWritable: (fn: () => void) => void,
  count: number,
  size: number,
  owned = false,
  first = 0,
): void {
  let sent = 0;
  const pump = () => {
    while (sent < count) {
      if (!write([payload(size, first + sent, owned)])) return;
      sent++;
    }
  };
  setWritable(pump);
  pump();
}

async function ringSameThread(size: number, count: number): Promise<number> {
  const registry = new ThreadRegistry({ root: createRegistryRoot(), thread: 0 });
  const ringBytes = ringBytesFor(size);
  let server: ThreadLink | undefined;
  registry.bind("bench", (link) => (server = link));
  const client = registry.connect("bench", { ringBytes });
  await new Promise<void>((resolve) => client.setHandler({ attached: () => resolve() }));
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    const reader = server!;
    const pump = () => {
      for (let m = reader.read(); m !== undefined; m = reader.read()) {
        if (++got === count) return resolve();
      }
    };
    reader.setHandler({ readable: pump });
    pump();
    sendAll(
      (f) => client.write(f),
      (fn) => client.setHandler({ writable: fn }),
      count,
      size,
    );
  });
  const elapsed = performance.now() - start;
  registry.close();
  return elapsed;
}

async function portSameThread(size: number, count: number, transfer: boolean): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const a = new PortLink(port1, 2000, transfer);
  const b = new PortLink(port2, 2000, transfer);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    const pump = () => {
      for (let m = b.read(); m !== undefined; m = b.read()) if (++got === count) return resolve();
    };
    b.onReadable = pump;
    pump();
    sendAll(
      (f) => a.write(f),
      (fn) => (a.onWritable = fn),
      count,
      size,
      transfer,
    );
  });
  const elapsed = performance.now() - start;
  a.close();
  b.close();
  return elapsed;
}

async function zeromqSameThread(size: number, count: number): Promise<number> {
  const zmq = await import("zeromq");
  const name = `inproc://zjs-${seq++}`;
  const push = new zmq.Push();
  const pull = new zmq.Pull();
  await push.bind(name);
  pull.connect(name);
  const warmup = warmupFor(size, count);
  let before = threadCost();
  let start = performance.now();
  let warmed: () => void = () => {};
  const warm = new Promise<void>((resolve) => (warmed = resolve));
  const receive = (async () => {
    let got = 0;
    for await (const _ of pull) {
      if (++got === warmup) warmed();
      if (got === warmup + count) break;
    }
  })();
  for (let i = 0; i < warmup; i++) await push.send(payload(size, i));
  if (warmup > 0) await warm;
  before = threadCost();
  start = performance.now();
  for (let i = 0; i < count; i++) await push.send(payload(size, warmup + i));
  await receive;
  const elapsed = performance.now() - start;
  lastCost = { sender: perMessage(before, threadCost(), count), receiver: undefined };
  push.close();
  pull.close();
  return elapsed;
}

async function oursSameThread(size: number, count: number): Promise<number> {
  const zmq = await import("@zmq/node");
  const name = `inproc://ours-${seq++}`;
  const push = new zmq.Push();
  const pull = new zmq.Pull();
  await push.bind(name);
  pull.connect(name);
  const warmup = warmupFor(size, count);
  let before = threadCost();
  let start = performance.now();
  let warmed: () => void = () => {};
  const warm = new Promise<void>((resolve) => (warmed = resolve));
  const receive = (async () => {
    let got = 0;
    for await (const _ of pull) {
      if (++got === warmup) warmed();
      if (got === warmup + count) break;
    }
  })();
  for (let i = 0; i < warmup; i++) await push.send(payload(size, i));
  if (warmup > 0) await warm;
  before = threadCost();
  start = performance.now();
  for (let i = 0; i < count; i++) await push.send(payload(size, warmup + i));
  await receive;
  const elapsed = performance.now() - start;
  lastCost = { sender: perMessage(before, threadCost(), count), receiver: undefined };
  push.close();
  pull.close();
  return elapsed;
}

async function crossThread(design: Design, size: number, count: number): Promise<number> {
  const name = `bench-${design}-${seq++}`;
  if (design === "ring") {
    let link: ThreadLink | undefined;
    const linked = new Promise<void>((resolve) =>
      processRegistry().bind(name, (l) => {
        link = l;
        resolve();
      }),
    );
    const worker = spawnWorker("link-worker", {
      design,
      name,
      count,
      size,
      ringBytes: ringBytesFor(size),
      payload: PAYLOAD,
    });
    await linked;
    const finished = waitFor(worker, "done");
    const before = threadCost();
    const processBefore = process.cpuUsage();
    const start = performance.now();
    sendAll(
      (f) => link!.write(f),
      (fn) => link!.setHandler({ writable: fn }),
      count,
      size,
    );
    const report = await finished;
    const elapsed = performance.now() - start;
    lastCost = {
      sender: perMessage(before, threadCost(), count),
      receiver: report.cost as Cost,
      processUs: processCpu(processBefore, count),
    };
    link!.close();
    await once(worker, "exit");
    return elapsed;
  }
  if (design === "zeromq.js" || design === "@zmq/node") {
    const zmq = design === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
    const push = new zmq.Push();
    await push.bind(`inproc://${name}`);
    const warmup = warmupFor(size, count);
    const worker = spawnWorker("link-worker", {
      design,
      name,
      count,
      size,
      payload: PAYLOAD,
      warmup,
    });
    await waitFor(worker, "ready");
    const finished = waitFor(worker, "done");
    if (warmup > 0) {
      const warm = waitFor(worker, "warm");
      for (let i = 0; i < warmup; i++) await push.send(payload(size, i));
      await warm;
    }
    const before = threadCost();
    const processBefore = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i++) await push.send(payload(size, warmup + i));
    const report = await finished;
    const elapsed = performance.now() - start;
    lastCost = {
      sender: perMessage(before, threadCost(), count),
      receiver: report.cost as Cost,
      processUs: processCpu(processBefore, count),
    };
    push.close();
    await once(worker, "exit");
    return elapsed;
  }
  const { port1, port2 } = new MessageChannel();
  const transfer =
    design === "port-transfer" ? true : design === "port-copy-transfer" ? "copy" : false;
  // Warmed as the socket designs are (the sender's allocator matters as much as the receiver's here).
  const warmup = warmupFor(size, count);
  const worker = spawnWorker(
    "link-worker",
    { design, name, count, size, port: port2, payload: PAYLOAD, warmup },
    [port2],
  );
  await waitFor(worker, "ready");
  const link = new PortLink(port1, 2000, transfer);
  const finished = waitFor(worker, "done");
  if (warmup > 0) {
    const warm = waitFor(worker, "warm");
    sendAll(
      (f) => link.write(f),
      (fn) => (link.onWritable = fn),
      warmup,
      size,
      transfer === true,
    );
    await warm;
  }
  const before = threadCost();
  const processBefore = process.cpuUsage();
  const start = performance.now();
  sendAll(
    (f) => link.write(f),
    (fn) => (link.onWritable = fn),
    count,
    size,
    transfer === true,
    warmup,
  );
  const report = await finished;
  const elapsed = performance.now() - start;
  lastCost = {
    sender: perMessage(before, threadCost(), count),
    receiver: report.cost as Cost,
    processUs: processCpu(processBefore, count),
  };
  link.close();
  await once(worker, "exit");
  return elapsed;
}

function waitFor(
  worker: import("node:worker_threads").Worker,
  key: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const on = (message: Record<string, unknown>) => {
      if (message[key] === true) {
        worker.off("message", on);
        resolve(message);
      }
    };
    worker.on("message", on);
    worker.once("error", reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  design: Design;
  threads: 1 | 2;
  size: number;
  count: number;
  msgsPerSec: number[];
  /** Per round: the sending thread's cost per message (in one thread: the only thread's). */
  sender: Cost[];
  /** Per round, across threads: the receiving thread's cost per message. */
  receiver: Cost[];
}
const rows: Row[] = [];
const designs1: Design[] = ["ring", "port-copy", "port-transfer", "zeromq.js", "@zmq/node"];
const designs2: Design[] = [
  "ring",
  "port-copy",
  "port-transfer",
  "port-copy-transfer",
  "zeromq.js",
  "@zmq/node",
];
for (const size of SIZES) {
  const count = countFor(size);
  for (const [threads, list] of [
    [1, designs1],
    [2, designs2],
  ] as const) {
    if (!THREADS.includes(threads)) continue;
    for (const design of list) {
      if (ONLY === undefined || ONLY.includes(design))
        rows.push({ design, threads, size, count, msgsPerSec: [], sender: [], receiver: [] });
    }
  }
}
for (let round = 0; round < rounds; round++) {
  for (const row of rows) {
    const { design, size, count } = row;
    let ms: number;
    lastCost = { sender: undefined, receiver: undefined };
    if (row.threads === 2) ms = await crossThread(design, size, count);
    else if (design === "ring") ms = await ringSameThread(size, count);
    else if (design === "port-copy" || design === "port-transfer") {
      ms = await portSameThread(size, count, design === "port-transfer");
    } else if (design === "zeromq.js") ms = await zeromqSameThread(size, count);
    else ms = await oursSameThread(size, count);
    row.msgsPerSec.push(Math.round(count / (ms / 1000)));
    row.sender.push(lastCost.sender);
    row.receiver.push(lastCost.receiver);
    if (args.includes("--verbose")) {
      console.log(
        `round ${round + 1}: ${row.size} B, ${row.threads} thread(s), ${row.design}: ${row.msgsPerSec.at(-1)} msg/s${costText(lastCost.sender, "send")}${costText(lastCost.receiver, "recv")}${otherText(lastCost)} (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
}

/** The process's CPU per message beyond the sending and receiving threads (V8's GC helper threads…). */
function otherText(cost: typeof lastCost): string {
  if (cost.processUs === undefined || cost.sender === undefined || cost.receiver === undefined)
    return "";
  const other = cost.processUs - cost.sender.cpuUs - cost.receiver.cpuUs;
  return `; other threads ${Math.max(0, other).toFixed(0)} µs cpu`;
}
function costText(cost: Cost, label: string): string {
  if (cost === undefined) return "";
  return `; ${label} ${cost.cpuUs.toFixed(0)} µs cpu, ${cost.faults.toFixed(1)} faults, ${cost.gcUs.toFixed(0)} µs gc (${cost.majors} full, ${cost.majorUs.toFixed(0)} µs)`;
}
/** Median of one field over the rounds that measured it. */
function medianCost(costs: Cost[], field: "cpuUs" | "faults" | "gcUs" | "majors"): string {
  const values = costs.filter((c) => c !== undefined).map((c) => c![field]);
  if (values.length === 0) return "-";
  return median(values).toFixed(field === "faults" ? 1 : 0);
}
console.log(
  `cross-thread links, payload ${PAYLOAD}, ${rounds} round(s), median msg/s; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  "size    threads  design          msg/s        MB/s   vs zeromq.js (same threads)   per message: send cpu µs / recv cpu µs / recv faults / recv gc µs; recv full GCs per run",
);
for (const row of rows) {
  const rate = median(row.msgsPerSec);
  const ref = rows.find(
    (r) => r.design === "zeromq.js" && r.size === row.size && r.threads === row.threads,
  );
  const ratio = ref === undefined ? Number.NaN : rate / median(ref.msgsPerSec);
  console.log(
    `${String(row.size).padEnd(8)}${String(row.threads).padEnd(9)}${row.design.padEnd(16)}${String(rate).padStart(9)}  ${((rate * row.size) / 1e6).toFixed(0).padStart(9)}   ${ratio.toFixed(2).padStart(5)}x   ${medianCost(row.sender, "cpuUs").padStart(6)} / ${medianCost(row.receiver, "cpuUs").padStart(6)} / ${medianCost(row.receiver, "faults").padStart(5)} / ${medianCost(row.receiver, "gcUs").padStart(5)}; ${medianCost(row.receiver, "majors").padStart(3)}`,
  );
}
// Each round's ratio (zeromq.js and the design ran back to back in that round), and the worst.
for (const row of rows) {
  const ref = rows.find(
    (r) => r.design === "zeromq.js" && r.size === row.size && r.threads === row.threads,
  );
  if (ref === undefined || ref === row) continue;
  const ratios = row.msgsPerSec.map((rate, i) => rate / ref.msgsPerSec[i]!);
  console.log(
    `  ${row.size} B, ${row.threads} thread(s), ${row.design} / zeromq.js per round: ${ratios.map((r) => r.toFixed(2)).join(", ")}; worst ${Math.min(...ratios).toFixed(2)}x, median ${median(ratios).toFixed(2)}x`,
  );
}
// Latency: round trips of one 16-byte message, main thread <-> worker thread
// (and, marked "1t", between two PAIR sockets of one thread); with
// --latency-sizes, the socket round trips across threads also at those sizes
// (one buffer sent again and again; fewer trips from 64 KiB up).
const TRIPS = quick ? 500 : 2000;
const LATENCY_SIZES = (flag("latency-sizes") ?? "16").split(",").map(Number);
const tripsFor = (size: number) => (size >= 65536 ? Math.min(TRIPS, 200) : TRIPS);
async function ringLatency(): Promise<number[]> {
  const name = `latency-ring-${seq++}`;
  let link: ThreadLink | undefined;
  const linked = new Promise<void>((resolve) =>
    processRegistry().bind(name, (l) => {
      link = l;
      resolve();
    }),
  );
  const worker = spawnWorker("link-worker", { design: "ring-echo", name, count: TRIPS, size: 16 });
  await linked;
  const samples: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const take = () => {
        if (link!.read() !== undefined) resolve();
      };
      link!.setHandler({ readable: take });
      link!.write([new Uint8Array(16)]);
      take();
    });
    samples.push(performance.now() - start);
  }
  link!.close();
  await once(worker, "exit");
  return samples;
}
async function socketLatency(impl: "zeromq.js" | "@zmq/node", size = 16): Promise<number[]> {
  const trips = tripsFor(size);
  const zmq = impl === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
  const name = `latency-${impl === "zeromq.js" ? "zjs" : "ours"}-${seq++}`;
  const pair = new zmq.Pair();
  await pair.bind(`inproc://${name}`);
  const worker = spawnWorker("link-worker", {
    design: `${impl}-echo`,
    name,
    count: trips,
    size,
  });
  await waitFor(worker, "ready");
  const samples: number[] = [];
  const ping = Buffer.alloc(size, 1);
  for (let i = 0; i < trips; i++) {
    const start = performance.now();
    await pair.send(ping);
    await pair.receive();
    samples.push(performance.now() - start);
  }
  pair.close();
  await once(worker, "exit");
  return samples;
}
/** The same round trip with both PAIR sockets in this thread (the echo is a loop here). */
async function sameThreadLatency(impl: "zeromq.js" | "@zmq/node"): Promise<number[]> {
  const zmq = impl === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
  const name = `inproc://latency-1t-${seq++}`;
  const a = new zmq.Pair();
  const b = new zmq.Pair();
  await a.bind(name);
  b.connect(name);
  const echo = (async () => {
    for (let i = 0; i < TRIPS; i++) await b.send(await b.receive());
  })();
  const samples: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const start = performance.now();
    await a.send(Buffer.alloc(16));
    await a.receive();
    samples.push(performance.now() - start);
  }
  await echo;
  a.close();
  b.close();
  return samples;
}
const latency: Record<string, { p50: number; p99: number }> = {};
if (!args.includes("--no-latency")) {
  const runs: [string, () => Promise<number[]>][] = [
    ["ring", ringLatency],
    ["zeromq.js", () => socketLatency("zeromq.js")],
    ["@zmq/node", () => socketLatency("@zmq/node")],
    ["zeromq.js 1t", () => sameThreadLatency("zeromq.js")],
    ["@zmq/node 1t", () => sameThreadLatency("@zmq/node")],
  ];
  for (const size of LATENCY_SIZES.filter((s) => s !== 16)) {
    runs.push([`zeromq.js ${size} B`, () => socketLatency("zeromq.js", size)]);
    runs.push([`@zmq/node ${size} B`, () => socketLatency("@zmq/node", size)]);
  }
  for (const [label, run] of runs) {
    const samples = (await run()).sort((a, b) => a - b);
    latency[label] = {
      p50: samples[Math.floor(samples.length / 2)]! * 1000,
      p99: samples[Math.floor(samples.length * 0.99)]! * 1000,
    };
  }
  console.log(`round trip main <-> worker, 16 B unless said, ${TRIPS} trips (microseconds):`);
  for (const [label, { p50, p99 }] of Object.entries(latency)) {
    console.log(
      `  ${label.padEnd(22)} p50 ${p50.toFixed(0).padStart(6)}   p99 ${p99.toFixed(0).padStart(6)}`,
    );
  }
}
writeFileSync(
  "bench-link-results.json",
  `${JSON.stringify({ rounds, payload: PAYLOAD, loadavg: loadavg(), rows, latency }, null, 2)}\n`,
);
process.exit(0);
