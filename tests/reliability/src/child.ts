/**
 * One scenario role in its own process, written once against the zeromq.js v6
 * API and run with either implementation:
 *
 *   node --conditions=@zmq/source --import tsx --expose-gc child.ts <role> <ours|zeromq> <json>
 *
 * It talks to the test over the IPC channel: it sends `{ type, ... }` reports and
 * receives `{ type }` commands. Every role reports `{ type: "ready", ... }` once
 * it is set up.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Zmq from "zeromq";

type Impl = typeof Zmq;
type Params = Record<string, unknown>;
type Command = { type: string; [key: string]: unknown };

const [role, implName, rawParams] = process.argv.slice(2);
const params = JSON.parse(rawParams ?? "{}") as Params;

const zmq: Impl =
  implName === "ours"
    ? ((await import("@zmq/node")) as unknown as Impl)
    : (createRequire(import.meta.url)("zeromq") as Impl);

function report(message: Record<string, unknown>): void {
  process.send?.(message);
}

const commands: Command[] = [];
const waiters: ((command: Command) => void)[] = [];
process.on("message", (command: Command) => {
  const waiter = waiters.shift();
  if (waiter) waiter(command);
  else commands.push(command);
});
/** The next command from the test. */
function command(): Promise<Command> {
  const queued = commands.shift();
  if (queued) return Promise.resolve(queued);
  return new Promise((resolve) => waiters.push(resolve));
}
process.on("disconnect", () => process.exit(0));

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap, RSS and open fds, after two full collections when `--expose-gc` is on. */
async function stats(): Promise<{ heap: number; rss: number; fds: number; maxRss: number }> {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    heap: process.memoryUsage().heapUsed,
    rss: process.memoryUsage.rss(),
    fds: readdirSync("/proc/self/fd").length,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes of a 3-frame test message's payload: derived from the sequence number. */
function payloadFor(seq: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) out.writeUInt32LE((seq + i) >>> 0, i);
  return out;
}

