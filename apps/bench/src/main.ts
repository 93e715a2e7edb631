/**
 * Side-by-side benchmark: @zmq/node ("ours") against the zeromq npm package
 * (zeromq.js v6 over libzmq 4.3.5), same run, same code (worker.ts), alternating
 * implementations round by round. Prints a table of medians and the ratio
 * ours/zeromq.js and writes bench-results.json with every raw number.
 *
 *   pnpm --filter @zmq/bench bench [-- --quick] [--only tcp-throughput,latency] [--rounds 5]
 *
 * See README.md for the cases and flags.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { curveKeyPair } from "@zmq/node";
import { IMPLS, type ImplName } from "./impl";
import type { Command, Params, Report, Role } from "./protocol";
import { median } from "./stats";

// ---- command line ---------------------------------------------------------------------

const GROUPS = [
  "tcp-throughput",
  "curve-throughput",
  "ipc-throughput",
  "inproc-throughput",
  "latency",
  "router",
  "fanout",
  "pub-memory",
  "idle-connections",
] as const;

interface Config {
  quick: boolean;
  rounds: number;
  durationMs: number;
  warmupMs: number;
  sizes: number[];
  only: string[];
  impls: ImplName[];
  pubMessages: number;
  connections: number;
  coldCounts: number[];
  dealers: number;
  subscribers: number;
  out: string;
  profile: string | undefined;
  /** Workers run from source through tsx (as with --profile) instead of a bundle. */
  tsx: boolean;
  timeoutMs: number | undefined;
}

