/**
 * One side of a benchmark case, run in its own process by main.ts:
 *
 *   node --conditions=@zmq/source --import tsx --expose-gc src/worker.ts <role> <impl> <json params>
 *
 * Talks to the harness over the IPC channel (see protocol.ts). The harness kills
 * the process when the case is over, so roles never close their sockets.
 */
import { type Socket as NetSocket, connect as netConnect } from "node:net";
import { type Impl, type ImplName, isImplName, loadImpl } from "./impl";
import type { Command, MemorySample, Params, Report, Role } from "./protocol";
import { quantile } from "./stats";

const EMPTY = Buffer.alloc(0);

function report(message: Report): void {
  process.send?.(message);
}

const commands: Command[] = [];
const commandWaiters: ((command: Command) => void)[] = [];
process.on("message", (message: Command) => {
  const waiter = commandWaiters.shift();
  if (waiter) waiter(message);
  else commands.push(message);
});
// Exit when the harness goes away.
process.on("disconnect", () => process.exit(0));

function nextCommand(): Promise<Command> {
  const queued = commands.shift();
  if (queued) return Promise.resolve(queued);
  return new Promise((resolve) => commandWaiters.push(resolve));
}

/** True once a command has arrived (does not consume it). */
function commandPending(): boolean {
  return commands.length > 0;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function memory(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(50);
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

type Pull = InstanceType<Impl["Pull"]>;
type Push = InstanceType<Impl["Push"]>;

// ---- throughput ------------------------------------------------------------------

/** Receives until an empty message; times first message to the end marker. */
async function receiveAll(pull: Pull) {
  let count = 0;
  let bytes = 0;
  let start = 0;
  for (;;) {
    const [frame] = await pull.receive();
    const n = frame!.length;
    if (n === 0) break;
    if (count === 0) start = performance.now();
    count++;
    bytes += n;
  }
  const seconds = (performance.now() - start) / 1000;
  // The first message starts the clock, so count - 1 messages fall inside it.
  return { count, bytes, seconds, rate: (count - 1) / seconds };
}

/** Sends `size`-byte messages for `durationMs`, then the empty end marker. */
async function sendFor(push: Push, size: number, durationMs: number) {
  const payload = Buffer.alloc(size, 0x61);
  const mask = size >= 65536 ? 0 : 63;
  let sent = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  for (;;) {
    await push.send(payload);
    sent++;
    if ((sent & mask) === 0 && performance.now() >= deadline) break;
  }
  const seconds = (performance.now() - start) / 1000;
  await push.send(EMPTY);
  return { sent, seconds, rate: sent / seconds };
}

/** CURVE on, when the case asks: the binding PULL is the server, the PUSH the client. */
function applyCurve(socket: object, params: Params, role: "server" | "client") {
  const keys = params.curve;
  if (keys === undefined) return;
  const s = socket as Record<string, unknown>;
  if (role === "server") {
    s.curveServer = true;
    s.curveSecretKey = keys.serverSecret;
  } else {
    s.curveServerKey = keys.serverPublic;
    s.curvePublicKey = keys.clientPublic;
    s.curveSecretKey = keys.clientSecret;
  }
}

function applyHwm(socket: object, params: Params) {
  if (params.highWaterMark === undefined) return;
  const s = socket as { sendHighWaterMark?: number; receiveHighWaterMark?: number };
  if ("sendHighWaterMark" in s) s.sendHighWaterMark = params.highWaterMark;
  if ("receiveHighWaterMark" in s) s.receiveHighWaterMark = params.highWaterMark;
}

// ---- latency ---------------------------------------------------------------------

async function echo(rep: InstanceType<Impl["Reply"]>) {
  for (;;) {
    const message = await rep.receive();
    await rep.send(message);
  }
}

async function roundTrips(
  req: InstanceType<Impl["Request"]>,
  size: number,
  durationMs: number,
  warmupMs: number,
) {
  const payload = Buffer.alloc(size, 0x61);
  // Warm up for as long as we measure: both sides' JavaScript (ours, and the
  // zeromq.js wrapper) runs unoptimised for the first few thousand round trips,
  // and the steady state is what an application lives in. The cold tail is not
  // hidden: it is what `--warmup 0` measures.
  const warmUntil = performance.now() + warmupMs;
  for (let i = 0; i < 500 || performance.now() < warmUntil; i++) {
    await req.send(payload);
    await req.receive();
  }
  const samples: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  for (;;) {
    const t0 = performance.now();
    await req.send(payload);
    await req.receive();
    const t1 = performance.now();
    samples.push((t1 - t0) * 1000);
    if (t1 >= deadline) break;
  }
  return {
    count: samples.length,
    medianUs: quantile(samples, 0.5),
    p99Us: quantile(samples, 0.99),
    p999Us: quantile(samples, 0.999),
    maxUs: Math.max(...samples),
    seconds: (performance.now() - start) / 1000,
  };
}

// ---- fan-out -----------------------------------------------------------------------

// Message lengths tell kinds apart: warm-up 2 B, end marker 1 B, data `size` B.
const WARMUP = Buffer.from("ww");
const END = Buffer.from("e");

/** Sends warm-ups every 5 ms until the harness says go. */
async function warmUntilGo(pub: InstanceType<Impl["Publisher"]>) {
  while (!commandPending()) {
    await pub.send(WARMUP);
    await sleep(5);
  }
  await nextCommand();
}

async function fanoutSubscriber(
  sub: InstanceType<Impl["Subscriber"]>,
  size: number,
  onFirst: () => void,
) {
  let count = 0;
  let first = 0;
  let last = 0;
  let seen = false;
  for (;;) {
    const [frame] = await sub.receive();
    const n = frame!.length;
    if (!seen) {
      seen = true;
      onFirst();
    }
    if (n === size) {
      if (count === 0) first = performance.now();
      count++;
      last = performance.now();
    } else if (n === 1) break;
  }
  return { count, first, last };
}

// ---- idle connections: raw ZMTP 3.1 DEALER peers ---------------------------------------

function greeting(): Buffer {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[8] = 0x01;
  g[9] = 0x7f;
  g[10] = 3; // version 3.1
  g[11] = 1;
  g.write("NULL", 12, "latin1");
  return g;
}

function readyCommand(): Buffer {
  const name = Buffer.from("Socket-Type", "latin1");
  const value = Buffer.from("DEALER", "latin1");
  const body = Buffer.concat([
    Buffer.from([5]),
    Buffer.from("READY", "latin1"),
    Buffer.from([name.length]),
    name,
    Buffer.from([0, 0, 0, value.length]),
    value,
  ]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** Opens one connection and completes the NULL handshake as a DEALER. */
function rawPeer(host: string, port: number, sockets: NetSocket[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    sockets.push(socket);
    let received = Buffer.alloc(0);
    let sentReady = false;
    socket.once("error", reject);
    socket.on("connect", () => socket.write(greeting()));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!sentReady && received.length >= 64) {
        sentReady = true;
        socket.write(readyCommand());
      }
      if (received.length >= 66) {
        const flags = received[64]!;
        const size = flags & 0x02 ? Number(received.readBigUInt64BE(65)) + 9 : received[65]! + 2;
        if (received.length >= 64 + size) {
          socket.removeAllListeners("data");
          received = Buffer.alloc(0);
          resolve();
        }
      }
    });
  });
}