const roles: Record<string, () => Promise<void>> = {
  /** PUSH: sends ["m", seq, payload] as fast as the pipe takes them until "stop" or `count`. */
  async push() {
    const sock = new zmq.Push({ linger: 0, ...(params.options as object) });
    sock.connect(params.endpoint as string);
    const size = (params.payload as number) ?? 64;
    const count = (params.count as number) ?? Number.POSITIVE_INFINITY;
    let stop = false;
    void command().then(() => {
      stop = true;
    });
    report({ type: "ready" });
    // At most `perMs` messages per millisecond (timer resolution permitting).
    const perMs = (params.perMs as number) ?? Number.POSITIVE_INFINITY;
    let seq = 0;
    while (!stop && seq < count) {
      try {
        await sock.send(["m", String(seq), payloadFor(seq, size)]);
        seq++;
        if (seq % perMs === 0) await sleep(1);
      } catch (error) {
        if ((error as { code?: string }).code !== "EAGAIN") throw error;
      }
    }
    report({ type: "sent", count: seq });
    await command();
  },

  /**
   * PULL: checks every message (3 frames, payload matching its sequence number)
   * and reports the sequence numbers every 10 ms, plus the arrival time of the first.
   */
  async pull() {
    const sock = new zmq.Pull({ linger: 0, ...(params.options as object) });
    // The first accepted connection's time: splits "bind to first message" into
    // the peer's reconnect wait and this process's handshake and delivery.
    void (async () => {
      for await (const event of sock.events) {
        if (event.type === "accept") {
          report({ type: "accepted", at: Date.now() });
          return;
        }
      }
    })();
    await sock.bind(params.endpoint as string);
    report({ type: "ready", at: Date.now(), ...(await stats()) });
    let seqs: number[] = [];
    let partial = 0;
    let first = true;
    const flush = setInterval(() => {
      if (seqs.length > 0 || partial > 0) report({ type: "seqs", seqs, partial });
      seqs = [];
      partial = 0;
    }, 10);
    void (async () => {
      for (;;) {
        const cmd = await command();
        if (cmd.type === "stats") report({ type: "stats", ...(await stats()) });
      }
    })();
    for await (const frames of sock) {
      if (first) {
        first = false;
        report({ type: "first", at: Date.now() });
      }
      const seq = frames.length === 3 ? Number(frames[1]!.toString()) : Number.NaN;
      if (
        frames.length !== 3 ||
        frames[0]!.toString() !== "m" ||
        !Number.isInteger(seq) ||
        !payloadFor(seq, frames[2]!.length).equals(frames[2]!)
      ) {
        partial++;
      } else seqs.push(seq);
    }
    clearInterval(flush);
  },

  /** ROUTER echo, for heartbeats and churn. */
  async router() {
    const sock = new zmq.Router({ linger: 0, ...(params.options as object) });
    await sock.bind(params.endpoint as string);
    report({ type: "ready", endpoint: sock.lastEndpoint });
    for await (const frames of sock) await sock.send(frames);
  },

  /**
   * DEALER with heartbeats: reports socket events with their times, and answers
   * "ping" with the round trip of one request (or its error).
   */
  async dealer() {
    const sock = new zmq.Dealer({ linger: 0, ...(params.options as object) });
    void (async () => {
      for await (const event of sock.events)
        report({ type: "event", event: event.type, at: Date.now() });
    })();
    sock.connect(params.endpoint as string);
    report({ type: "ready" });
    for (;;) {
      const cmd = await command();
      if (cmd.type !== "ping") continue;
      const start = Date.now();
      try {
        await sock.send(["ping"]);
        await sock.receive();
        report({ type: "pong", ok: true, at: Date.now(), ms: Date.now() - start });
      } catch (error) {
        report({ type: "pong", ok: false, code: (error as { code?: string }).code });
      }
    }
  },

  /** DEALER connect / request / close cycles against a ROUTER in this process. */
  async churn() {
    const router = new zmq.Router({ linger: 0 });
    await router.bind("tcp://127.0.0.1:*");
    const endpoint = router.lastEndpoint!;
    void (async () => {
      for await (const frames of router) await router.send(frames);
    })();
    const cycle = async (i: number) => {
      const dealer = new zmq.Dealer({ linger: 0 });
      dealer.connect(endpoint);
      await dealer.send(String(i));
      const [reply] = await dealer.receive();
      if (reply!.toString() !== String(i)) throw new Error(`wrong reply ${reply} to ${i}`);
      dealer.close();
    };
    const warmup = params.warmup as number;
    const cycles = params.cycles as number;
    for (let i = 0; i < warmup; i++) await cycle(i);
    await sleep(200);
    const before = await stats();
    const start = Date.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < cycles; i++) await cycle(i);
    const ms = Date.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuUsPerCycle = (cpu.user + cpu.system) / cycles;
    await sleep(500); // let closed connections finish on both sides
    const after = await stats();
    report({ type: "done", before, after, ms, cpuUsPerCycle });
    await command();
  },

  /**
   * PUB: sends "warm" until "go", then `count` messages of `size` bytes as fast as
   * it can (PUB drops at the high-water mark), and reports its memory.
   */
  async pub() {
    const sock = new zmq.Publisher({ linger: 0 });
    await sock.bind(params.endpoint as string);
    report({ type: "ready" });
    let go = false;
    void command().then(() => {
      go = true;
    });
    while (!go) {
      await sock.send("warm");
      await sleep(10);
    }
    const before = await stats();
    const body = Buffer.alloc(params.size as number, 7);
    const count = params.count as number;
    let peak = before.rss;
    const start = Date.now();
    for (let i = 0; i < count; i++) {
      await sock.send(body);
      if ((i & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage.rss());
    }
    const ms = Date.now() - start;
    const after = await stats();
    report({ type: "done", before, after, peak: Math.max(peak, after.rss), ms });
    await command();
  },

  /** SUB: subscribes to everything and reports the first message. */
  async sub() {
    const sock = new zmq.Subscriber({ linger: 0 });
    sock.subscribe();
    sock.connect(params.endpoint as string);
    report({ type: "ready" });
    await sock.receive();
    report({ type: "receiving" });
    for await (const _ of sock) {
      // keep reading until stopped by SIGSTOP
    }
  },

  /** PULL receiving one big frame: reports its peak RSS and the frame's hash. */
  async "big-recv"() {
    const sock = new zmq.Pull({ linger: 0 });
    await sock.bind("tcp://127.0.0.1:*");
    const before = await stats();
    report({ type: "ready", endpoint: sock.lastEndpoint, ...before });
    const timer = params.gcEvery ? setInterval(() => gc?.(), params.gcEvery as number) : undefined;
    const [frame] = await sock.receive();
    clearInterval(timer);
    const arrivedRss = process.memoryUsage.rss();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const hash = createHash("sha256").update(frame!).digest("hex");
    report({ type: "done", size: frame!.length, hash, maxRss, arrivedRss, baseline: before.rss });
    await command();
  },

  /** PUSH sending one big frame of a known pattern; reports its hash. */
  async "big-send"() {
    const size = params.size as number;
    const body = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    const hash = createHash("sha256").update(body).digest("hex");
    const sock = new zmq.Push({ linger: -1 });
    sock.connect(params.endpoint as string);
    await sock.send(body);
    report({ type: "sent", hash });
    await command();
    sock.close();
  },

  /** `sockets` DEALERs retrying a closed port: attempts per second (`connect:retry` events). */
  async "reconnect-rate"() {
    let attempts = 0;
    let counting = false;
    const sockets: Zmq.Dealer[] = [];
    for (let i = 0; i < (params.sockets as number); i++) {
      const sock = new zmq.Dealer({ linger: 0 });
      void (async () => {
        for await (const event of sock.events)
          if (counting && event.type === "connect:retry") attempts++;
      })();
      sock.connect(params.endpoint as string);
      sockets.push(sock);
    }
    await sleep(500);
    counting = true;
    const start = performance.now();
    await sleep(params.durationMs as number);
    counting = false;
    const seconds = (performance.now() - start) / 1000;
    for (const sock of sockets) sock.close();
    report({ type: "done", perSecond: attempts / seconds / (params.sockets as number) });
    await command();
  },

  /**
   * DEALER with `options` (a reconnectMaxInterval): reports the intervals of its
   * first `count` connect:retry events.
   */
  async backoff() {
    const sock = new zmq.Dealer({ linger: 0, ...(params.options as object) });
    const intervals: number[] = [];
    const count = params.count as number;
    const done = new Promise<void>((resolve) => {
      void (async () => {
        for await (const event of sock.events) {
          if (event.type !== "connect:retry") continue;
          intervals.push(event.interval);
          if (intervals.length >= count) resolve();
        }
      })();
    });
    sock.connect(params.endpoint as string);
    await done;
    sock.close();
    report({ type: "done", intervals });
    await command();
  },

  /** `sockets` DEALERs retrying a closed port for `durationMs`: CPU time spent. */
  async "reconnect-cpu"() {
    const idle = process.cpuUsage();
    await sleep(((params.durationMs as number) * 2) / 3);
    const idleCpu = process.cpuUsage(idle);
    const sockets: Zmq.Dealer[] = [];
    for (let i = 0; i < (params.sockets as number); i++) {
      const sock = new zmq.Dealer({ linger: 0 });
      sock.connect(params.endpoint as string);
      sockets.push(sock);
    }
    // The steady state only: the CPU of the last two thirds (not socket set-up
    // or the first attempts' compilation).
    await sleep((params.durationMs as number) / 3);
    const fdsBefore = readdirSync("/proc/self/fd").length;
    const start = process.cpuUsage();
    await sleep(((params.durationMs as number) * 2) / 3);
    const cpu = process.cpuUsage(start);
    const fds = readdirSync("/proc/self/fd").length;
    for (const sock of sockets) sock.close();
    report({
      type: "done",
      cpuMs: (cpu.user + cpu.system) / 1000,
      userMs: cpu.user / 1000,
      systemMs: cpu.system / 1000,
      idleCpuMs: (idleCpu.user + idleCpu.system) / 1000,
      fdsBefore,
      fds,
    });
    await command();
  },
};

