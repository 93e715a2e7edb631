/**
 * Delivery of a connect endpoint's queued messages at process end when no
 * connection was ready for them (the connect or the handshake was still in
 * progress) and no connection could be opened synchronously (exit-connect.ts
 * covers tcp, ipc and ws to numeric addresses; what is left here: wss, host
 * names, `src;dst`, CURVE before libsodium was loaded). Node runs no I/O after
 * `process.exit()`, so worker threads, which have event loops of their own, do it while
 * the ending thread sleeps (until they are done or the linger runs out; they end
 * with the process):
 * - plain ZMTP over tcp/ipc with the NULL mechanism (`ExitBacklog.wire`): a bare
 *   worker that loads nothing but node:net connects (retrying at the reconnect
 *   interval), writes the greeting and READY, waits for the peer's, writes the
 *   encoded messages, half-closes and waits until the peer closes (it has read all);
 * - everything else (CURVE, PLAIN, ws, wss, udp): a worker that loads @zmq/node
 *   and replays the messages in a socket of the same type and options
 *   (`replayExitBacklog`), whose linger delivers them with whatever handshake,
 *   mechanism and transport the original needed.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExitBacklog } from "@zmq/socket";
import { concatBytes } from "@zmq/wire";

/** What the replaying worker (exit-worker.ts) is given. */
export interface ExitRelayData {
  backlogs: ExitBacklog[];
  /** [0]: 1 once the worker is done; [1]: how many backlogs it queued. */
  done: Int32Array;
}

/** The bare relay: plain node:net, CommonJS, no module of ours. */
const RELAY = `"use strict";
const net = require("node:net");
const { workerData } = require("node:worker_threads");
const { relays, done } = workerData;
let left = relays.length;
function settle(ok) {
  if (ok) Atomics.add(done, 1, 1);
  if (--left > 0) return;
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
  // Every connection is closed: end the thread now rather than when the process
  // ending reaps it.
  process.exit(0);
}
// The peer's greeting and its first command (READY or ERROR): until then libzmq
// takes every frame as a handshake command, so the messages wait for it.
function peerHandshakeEnd(buf) {
  if (buf.length < 66) return -1;
  if (buf[64] & 2) {
    if (buf.length < 73) return -1;
    const end = 73 + Number(buf.readBigUInt64BE(65));
    return buf.length >= end ? end : -1;
  }
  const end = 66 + buf[65];
  return buf.length >= end ? end : -1;
}
for (const relay of relays) {
  const data = Buffer.from(relay.bytes.buffer, relay.bytes.byteOffset, relay.bytes.byteLength);
  const hello = data.subarray(0, relay.handshake);
  const rest = data.subarray(relay.handshake);
  const attempt = () => {
    let connected = false;
    let got = Buffer.alloc(0);
    let sent = false;
    let refused = false;
    const socket = net.connect(relay.target);
    socket.on("connect", () => { connected = true; socket.write(hello); });
    socket.on("data", (d) => {
      if (sent || refused) return;
      got = Buffer.concat([got, d]);
      const end = peerHandshakeEnd(got);
      if (end < 0) return;
      // An ERROR command: the peer refused us; nothing to deliver.
      if (got.subarray(64, end).includes("ERROR")) { refused = true; socket.destroy(); return; }
      sent = true;
      socket.end(rest);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (sent || refused) settle(sent);
      else if (connected) settle(false);
      else setTimeout(attempt, relay.reconnect);
    });
  };
  attempt();
}
`;

type Target = { host: string; port: number } | { path: string };

function targetOf(address: string): Target | undefined {
  if (address.startsWith("ipc://")) {
    const path = address.slice("ipc://".length);
    // Abstract sockets: Node spells the leading NUL as "\0".
    return { path: path.startsWith("@") ? `\0${path.slice(1)}` : path };
  }
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  if (match === null) return undefined;
  const host = match[1]!.startsWith("[") ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port: Number(match[2]) };
}

/**
 * The replaying worker's module, next to this one: the CommonJS build (quicker to
 * load than the ESM graph; dist/ has both), or, when this runs from the TypeScript
 * sources (the repository's tests), exit-worker.ts with tsx registered first.
 */
function replayEntry(): { entry: string; tsx?: true } {
  // The CommonJS build gets import.meta.url from tsup's shim (tsup.config.ts).
  const here = new URL(import.meta.url);
  if (fileURLToPath(here).endsWith(".ts")) {
    return { entry: new URL("./exit-worker.ts", here).href, tsx: true };
  }
  return { entry: fileURLToPath(new URL("./exit-worker.cjs", here)) };
}