function parseArgs(argv: string[]): Config {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (["quick", "help", "tsx"].includes(arg.slice(2))) flags.set(arg.slice(2), "true");
    else flags.set(arg.slice(2), argv[++i] ?? "");
  }
  if (flags.has("help")) {
    console.log(
      [
        "usage: pnpm --filter @zmq/bench bench -- [flags]",
        "  --quick               smoke run: 16 B and 64 KiB, 1 round, 0.5 s runs, cold 1k only,",
        "                        10 DEALERs / SUBs, smaller memory cases",
        `  --only a,b            groups or case-id substrings: ${GROUPS.join(", ")}`,
        "  --rounds N            rounds per case (default 3; memory cases run once)",
        "  --duration MS         length of one throughput/latency measurement (default 1000)",
        "  --warmup MS           traffic before a warm latency or ROUTER measurement (default: --duration)",
        "  --impl ours|zeromq    run one implementation only",
        "  --messages N          sends in the pub-memory case (default 10,000,000)",
        "  --connections N       connections in the idle-connections case (default 10,000)",
        "  --dealers N           DEALERs in the ROUTER case (default 100)",
        "  --subscribers N       SUBs in the fan-out case (default 100)",
        "  --out FILE            results file (default bench-results.json in apps/bench)",
        "  --profile DIR         write .cpuprofile files of our workers into DIR",
        "  --tsx                 run workers from source through tsx, not from a bundle",
        "  --timeout MS          per-measurement time limit (default: per case, 31 s to 240 s)",
      ].join("\n"),
    );
    process.exit(0);
  }
  const quick = flags.has("quick");
  const num = (name: string, fallback: number, min = 1) => {
    const value = flags.get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} needs a number >= ${min}`);
    return n;
  };
  const impl = flags.get("impl");
  return {
    quick,
    rounds: num("rounds", quick ? 1 : 3),
    durationMs: num("duration", quick ? 500 : 1000),
    warmupMs: num("warmup", num("duration", quick ? 500 : 1000), 0),
    sizes: quick ? [16, 65536] : [16, 1024, 65536, 1048576],
    only: (flags.get("only") ?? "").split(",").filter((s) => s !== ""),
    impls: impl === undefined ? [...IMPLS] : IMPLS.filter((i) => i === impl),
    pubMessages: num("messages", quick ? 1_000_000 : 10_000_000),
    connections: num("connections", quick ? 1000 : 10_000),
    coldCounts: quick ? [1000] : [1000, 5000],
    dealers: num("dealers", quick ? 10 : 100),
    subscribers: num("subscribers", quick ? 10 : 100),
    out: flags.get("out") ?? fileURLToPath(new URL("../bench-results.json", import.meta.url)),
    profile: flags.get("profile"),
    tsx: flags.has("tsx"),
    timeoutMs: flags.has("timeout") ? num("timeout", 1) : undefined,
  };
}

const config = parseArgs(process.argv.slice(2));

// ---- worker processes ----------------------------------------------------------------

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const BUNDLE_DIR = fileURLToPath(new URL("../.bundle/", import.meta.url));
const live = new Set<Child>();

/**
 * The worker and everything it imports (our packages from source, libsodium),
 * bundled once per run into one file next to apps/bench's node_modules (so
 * `zeromq` resolves). Each measurement starts two fresh processes; loading one
 * bundle instead of compiling every TypeScript module through tsx cuts a
 * worker's start from ~0.7 s to ~0.15 s of CPU, which on a busy 2-core box was
 * most of a full run. With `--profile` workers run from source (tsx), so
 * profiles name the real files.
 */
let workerEntry: { file: string; execArgv: string[] } | undefined;
async function prepareWorker(): Promise<void> {
  if (config.profile !== undefined || config.tsx) {
    workerEntry = { file: WORKER, execArgv: process.execArgv };
    return;
  }
  const esbuild = await import("esbuild");
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const file = `${BUNDLE_DIR}worker-${process.pid}.mjs`;
  await esbuild.build({
    entryPoints: [WORKER],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@zmq/source"],
    external: ["zeromq"],
    // No keepNames: the published builds (tsup) have none, and its `__name` calls give
    // every named closure a property store (~250 B each: 10,000 connections pay MBs).
    logLevel: "error",
    // CommonJS inside the bundle (libsodium) may call require for node builtins.
    banner: {
      js: 'import { createRequire as __benchRequire } from "node:module"; const require = __benchRequire(import.meta.url);',
    },
  });
  workerEntry = { file, execArgv: [] };
}

class Child {
  readonly proc: ChildProcess;
  readonly #inbox: Report[] = [];
  #wake: (() => void) | undefined;
  #stderr = "";
  #exit: string | undefined;
  progress: Report | undefined;

  constructor(role: Role, impl: ImplName, params: Params, fdLimit?: number) {
    const entry = workerEntry!;
    const execArgv = [...entry.execArgv, "--expose-gc"];
    if (config.profile !== undefined && impl === "ours" && role !== "raw-clients") {
      execArgv.push("--cpu-prof", `--cpu-prof-dir=${config.profile}`);
    }
    const args = [...execArgv, entry.file, role, impl, JSON.stringify(params)];
    const stdio: ["ignore", "inherit", "pipe", "ipc"] = ["ignore", "inherit", "pipe", "ipc"];
    this.proc =
      fdLimit === undefined
        ? spawn(process.execPath, args, { stdio })
        : spawn(
            "bash",
            ["-c", `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, ...args],
            {
              stdio,
            },
          );
    live.add(this);
    this.proc.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.proc.on("message", (message: Report) => {
      if (message.type === "progress") this.progress = message;
      else this.#inbox.push(message);
      this.#wake?.();
    });
    this.proc.on("exit", (code, signal) => {
      this.#exit = `${role} (${impl}) exited with ${signal ?? code}: ${this.#stderr.trim()}`;
      live.delete(this);
      this.#wake?.();
    });
  }

  send(command: Command): void {
    this.proc.send(command);
  }

  /** The next report of `type`; rejects on a worker error or exit. */
  async wait<T extends Report["type"]>(type: T): Promise<Extract<Report, { type: T }>> {
    for (;;) {
      const i = this.#inbox.findIndex((m) => m.type === type || m.type === "error");
      if (i >= 0) {
        const message = this.#inbox.splice(i, 1)[0]!;
        if (message.type === "error") throw new Error(message.message);
        return message as Extract<Report, { type: T }>;
      }
      if (this.#exit !== undefined) throw new Error(this.#exit);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  /** Ends the process: SIGKILL, or a graceful exit first when profiling. */
  async kill(): Promise<void> {
    if (this.#exit !== undefined) return;
    const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    if (config.profile !== undefined && this.proc.connected) {
      this.proc.disconnect(); // worker exits on disconnect, writing its profile
      await Promise.race([exited, sleep(3000)]);
    }
    if (this.#exit === undefined) {
      this.proc.kill("SIGKILL");
      await exited;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a measurement with a deadline, always ending the processes it started. */
async function measure<T>(
  timeoutMs: number,
  body: (
    spawnChild: (role: Role, impl: ImplName, params: Params, fdLimit?: number) => Child,
  ) => Promise<T>,
): Promise<T> {
  const children: Child[] = [];
  const spawnChild = (role: Role, impl: ImplName, params: Params, fdLimit?: number) => {
    const child = new Child(role, impl, params, fdLimit);
    children.push(child);
    return child;
  };
  timeoutMs = config.timeoutMs ?? timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const progress = children
        .map((c) => c.progress)
        .filter((p) => p !== undefined)
        .map((p) => JSON.stringify(p))
        .join(" ");
      reject(new Error(`timeout after ${timeoutMs / 1000} s ${progress}`.trim()));
    }, timeoutMs);
  });
  try {
    return await Promise.race([body(spawnChild), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(children.map((c) => c.kill()));
  }
}

// ---- cases ---------------------------------------------------------------------------------

type Raw = Record<string, unknown>;

interface Metric {
  name: string;
  unit: string;
  better: "higher" | "lower";
  /** CPU time rather than speed: left out of the WORST line, which has its own. */
  cpu?: boolean;
  pick: (raw: Raw) => number;
  /** Ratio ours/zeromq.js target, for the table. */
  target?: { op: ">=" | "<="; ratio: number };
  /** Absolute target on our value. */
  limit?: { op: "<="; value: number; label: string };
  /** No ratio: the figure means nothing on zeromq.js's side (its memory is libzmq's, not the JS heap). */
  noRatio?: boolean;
}

interface Case {
  id: string;
  group: (typeof GROUPS)[number];
  rounds: number;
  timeoutMs: number;
  metrics: Metric[];
  run: (impl: ImplName) => Promise<Raw>;
}

let ipcCounter = 0;
function ipcEndpoint(): string {
  const path = `/tmp/zmq-bench-${process.pid}-${ipcCounter++}.ipc`;
  if (existsSync(path)) rmSync(path);
  return `ipc://${path}`;
}

function sizeLabel(size: number): string {
  if (size >= 1048576) return `${size / 1048576} MiB`;
  if (size >= 1024) return `${size / 1024} KiB`;
  return `${size} B`;
}

const num = (raw: Raw, ...path: string[]) => {
  let value: unknown = raw;
  for (const key of path) value = (value as Raw)[key];
  return Number(value);
};

/** One throughput shape. */
interface Shape {
  transport: "tcp" | "ipc" | "inproc";
  size: number;
  /** Frames per message, each `size` bytes. */
  frames: 1 | 3;
  /** The receiver's loop. */
  receive: "receive" | "iterate";
  /** SNDHWM = RCVHWM on both sockets; undefined = the library default (1000). */
  hwm: number | undefined;
  curve?: boolean;
}

/** E.g. "16 B x3 for-await hwm=0" (no commas: `--only` splits on them). */
function shapeLabel(shape: Shape): string {
  const parts = [sizeLabel(shape.size)];
  if (shape.frames !== 1) parts.push(`x${shape.frames}`);
  parts.push(shape.receive === "iterate" ? "for-await" : "receive()");
  if (shape.hwm !== undefined) parts.push(`hwm=${shape.hwm}`);
  return parts.join(" ");
}

/** The issue's targets (ours / zeromq.js) for the default shapes. */
function throughputTarget(shape: Shape): Metric["target"] {
  if (shape.curve) return { op: ">=", ratio: shape.size <= 16 ? 2 : 0.8 };
  if (shape.transport === "inproc") return shape.size === 16 ? { op: ">=", ratio: 10 } : undefined;
  if (shape.size === 16) return { op: ">=", ratio: 5 };
  if (shape.size === 65536) return { op: ">=", ratio: 1.2 };
  if (shape.size === 1048576) return { op: ">=", ratio: 1 };
  return undefined;
}

function throughputCase(shape: Shape): Case {
  const { transport, size } = shape;
  const params: Params = {
    size,
    durationMs: config.durationMs,
    frames: shape.frames,
    receive: shape.receive,
  };
  if (shape.curve) {
    // One key set for both implementations: the keys are plain Z85 strings.
    const server = curveKeyPair();
    const client = curveKeyPair();
    params.curve = {
      serverPublic: server.publicKey,
      serverSecret: server.secretKey,
      clientPublic: client.publicKey,
      clientSecret: client.secretKey,
    };
  }
  if (shape.hwm !== undefined) params.highWaterMark = shape.hwm;
  const metric: Metric = {
    name: "throughput",
    unit: "msg/s",
    better: "higher",
    pick: (raw) => num(raw, "receiver", "rate"),
  };
  const target = throughputTarget(shape);
  if (target) metric.target = target;
  // CPU time per message, both sides: a figure a busy machine moves far less than rates.
  const cpu: Metric = {
    name: "CPU per message",
    unit: "µs",
    better: "lower",
    cpu: true,
    pick: (raw) =>
      transport === "inproc"
        ? num(raw, "receiver", "cpuPerMessageUs")
        : (num(raw, "receiver", "cpuUs") + num(raw, "sender", "cpuUs")) /
          num(raw, "receiver", "count"),
  };
  return {
    id: `${shape.curve ? "curve-" : ""}${transport}-throughput ${shapeLabel(shape)}`,
    group: shape.curve ? "curve-throughput" : `${transport}-throughput`,
    rounds: config.rounds,
    timeoutMs: config.durationMs + 30_000,
    metrics: [metric, cpu],
    run: (impl) =>
      measure(config.durationMs + 30_000, async (spawnChild) => {
        if (transport === "inproc") {
          const both = spawnChild("inproc-throughput", impl, params);
          await both.wait("ready");
          both.send({ cmd: "go" });
          const result = await both.wait("result");
          return { receiver: result };
        }
        const endpoint = transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
        const receiver = spawnChild("pull", impl, { ...params, endpoint });
        const ready = await receiver.wait("ready");
        const sender = spawnChild("push", impl, { ...params, endpoint: ready.endpoint! });
        await sender.wait("ready");
        sender.send({ cmd: "go" });
        const received = await receiver.wait("result");
        const sent = await sender.wait("result");
        return { receiver: received, sender: sent };
      }),
  };
}

/** REQ/REP 16 B: `count` round trips from a cold start, or warm (timed, after a warm-up). */
function latencyCase(transport: "tcp" | "ipc" | "inproc", count?: number): Case {
  const params: Params = { size: 16, durationMs: config.durationMs, warmupMs: config.warmupMs };
  if (count !== undefined) params.count = count;
  const metrics: Metric[] = [];
  if (count !== undefined) {
    metrics.push(
      {
        name: `time for the first ${count / 1000}k round trips`,
        unit: "ms",
        better: "lower",
        pick: (raw) => num(raw, "totalMs"),
        target: { op: "<=", ratio: 1 },
      },
      {
        // What a busy machine moves least: on 2 shared cores the time above is mostly
        // how much CPU each process is given, this is how much it needed.
        name: `CPU for the first ${count / 1000}k (both sides)`,
        unit: "ms",
        better: "lower",
        cpu: true,
        pick: (raw) => roundTripCpuUs(raw) / 1000,
      },
    );
  } else {
    metrics.push(
      {
        name: "round-trip median",
        unit: "µs",
        better: "lower",
        pick: (raw) => num(raw, "medianUs"),
        target: { op: "<=", ratio: 0.6 },
      },
      {
        name: "round-trip p99",
        unit: "µs",
        better: "lower",
        pick: (raw) => num(raw, "p99Us"),
        target: { op: "<=", ratio: 1 },
      },
      {
        name: "CPU per round trip (both sides)",
        unit: "µs",
        better: "lower",
        cpu: true,
        pick: (raw) => roundTripCpuUs(raw) / num(raw, "count"),
      },
    );
  }
  return {
    id: `${transport}-latency 16 B ${count !== undefined ? `cold first ${count / 1000}k` : "warm"}`,
    group: "latency",
    rounds: config.rounds,
    timeoutMs: config.durationMs * 2 + 30_000,
    metrics,
    run: (impl) =>
      measure(config.durationMs * 2 + 30_000, async (spawnChild) => {
        if (transport === "inproc") {
          const both = spawnChild("inproc-latency", impl, params);
          await both.wait("ready");
          both.send({ cmd: "go" });
          return await both.wait("result");
        }
        const endpoint = transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
        const server = spawnChild("rep", impl, { endpoint });
        const ready = await server.wait("ready");
        const client = spawnChild("req", impl, { ...params, endpoint: ready.endpoint! });
        await client.wait("ready");
        const serverCpu = await serverCpuDuring(server, async () => {
          client.send({ cmd: "go" });
          return await client.wait("result");
        });
        return { ...serverCpu.result, serverCpuUs: serverCpu.cpuUs };
      }),
  };
}

/**
 * Runs `body` (one measurement) and returns its result with the CPU time the
 * serving process (REP, ROUTER) spent meanwhile, asked before and after.
 */
async function serverCpuDuring<T>(
  server: Child,
  body: () => Promise<T>,
): Promise<{ result: T; cpuUs: number }> {
  server.send({ cmd: "measure" });
  const before = num(await server.wait("result"), "cpuUs");
  const result = await body();
  server.send({ cmd: "measure" });
  const after = num(await server.wait("result"), "cpuUs");
  return { result, cpuUs: after - before };
}

/** CPU time of a round-trip measurement: the client's, plus the server's when in another process. */
function roundTripCpuUs(raw: Raw): number {
  const server = raw.serverCpuUs === undefined ? 0 : num(raw, "serverCpuUs");
  return num(raw, "cpuUs") + server;
}

/**
 * ROUTER echoing to `dealers` DEALERs: measured right after each DEALER's first
 * round trip (cold: the JIT is still warming up, as in a process's first second),
 * or, `warm`, after `--warmup` ms of round trips (a long-running server).
 */
function routerCase(dealers: number, warm: boolean): Case {
  const params: Params = { size: 16, durationMs: config.durationMs, dealers };
  if (warm) params.warmupMs = config.warmupMs;
  return {
    id: `tcp-router 16 B echo to ${dealers} DEALER ${warm ? "warm" : "cold"}`,
    group: "router",
    rounds: config.rounds,
    timeoutMs: config.durationMs + (warm ? config.warmupMs : 0) + 30_000,
    metrics: [
      {
        name: "round trips (sum over DEALERs)",
        unit: "msg/s",
        better: "higher",
        pick: (raw) => num(raw, "rate"),
      },
      {
        name: "CPU per round trip (both sides)",
        unit: "µs",
        better: "lower",
        cpu: true,
        pick: (raw) => roundTripCpuUs(raw) / num(raw, "total"),
      },
    ],
    run: (impl) =>
      measure(config.durationMs + (warm ? config.warmupMs : 0) + 30_000, async (spawnChild) => {
        const router = spawnChild("router-echo", impl, { endpoint: "tcp://127.0.0.1:*" });
        const ready = await router.wait("ready");
        const client = spawnChild("dealers", impl, { ...params, endpoint: ready.endpoint! });
        await client.wait("ready");
        const serverCpu = await serverCpuDuring(router, async () => {
          client.send({ cmd: "go" });
          return await client.wait("result");
        });
        return { ...serverCpu.result, serverCpuUs: serverCpu.cpuUs };
      }),
  };
}

/**
 * PUB to `subscribers` SUBs, timed right after all subscribed. (No warm variant:
 * a full-rate warm-up leaves zeromq.js's SUBs a backlog of millions of small
 * messages in the kernel buffers, which they do not drain within the time limit.)
 */
function fanoutCase(subscribers: number): Case {
  const params: Params = { size: 16, durationMs: config.durationMs, subscribers };
  return {
    id: `tcp-fanout 16 B to ${subscribers} SUB`,
    group: "fanout",
    rounds: config.rounds,
    timeoutMs: config.durationMs + 30_000,
    metrics: [
      {
        name: "delivered (sum over SUBs)",
        unit: "msg/s",
        better: "higher",
        pick: (raw) => num(raw, "subscribers", "rate"),
      },
      {
        name: "published",
        unit: "msg/s",
        better: "higher",
        pick: (raw) => num(raw, "publisher", "rate"),
      },
      {
        name: "CPU per delivered message",
        unit: "µs",
        better: "lower",
        cpu: true,
        pick: (raw) =>
          (num(raw, "publisher", "cpuUs") + num(raw, "subscribers", "cpuUs")) /
          num(raw, "subscribers", "total"),
      },
    ],
    run: (impl) =>
      measure(config.durationMs + 30_000, async (spawnChild) => {
        const pub = spawnChild("fanout-pub", impl, { ...params, endpoint: "tcp://127.0.0.1:*" });
        const ready = await pub.wait("ready");
        const subs = spawnChild("fanout-subs", impl, { ...params, endpoint: ready.endpoint! });
        await subs.wait("ready");
        pub.send({ cmd: "go" });
        const publisher = await pub.wait("result");
        const received = await subs.wait("result");
        return { publisher, subscribers: received };
      }),
  };
}

function pubMemoryCase(): Case {
  const messages = config.pubMessages;
  const timeoutMs = 240_000;
  return {
    id: `pub-memory ${messages / 1e6}M x 16 B, 1 stalled SUB`,
    group: "pub-memory",
    rounds: 1,
    timeoutMs,
    metrics: [
      {
        name: "publisher RSS after",
        unit: "MB",
        better: "lower",
        pick: (raw) => num(raw, "publisher", "after", "rss") / 1e6,
      },
      {
        name: "publisher RSS growth",
        unit: "MB",
        better: "lower",
        pick: (raw) =>
          (num(raw, "publisher", "after", "rss") - num(raw, "publisher", "before", "rss")) / 1e6,
        // 10 M x 16 B unbounded would be >= 160 MB of payload alone.
        limit: { op: "<=", value: 50, label: "bounded (< 50 MB)" },
      },
      {
        name: "stalled SUB RSS",
        unit: "MB",
        better: "lower",
        pick: (raw) => num(raw, "subscriber", "rss") / 1e6,
      },
      {
        name: "time for the sends",
        unit: "s",
        better: "lower",
        pick: (raw) => num(raw, "publisher", "seconds"),
      },
    ],
    run: (impl) =>
      measure(timeoutMs, async (spawnChild) => {
        const pub = spawnChild("pub-memory", impl, {
          endpoint: "tcp://127.0.0.1:*",
          messages,
          size: 16,
        });
        const ready = await pub.wait("ready");
        const sub = spawnChild("stalled-sub", impl, { endpoint: ready.endpoint! });
        await sub.wait("ready");
        pub.send({ cmd: "go" });
        const publisher = await pub.wait("result");
        sub.send({ cmd: "measure" });
        const subscriber = await sub.wait("result");
        if (publisher.aborted) throw new Error(`RSS limit hit: ${JSON.stringify(publisher)}`);
        return { publisher, subscriber };
      }),
  };
}

function fdLimit(): number {
  try {
    return Number(execFileSync("bash", ["-c", "ulimit -n"]).toString().trim());
  } catch {
    return 1024;
  }
}

function idleConnectionsCase(): Case {
  const connections = config.connections;
  const timeoutMs = 180_000;
  const needed = connections + 1000;
  const limit = fdLimit();
  // Raise the soft limit for the children only when it is too low.
  const raise = Number.isFinite(limit) && limit < needed ? 65536 : undefined;
  return {
    id: `idle-connections ${connections} tcp to 1 ROUTER`,
    group: "idle-connections",
    rounds: 1,
    timeoutMs,
    metrics: [
      {
        name: "ROUTER RSS",
        unit: "MB",
        better: "lower",
        pick: (raw) => num(raw, "router", "after", "rss") / 1e6,
        limit: { op: "<=", value: 200, label: "< 200 MB" },
      },
      {
        name: "ROUTER RSS growth",
        unit: "MB",
        better: "lower",
        pick: (raw) =>
          (num(raw, "router", "after", "rss") - num(raw, "router", "before", "rss")) / 1e6,
      },
      {
        name: "ROUTER RSS 6 s later",
        unit: "MB",
        better: "lower",
        pick: (raw) => num(raw, "router", "settled", "rss") / 1e6,
      },
      // Where the growth is: the JavaScript heap (live objects, and committed), and
      // ArrayBuffer memory; the rest of RSS is native (Node's handles, libzmq).
      ...(["heapUsed", "heapTotal", "arrayBuffers"] as const).map(
        (field): Metric => ({
          name: `ROUTER ${field} growth`,
          unit: "MB",
          better: "lower",
          noRatio: true,
          pick: (raw) =>
            (num(raw, "router", "after", field) - num(raw, "router", "before", field)) / 1e6,
        }),
      ),
      {
        name: "time to connect all",
        unit: "s",
        better: "lower",
        pick: (raw) => num(raw, "clients", "seconds"),
      },
      {
        name: "ROUTER CPU per connection",
        unit: "µs",
        better: "lower",
        cpu: true,
        pick: (raw) => num(raw, "router", "cpuUs") / num(raw, "clients", "connections"),
      },
    ],
    run: (impl) =>
      measure(timeoutMs, async (spawnChild) => {
        const router = spawnChild("router-idle", impl, { endpoint: "tcp://127.0.0.1:*" }, raise);
        const ready = await router.wait("ready");
        const clients = spawnChild(
          "raw-clients",
          impl,
          { endpoint: ready.endpoint!, connections },
          raise,
        );
        const connected = await clients.wait("result");
        await sleep(500);
        router.send({ cmd: "measure" });
        const measured = await router.wait("result");
        return { router: measured, clients: connected, fdLimit: limit, raisedTo: raise ?? null };
      }),
  };
}

function allCases(): Case[] {
  const cases: Case[] = [];
  const base = { frames: 1, receive: "receive", hwm: undefined } as const;
  for (const transport of ["tcp", "ipc", "inproc"] as const) {
    // Every size, both receive loops, default HWM, 1 frame.
    for (const size of config.sizes) {
      // 1 MiB: HWM 100, so at most ~200 MiB can queue (1000 would allow 2 GiB).
      const hwm = size >= 1048576 ? 100 : undefined;
      for (const receive of ["receive", "iterate"] as const) {
        cases.push(throughputCase({ ...base, transport, size, receive, hwm }));
      }
    }
    // 16 B: unlimited HWM, and 3-frame messages, with both loops.
    for (const receive of ["receive", "iterate"] as const) {
      cases.push(throughputCase({ ...base, transport, size: 16, receive, hwm: 0 }));
      cases.push(throughputCase({ ...base, transport, size: 16, receive, frames: 3 }));
    }
    if (!config.quick) {
      // 1 KiB unlimited HWM (larger sizes with HWM 0 could queue gigabytes).
      cases.push(throughputCase({ ...base, transport, size: 1024, receive: "iterate", hwm: 0 }));
    }
  }
  // CURVE on (tcp, PUSH → PULL): what MESSAGE boxes cost against libzmq's libsodium.
  for (const size of config.quick ? [16, 65536] : [16, 1024, 65536, 1 << 20]) {
    cases.push(throughputCase({ ...base, transport: "tcp", size, curve: true }));
  }
  for (const transport of ["tcp", "ipc", "inproc"] as const) {
    for (const count of config.coldCounts) cases.push(latencyCase(transport, count));
    cases.push(latencyCase(transport));
  }
  cases.push(routerCase(config.dealers, false), routerCase(config.dealers, true));
  cases.push(fanoutCase(config.subscribers));
  cases.push(pubMemoryCase(), idleConnectionsCase());
  if (config.only.length === 0) return cases;
  return cases.filter((c) => config.only.some((f) => c.group === f || c.id.includes(f)));
}

// ---- running and reporting ------------------------------------------------------------------

interface Outcome {
  impl: ImplName;
  round: number;
  raw?: Raw;
  error?: string;
}

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "—";
  if (unit === "msg/s") {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M/s`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k/s`;
    return `${value.toFixed(0)}/s`;
  }
  if (unit === "µs") return `${value.toFixed(value < 10 ? 2 : 1)} µs`;
  if (unit === "MB") return `${value.toFixed(1)} MB`;
  if (unit === "s") return `${value.toFixed(2)} s`;
  if (unit === "ms") return `${value.toFixed(1)} ms`;
  return `${value.toPrecision(4)} ${unit}`;
}

function throughputBytes(value: number, id: string): string {
  const match = /(\d+) (B|KiB|MiB)$/.exec(id);
  if (!match || !Number.isFinite(value)) return "";
  const size = Number(match[1]) * (match[2] === "MiB" ? 1048576 : match[2] === "KiB" ? 1024 : 1);
  return ` (${((value * size) / 1e6).toFixed(size >= 1024 ? 0 : 1)} MB/s)`;
}

async function main() {
  await prepareWorker();
  const cases = allCases();
  const started = new Date();
  const loadBefore = loadavg();
  console.log(
    `@zmq/node vs zeromq.js ${config.impls.join(" + ")} — ${cases.length} cases, ` +
      `${config.rounds} round(s), ${config.durationMs} ms each — node ${process.version}, ` +
      `${cpus()[0]?.model ?? "?"} x${cpus().length}, load ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
  );
  if (loadBefore[0]! > cpus().length / 2) {
    console.log("  note: the machine is busy; numbers will be noisy");
  }
  const results: {
    case: Case;
    /** 1-minute load average when the case started. */
    load: number;
    outcomes: Outcome[];
    metrics: {
      metric: Metric;
      values: Record<ImplName, number[]>;
      medians: Record<ImplName, number>;
      ratio: number;
    }[];
  }[] = [];

  for (const c of cases) {
    const load = loadavg()[0]!;
    const outcomes: Outcome[] = [];
    const failed = new Set<ImplName>();
    for (let round = 0; round < c.rounds; round++) {
      // Alternate which implementation goes first, round by round.
      const order = round % 2 === 0 ? config.impls : [...config.impls].reverse();
      for (const impl of order) {
        if (failed.has(impl)) continue;
        const t0 = performance.now();
        try {
          const raw = await c.run(impl);
          outcomes.push({ impl, round, raw });
          const shown = c.metrics.map((m) => `${m.name} ${format(m.pick(raw), m.unit)}`).join(", ");
          console.log(
            `  ${c.id} [${impl} r${round + 1}] ${shown} (load ${loadavg()[0]!.toFixed(2)})`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          outcomes.push({ impl, round, error: message });
          failed.add(impl); // don't spend more rounds on a case that hangs or crashes
          console.log(`  ${c.id} [${impl} r${round + 1}] FAILED: ${message.slice(0, 500)}`);
        }
        if (performance.now() - t0 < 50) await sleep(50);
      }
    }
    const metrics = c.metrics.map((metric) => {
      const values = { ours: [] as number[], zeromq: [] as number[] };
      for (const o of outcomes) if (o.raw) values[o.impl].push(metric.pick(o.raw));
      const medians = { ours: median(values.ours), zeromq: median(values.zeromq) };
      // A ratio of a difference that can be <= 0 (RSS growth) means nothing.
      const ratio =
        medians.zeromq > 0 && !metric.noRatio ? medians.ours / medians.zeromq : Number.NaN;
      return { metric, values, medians, ratio };
    });
    results.push({ case: c, load, outcomes, metrics });
  }

  // Table.
  const rows: string[][] = [["case", "metric", "ours", "zeromq.js", "ours/zeromq.js", "target"]];
  for (const r of results) {
    for (const m of r.metrics) {
      const failure = (impl: ImplName) => {
        const error = r.outcomes.find((o) => o.impl === impl && o.error)?.error;
        return error ? (error.startsWith("timeout") ? "TIMEOUT" : "FAILED") : undefined;
      };
      // A median over the rounds that finished, marked when another round failed.
      const cell = (impl: ImplName) => {
        const failed = failure(impl);
        if (m.values[impl].length === 0) return failed ?? "—";
        const shown =
          format(m.medians[impl], m.metric.unit) +
          (m.metric.unit === "msg/s" ? throughputBytes(m.medians[impl], r.case.id) : "");
        return failed === undefined ? shown : `${shown} (1 ${failed})`;
      };
      let target = "";
      if (m.metric.target) {
        const { op, ratio } = m.metric.target;
        const ok = op === ">=" ? m.ratio >= ratio : m.ratio <= ratio;
        target = `${op} ${ratio}x ${Number.isFinite(m.ratio) ? (ok ? "ok" : "MISSED") : "?"}`;
      } else if (m.metric.limit) {
        const ok = m.medians.ours <= m.metric.limit.value;
        target = `${m.metric.limit.label} ${Number.isFinite(m.medians.ours) ? (ok ? "ok" : "MISSED") : "?"}`;
      }
      rows.push([
        r.case.id,
        `${m.metric.name}${m.metric.better === "lower" ? " ↓" : ""}`,
        cell("ours"),
        cell("zeromq"),
        Number.isFinite(m.ratio) ? `${m.ratio.toFixed(2)}x` : "—",
        target,
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log();
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log("\n↓ = lower is better; ratio = ours / zeromq.js (medians over rounds)");

  // The headline: the speed metric where we compare worst (memory rows excluded).
  type Worst = { id: string; metric: Metric; ratio: number; advantage: number };
  let worst: Worst | undefined;
  let worstCpu: Worst | undefined;
  let missed = 0;
  for (const r of results) {
    for (const m of r.metrics) {
      if (!Number.isFinite(m.ratio) || m.ratio <= 0) continue;
      if (m.metric.target) {
        const { op, ratio } = m.metric.target;
        if (op === ">=" ? m.ratio < ratio : m.ratio > ratio) missed++;
      }
      if (m.metric.unit === "MB") continue;
      // How many times zeromq.js's speed we reach: the ratio, or its inverse for "lower is better".
      const advantage = m.metric.better === "higher" ? m.ratio : 1 / m.ratio;
      const entry = { id: r.case.id, metric: m.metric, ratio: m.ratio, advantage };
      if (m.metric.cpu) {
        if (worstCpu === undefined || advantage < worstCpu.advantage) worstCpu = entry;
      } else if (worst === undefined || advantage < worst.advantage) {
        worst = entry;
      }
    }
  }
  if (worst !== undefined) {
    console.log(
      `WORST: ${worst.id} — ${worst.metric.name} ${worst.ratio.toFixed(2)}x zeromq.js ` +
        `(${worst.advantage.toFixed(2)}x its speed)`,
    );
  } else {
    console.log("WORST: — (no ratio: run both implementations)");
  }
  if (worstCpu !== undefined) {
    console.log(
      `WORST CPU: ${worstCpu.id} — ${worstCpu.metric.name} ${worstCpu.ratio.toFixed(2)}x ` +
        `zeromq.js's (ours costs ${worstCpu.ratio.toFixed(2)}x the CPU time)`,
    );
  }
  const loads = results.map((r) => r.load);
  console.log(
    `targets missed: ${missed}; load average (1 min) over the run: ` +
      `${Math.min(...loads, Number.POSITIVE_INFINITY).toFixed(2)}–${Math.max(...loads, 0).toFixed(2)}, ` +
      `at the end ${loadavg()[0]!.toFixed(2)}`,
  );

  const json = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cpus: cpus().length,
    memoryBytes: totalmem(),
    loadAverage: { before: loadBefore, after: loadavg() },
    fdLimit: fdLimit(),
    zeromq: { package: "zeromq@6.8.0", libzmq: "4.3.5" },
    config: { ...config },
    worst:
      worst === undefined ? null : { id: worst.id, metric: worst.metric.name, ratio: worst.ratio },
    cases: results.map((r) => ({
      id: r.case.id,
      group: r.case.group,
      load: r.load,
      rounds: r.outcomes,
      metrics: r.metrics.map((m) => ({
        name: m.metric.name,
        unit: m.metric.unit,
        better: m.metric.better,
        ours: { values: m.values.ours, median: m.medians.ours },
        zeromq: { values: m.values.zeromq, median: m.medians.zeromq },
        ratio: Number.isFinite(m.ratio) ? m.ratio : null,
        target: m.metric.target ?? m.metric.limit ?? null,
      })),
    })),
  };
  writeFileSync(config.out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`raw numbers: ${config.out}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all([...live].map((c) => c.kill()));
    if (workerEntry !== undefined && workerEntry.file !== WORKER)
      rmSync(workerEntry.file, { force: true });
  });