/**
 * The same loop on bare `node:net` (no ZeroMQ at all): `sockets` loops of
 * connect, ECONNREFUSED, wait 100 ms plus a random jitter below 100 ms (libzmq's
 * reconnect delay), for `durationMs`. What Node itself costs per attempt: the
 * floor under any Node implementation.
 */
roles["reconnect-net"] = async () => {
  const { connect } = await import("node:net");
  const url = new URL((params.endpoint as string).replace("tcp://", "http://"));
  const idle = process.cpuUsage();
  await sleep(((params.durationMs as number) * 2) / 3);
  const idleCpu = process.cpuUsage(idle);
  let stop = false;
  let attempts = 0;
  const loop = () => {
    if (stop) return;
    attempts++;
    const socket = connect({ host: url.hostname, port: Number(url.port), family: 4 });
    socket.unref();
    socket.once("connect", () => socket.destroy());
    socket.once("error", () => {
      setTimeout(loop, 100 + Math.floor(Math.random() * 100)).unref();
    });
  };
  for (let i = 0; i < (params.sockets as number); i++) loop();
  await sleep((params.durationMs as number) / 3);
  const fdsBefore = readdirSync("/proc/self/fd").length;
  const start = process.cpuUsage();
  await sleep(((params.durationMs as number) * 2) / 3);
  const cpu = process.cpuUsage(start);
  const fds = readdirSync("/proc/self/fd").length;
  stop = true;
  report({
    type: "done",
    cpuMs: (cpu.user + cpu.system) / 1000,
    idleCpuMs: (idleCpu.user + idleCpu.system) / 1000,
    fdsBefore,
    fds,
    attempts,
  });
  await command();
};