/** Loads the replaying worker's module (a worker's entry cannot be TypeScript, even under tsx). */
const REPLAY = `"use strict";
const { workerData } = require("node:worker_threads");
if (workerData.tsx === undefined) require(workerData.entry);
else {
  // tsx's ESM API (its CommonJS twin registers nothing usable here).
  const { createRequire } = require("node:module");
  const { pathToFileURL } = require("node:url");
  const api = createRequire(workerData.entry).resolve("tsx/esm/api").replace(/\\.cjs$/, ".mjs");
  import(pathToFileURL(api).href).then((tsx) => { tsx.register(); return import(workerData.entry); });
}
`;

/** Flags taking a value in the next argument that the worker must not repeat. */
const WITH_VALUE = new Set(["-e", "--eval", "-p", "--print", "-r", "--require"]);

/**
 * This process's Node flags for the worker (loaders and conditions keep the sources
 * it runs resolvable, as here), without the ones that name this process's own
 * program (`-e`, `--input-type`, `--test` …) or a debugger port. `--require` goes:
 * a preloaded script is meant for the program, not for the relay.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.split("=", 1)[0]!;
    if (WITH_VALUE.has(name)) {
      if (name === arg) i++;
      continue;
    }
    if (
      /^--(input-type|test|watch|inspect|debug|check|interactive|eval|print)/.test(name) ||
      name === "-i" ||
      name === "-c"
    ) {
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Starts `script` (CommonJS source) in a worker; `flags` first, then none if Node refuses them. */
function startWorker(
  script: string,
  workerData: object,
  flags: string[],
  transferList: ArrayBuffer[] = [],
): boolean {
  for (const execArgv of flags.length > 0 ? [flags, []] : [[]]) {
    try {
      const worker = new Worker(script, {
        eval: true,
        workerData,
        transferList,
        execArgv,
        stdout: true,
        stderr: true,
      });
      // Its output would only reach this thread's event loop, which will not run again.
      worker.unref();
      return true;
    } catch {}
  }
  return false;
}

/**
 * Delivers `backlogs` from worker threads; blocks until they are done, `deadline`
 * (a `performance.now()` time, Infinity for none) passes, or they fail.
 * `onWait(now)` runs at least every 50 ms while waiting (the exit warning).
 * Returns how many backlogs went out (the bare relay: the peer read them all; the
 * replay: queued in a socket whose linger then ended).
 */
export function relayBacklogs(
  backlogs: ExitBacklog[],
  deadline: number,
  onWait: (now: number) => void,
): number {
  // Bun and Deno: worker threads at process end are not dependable there.
  const versions = process.versions as Record<string, string | undefined>;
  if (backlogs.length === 0 || versions.bun !== undefined || "Deno" in globalThis) return 0;
  const waiting: Int32Array[] = [];
  const relays: Array<{ target: Target; reconnect: number; handshake: number; bytes: Uint8Array }> =
    [];
  const replays: ExitBacklog[] = [];
  for (const backlog of backlogs) {
    const target = backlog.wire && targetOf(backlog.address);
    if (backlog.wire !== undefined && target !== undefined) {
      relays.push({
        target,
        reconnect: backlog.wire.reconnectInterval,
        handshake: backlog.wire.handshakeLength,
        bytes: concatBytes(backlog.wire.bytes),
      });
    } else replays.push(backlog);
  }
  if (relays.length > 0) {
    const done = new Int32Array(new SharedArrayBuffer(8));
    // The concatenated bytes move to the worker rather than being copied.
    const moved = relays.map((relay) => relay.bytes.buffer as ArrayBuffer);
    if (startWorker(RELAY, { relays, done }, [], moved)) waiting.push(done);
  }
  if (replays.length > 0) {
    const done = new Int32Array(new SharedArrayBuffer(8));
    const data: ExitRelayData & { entry: string; tsx?: true } = {
      backlogs: replays,
      done,
      ...replayEntry(),
    };
    if (startWorker(REPLAY, data, workerExecArgv())) waiting.push(done);
  }
  for (const done of waiting) {
    for (;;) {
      if (Atomics.load(done, 0) !== 0) break;
      const now = performance.now();
      if (now >= deadline) break;
      onWait(now);
      Atomics.wait(done, 0, 0, Math.min(50, deadline - now));
    }
  }
  return waiting.reduce((sum, done) => sum + Atomics.load(done, 1), 0);
}
