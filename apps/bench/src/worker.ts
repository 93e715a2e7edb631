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
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

type Pull = InstanceType<Impl["Pull"]>;
type Push = InstanceType<Impl["Push"]>;

// ---- throughput ------------------------------------------------------------------

/** CPU time of this process so far (user + system), µs: robust to a busy machine. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Counts one received message; true at the end marker (an empty first frame). */
class Tally {
  count = 0;
  bytes = 0;
  start = 0;
  cpuStart = 0;
  add(message: Buffer[]): boolean {
    const n = message[0]!.length;
    if (n === 0) return true;
    if (this.count === 0) {
      this.start = performance.now();
      this.cpuStart = cpuMicros();
    }
    this.count++;
    for (let i = 0; i < message.length; i++) this.bytes += message[i]!.length;
    return false;
  }
  result() {
    const seconds = (performance.now() - this.start) / 1000;
    const cpuUs = cpuMicros() - this.cpuStart;
    // The first message starts the clock, so count - 1 messages fall inside it.
    return {
      count: this.count,
      bytes: this.bytes,
      seconds,
      rate: (this.count - 1) / seconds,
      cpuUs,
      cpuPerMessageUs: cpuUs / (this.count - 1),
    };
  }
}

/**
 * Receives until an empty message, with `await receive()` in a loop or with
 * `for await (const message of socket)`; times first message to the end marker.
 */
async function receiveAll(pull: Pull, mode: "receive" | "iterate" = "receive") {
  const tally = new Tally();
  if (mode === "iterate") {
    for await (const message of pull) {
      if (tally.add(message as Buffer[])) break;
    }
  } else {
    for (;;) {
      if (tally.add((await pull.receive()) as Buffer[])) break;
    }
  }
  return tally.result();
}