/**
 * The floor under any Node implementation: `sockets` loops of a connect on a
 * bare TCP handle (`process.binding("tcp_wrap")`, no net.Socket, no error
 * object), close on the refusal, and a 100-199 ms timer, for `durationMs`.
 * What is left is Node's own cost per wake-up (a timer and a connect completion
 * per attempt) and the syscalls libzmq makes too.
 */
roles["reconnect-floor"] = async () => {
  type Handle = {
    connect(req: object, host: string, port: number): number;
    close(): void;
    unref(): void;
  };
  const wrap = (process as unknown as { binding(name: string): unknown }).binding("tcp_wrap") as {
    TCP: new (type: number) => Handle;
    TCPConnectWrap: new () => { oncomplete?: (status: number) => void };
    constants: { SOCKET: number };
  };
  const url = new URL((params.endpoint as string).replace("tcp://", "http://"));
  const port = Number(url.port);
  const idle = process.cpuUsage();
  await sleep(((params.durationMs as number) * 2) / 3);
  const idleCpu = process.cpuUsage(idle);
  let stop = false;
  let attempts = 0;
  const again = () => setTimeout(loop, 100 + Math.floor(Math.random() * 100)).unref();
  const loop = () => {
    if (stop) return;
    attempts++;
    const handle = new wrap.TCP(wrap.constants.SOCKET);
    handle.unref();
    const req = new wrap.TCPConnectWrap();
    req.oncomplete = () => {
      handle.close();
      again();
    };
    if (handle.connect(req, url.hostname, port) < 0) {
      handle.close();
      again();
    }
  };
  for (let i = 0; i < (params.sockets as number); i++) loop();
  await sleep((params.durationMs as number) / 3);
  const fdsBefore = readdirSync("/proc/self/fd").length;
  const start = process.cpuUsage();
  const counted = attempts;
  await sleep(((params.durationMs as number) * 2) / 3);
  const cpu = process.cpuUsage(start);
  const fds = readdirSync("/proc/self/fd").length;
  stop = true;
  report({
    type: "done",
    cpuMs: (cpu.user + cpu.system) / 1000,
    userMs: cpu.user / 1000,
    systemMs: cpu.system / 1000,
    idleCpuMs: (idleCpu.user + idleCpu.system) / 1000,
    fdsBefore,
    fds,
    attempts: attempts - counted,
  });
  await command();
};

const run = roles[role!];
if (!run) throw new Error(`unknown role ${role}`);
await run();
process.exit(0);