// ---- roles -------------------------------------------------------------------------

async function run(role: Role, implName: ImplName, params: Params): Promise<void> {
  if (role === "raw-clients") {
    const url = new URL(params.endpoint!.replace(/^tcp:/, "http:"));
    const total = params.connections!;
    const sockets: NetSocket[] = [];
    const start = performance.now();
    let next = 0;
    let done = 0;
    const lane = async () => {
      while (next < total) {
        next++;
        await rawPeer(url.hostname, Number(url.port), sockets);
        done++;
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
    report({ type: "result", connections: done, seconds: (performance.now() - start) / 1000 });
    await new Promise(() => {});
  }

  const zmq = await loadImpl(implName);
  const size = params.size ?? 16;
  const durationMs = params.durationMs ?? 1000;
  const warmupMs = params.warmupMs ?? durationMs;

  switch (role) {
    case "pull": {
      const pull = new zmq.Pull();
      applyHwm(pull, params);
      applyCurve(pull, params, "server");
      await pull.bind(params.endpoint!);
      report({ type: "ready", endpoint: pull.lastEndpoint! });
      report({ type: "result", ...(await receiveAll(pull)) });
      break;
    }
    case "push": {
      const push = new zmq.Push();
      applyHwm(push, params);
      applyCurve(push, params, "client");
      push.connect(params.endpoint!);
      report({ type: "ready" });
      await nextCommand();
      report({ type: "result", ...(await sendFor(push, size, durationMs)) });
      break;
    }
    case "inproc-throughput": {
      const pull = new zmq.Pull();
      const push = new zmq.Push();
      applyHwm(pull, params);
      applyHwm(push, params);
      await pull.bind("inproc://bench-throughput");
      push.connect("inproc://bench-throughput");
      report({ type: "ready" });
      await nextCommand();
      const [received, sent] = await Promise.all([
        receiveAll(pull),
        sendFor(push, size, durationMs),
      ]);
      report({ type: "result", ...received, sender: sent });
      break;
    }
    case "rep": {
      const rep = new zmq.Reply();
      await rep.bind(params.endpoint!);
      report({ type: "ready", endpoint: rep.lastEndpoint! });
      await echo(rep);
      break;
    }
    case "req": {
      const req = new zmq.Request();
      req.connect(params.endpoint!);
      report({ type: "ready" });
      await nextCommand();
      report({ type: "result", ...(await roundTrips(req, size, durationMs, warmupMs)) });
      break;
    }
    case "inproc-latency": {
      const rep = new zmq.Reply();
      await rep.bind("inproc://bench-latency");
      const req = new zmq.Request();
      req.connect("inproc://bench-latency");
      void echo(rep);
      report({ type: "ready" });
      await nextCommand();
      report({ type: "result", ...(await roundTrips(req, size, durationMs, warmupMs)) });
      break;
    }
    case "fanout-pub": {
      const pub = new zmq.Publisher();
      await pub.bind(params.endpoint!);
      report({ type: "ready", endpoint: pub.lastEndpoint! });
      await warmUntilGo(pub);
      const payload = Buffer.alloc(size, 0x61);
      let sent = 0;
      const start = performance.now();
      const deadline = start + durationMs;
      for (;;) {
        await pub.send(payload);
        sent++;
        if ((sent & 63) === 0 && performance.now() >= deadline) break;
      }
      const seconds = (performance.now() - start) / 1000;
      report({ type: "result", sent, seconds, rate: sent / seconds });
      // Keep sending end markers: a PUB drops what a full subscriber can't take.
      for (;;) {
        await pub.send(END);
        await sleep(20);
      }
    }
    case "fanout-subs": {
      const n = params.subscribers ?? 10;
      let ready = 0;
      const runs = Array.from({ length: n }, () => {
        const sub = new zmq.Subscriber();
        sub.subscribe();
        sub.connect(params.endpoint!);
        return fanoutSubscriber(sub, size, () => {
          if (++ready === n) report({ type: "ready" });
        });
      });
      const results = await Promise.all(runs);
      const counted = results.filter((r) => r.count > 0);
      const first = Math.min(...counted.map((r) => r.first));
      const last = Math.max(...counted.map((r) => r.last));
      const total = results.reduce((sum, r) => sum + r.count, 0);
      const seconds = (last - first) / 1000;
      report({
        type: "result",
        counts: results.map((r) => r.count),
        total,
        seconds,
        rate: total / seconds,
      });
      break;
    }
    case "stalled-sub": {
      const sub = new zmq.Subscriber();
      sub.subscribe();
      sub.connect(params.endpoint!);
      await sub.receive(); // one warm-up proves the subscription arrived; then never read again
      report({ type: "ready" });
      for (;;) {
        await nextCommand();
        report({ type: "result", ...(await memory()) });
      }
    }
    case "pub-memory": {
      const pub = new zmq.Publisher();
      await pub.bind(params.endpoint!);
      report({ type: "ready", endpoint: pub.lastEndpoint! });
      await warmUntilGo(pub);
      const before = await memory();
      const total = params.messages ?? 10_000_000;
      const limit = params.rssLimit ?? 4 * 2 ** 30;
      const payload = Buffer.alloc(size, 0x61);
      const start = performance.now();
      let sent = 0;
      let aborted = false;
      while (sent < total) {
        await pub.send(payload);
        sent++;
        if (sent % 1_000_000 === 0) {
          const rss = process.memoryUsage().rss;
          report({ type: "progress", sent, rss, seconds: (performance.now() - start) / 1000 });
          if (rss > limit) {
            aborted = true;
            break;
          }
        }
      }
      const seconds = (performance.now() - start) / 1000;
      await sleep(200);
      const after = await memory();
      report({ type: "result", sent, seconds, aborted, before, after, rss: after.rss });
      await new Promise(() => {});
      break;
    }
    case "router-idle": {
      const router = new zmq.Router();
      await router.bind(params.endpoint!);
      const before = await memory();
      report({ type: "ready", endpoint: router.lastEndpoint!, rss: before.rss });
      await nextCommand();
      report({ type: "result", before, after: await memory() });
      await new Promise(() => {});
      break;
    }
  }
}

const [role, implName, json] = process.argv.slice(2);
if (!isImplName(implName)) throw new Error(`unknown implementation ${implName}`);
run(role as Role, implName, JSON.parse(json ?? "{}") as Params).catch((error: unknown) => {
  report({
    type: "error",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
});