/** Sends `frames`-frame messages of `size`-byte frames for `durationMs`, then the end marker. */
async function sendFor(push: Push, size: number, durationMs: number, frames = 1) {
  const payload = Buffer.alloc(size, 0x61);
  const message = frames === 1 ? payload : Array.from({ length: frames }, () => payload);
  const mask = size >= 65536 ? 0 : 63;
  let sent = 0;
  const start = performance.now();
  const cpuStart = cpuMicros();
  const deadline = start + durationMs;
  for (;;) {
    await push.send(message);
    sent++;
    if ((sent & mask) === 0 && performance.now() >= deadline) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpuUs = cpuMicros() - cpuStart;
  await push.send(EMPTY);
  return { sent, seconds, rate: sent / seconds, cpuUs };
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

/**
 * The serving side of a round-trip case (REP, the echoing ROUTER) runs until it is
 * killed; the harness asks it for its CPU time before and after the measurement
 * ({ cmd: "measure" }), so a case can report the CPU both processes spent.
 */
function answerCpuQueries(): void {
  void (async () => {
    for (;;) {
      await nextCommand();
      report({ type: "result", cpuUs: cpuMicros() });
    }
  })();
}

async function echo(rep: InstanceType<Impl["Reply"]>) {
  for (;;) {
    const message = await rep.receive();
    await rep.send(message);
  }
}

/** Round-trip statistics; never spreads the samples (150k+ would overflow the stack). */
function summarize(samples: Float64Array, count: number) {
  const used = samples.subarray(0, count);
  let max = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const v = used[i]!;
    total += v;
    if (v > max) max = v;
  }
  return {
    count,
    medianUs: quantile(used, 0.5),
    p99Us: quantile(used, 0.99),
    p999Us: quantile(used, 0.999),
    maxUs: max,
    meanUs: count > 0 ? total / count : Number.NaN,
    totalMs: total / 1000,
  };
}

async function roundTrips(
  req: InstanceType<Impl["Request"]>,
  size: number,
  durationMs: number,
  warmupMs: number,
  count: number | undefined,
) {
  const payload = Buffer.alloc(size, 0x61);
  if (count !== undefined) {
    // Cold start: the first `count` round trips of a fresh process, no warm-up.
    const samples = new Float64Array(count);
    const start = performance.now();
    const cpuStart = cpuMicros();
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await req.send(payload);
      await req.receive();
      samples[i] = (performance.now() - t0) * 1000;
    }
    return {
      ...summarize(samples, count),
      seconds: (performance.now() - start) / 1000,
      cpuUs: cpuMicros() - cpuStart,
    };
  }
  // Warm: round trips for `warmupMs` first (at least 500), then measure.
  const warmUntil = performance.now() + warmupMs;
  for (let i = 0; i < 500 || performance.now() < warmUntil; i++) {
    await req.send(payload);
    await req.receive();
  }
  let samples = new Float64Array(1 << 16);
  let n = 0;
  const start = performance.now();
  const cpuStart = cpuMicros();
  const deadline = start + durationMs;
  for (;;) {
    const t0 = performance.now();
    await req.send(payload);
    await req.receive();
    const t1 = performance.now();
    if (n === samples.length) {
      const grown = new Float64Array(n * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[n++] = (t1 - t0) * 1000;
    if (t1 >= deadline) break;
  }
  return {
    ...summarize(samples, n),
    seconds: (performance.now() - start) / 1000,
    cpuUs: cpuMicros() - cpuStart,
  };
}

// ---- ROUTER with many DEALERs ------------------------------------------------------

async function routerEcho(router: InstanceType<Impl["Router"]>) {
  for (;;) {
    const message = await router.receive();
    await router.send(message);
  }
}

/** Each DEALER does send → receive round trips until the deadline; sums them. */
async function dealerLoops(dealers: InstanceType<Impl["Dealer"]>[], size: number, ms: number) {
  const payload = Buffer.alloc(size, 0x61);
  const start = performance.now();
  const cpuStart = cpuMicros();
  const deadline = start + ms;
  const counts = await Promise.all(
    dealers.map(async (dealer) => {
      let n = 0;
      for (;;) {
        await dealer.send(payload);
        await dealer.receive();
        n++;
        if ((n & 15) === 0 && performance.now() >= deadline) return n;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuUs = cpuMicros() - cpuStart;
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const c of counts) {
    total += c;
    if (c < min) min = c;
  }
  return { total, seconds, rate: total / seconds, minPerDealer: min, cpuUs };
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
  onFirstData: () => void,
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
      if (count === 0) {
        first = performance.now();
        onFirstData();
      }
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
      report({ type: "result", ...(await receiveAll(pull, params.receive)) });
      break;
    }
    case "push": {
      const push = new zmq.Push();
      applyHwm(push, params);
      applyCurve(push, params, "client");
      push.connect(params.endpoint!);
      report({ type: "ready" });
      await nextCommand();
      report({ type: "result", ...(await sendFor(push, size, durationMs, params.frames)) });
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
        receiveAll(pull, params.receive),
        sendFor(push, size, durationMs, params.frames),
      ]);
      report({ type: "result", ...received, sender: sent });
      break;
    }
    case "rep": {
      const rep = new zmq.Reply();
      await rep.bind(params.endpoint!);
      report({ type: "ready", endpoint: rep.lastEndpoint! });
      answerCpuQueries();
      await echo(rep);
      break;
    }
    case "req": {
      const req = new zmq.Request();
      req.connect(params.endpoint!);
      report({ type: "ready" });
      await nextCommand();
      report({
        type: "result",
        ...(await roundTrips(req, size, durationMs, warmupMs, params.count)),
      });
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
      report({
        type: "result",
        ...(await roundTrips(req, size, durationMs, warmupMs, params.count)),
      });
      break;
    }
    case "router-echo": {
      const router = new zmq.Router();
      await router.bind(params.endpoint!);
      report({ type: "ready", endpoint: router.lastEndpoint! });
      answerCpuQueries();
      await routerEcho(router);
      break;
    }
    case "dealers": {
      const dealers = Array.from({ length: params.dealers ?? 100 }, () => {
        const dealer = new zmq.Dealer();
        dealer.connect(params.endpoint!);
        return dealer;
      });
      // One round trip each proves every connection is up before the clock starts.
      const payload = Buffer.alloc(size, 0x61);
      await Promise.all(
        dealers.map(async (d) => {
          await d.send(payload);
          await d.receive();
        }),
      );
      // The warm variant: round trips for warmupMs first (both processes' JIT warms up).
      if (params.warmupMs !== undefined && params.warmupMs > 0) {
        await dealerLoops(dealers, size, params.warmupMs);
      }
      report({ type: "ready" });
      await nextCommand();
      report({ type: "result", ...(await dealerLoops(dealers, size, durationMs)) });
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
      const cpuStart = cpuMicros();
      const deadline = start + durationMs;
      for (;;) {
        await pub.send(payload);
        sent++;
        if ((sent & 63) === 0 && performance.now() >= deadline) break;
      }
      const seconds = (performance.now() - start) / 1000;
      report({
        type: "result",
        sent,
        seconds,
        rate: sent / seconds,
        cpuUs: cpuMicros() - cpuStart,
      });
      // Keep sending end markers: a PUB drops what a full subscriber can't take.
      for (;;) {
        await pub.send(END);
        await sleep(20);
      }
    }
    case "fanout-subs": {
      const n = params.subscribers ?? 10;
      let ready = 0;
      let cpuStart = 0;
      const runs = Array.from({ length: n }, () => {
        const sub = new zmq.Subscriber();
        sub.subscribe();
        sub.connect(params.endpoint!);
        return fanoutSubscriber(
          sub,
          size,
          () => {
            if (++ready === n) report({ type: "ready" });
          },
          () => {
            cpuStart ||= cpuMicros();
          },
        );
      });
      const results = await Promise.all(runs);
      const counted = results.filter((r) => r.count > 0);
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      for (const r of counted) {
        if (r.first < first) first = r.first;
        if (r.last > last) last = r.last;
      }
      const total = results.reduce((sum, r) => sum + r.count, 0);
      const seconds = (last - first) / 1000;
      report({
        type: "result",
        counts: results.map((r) => r.count),
        total,
        seconds,
        rate: total / seconds,
        // From the first timed message (at any SUB) to the end marker.
        cpuUs: cpuMicros() - cpuStart,
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
      const cpuStart = cpuMicros();
      await nextCommand();
      // CPU for accepting and handshaking every connection (robust to a busy machine).
      const cpuUs = cpuMicros() - cpuStart;
      const after = await memory();
      // Again once the connection storm is 6 s past: V8 shrinks its young
      // generation (grown to its maximum while the connections arrived) only at a
      // collection after some seconds of little allocation.
      await sleep(6000);
      report({ type: "result", before, after, settled: await memory(), cpuUs });
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
