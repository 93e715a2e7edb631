/**
 * A context, as zeromq.js's `Context`, bound to Node.js: the tcp, ipc, udp, ws
 * and wss transports and the Node runtime. `context` is the default every socket uses.
 *
 * The default context is process-wide, as zeromq.js's: every worker thread's
 * `context` shares one registry of `inproc://` names and one set of options
 * (`@zmq/threads`), so a name bound in one thread is connected from another and
 * `context.maxSockets` set in the main thread is what a worker reads. A thread
 * must load `@zmq/node` before it starts the workers that share it (the registry
 * reaches workers through worker_threads environment data, set at load).
 * Contexts made with `new Context()` stay private to their thread.
 */

import { writeSync } from "node:fs";
import {
  type ContextOptions,
  type ExitIo,
  flushForExit,
  Context as SocketContext,
  setDefaultContext,
} from "@zmq/socket";
import type { ThreadRegistry } from "@zmq/threads";
import { processRegistry } from "@zmq/threads/node";
import { IpcTransport } from "@zmq/transport-ipc";
import { TcpTransport } from "@zmq/transport-tcp";
import { UdpTransport } from "@zmq/transport-udp";
import { WsTransport } from "@zmq/transport-ws";
import { openForExit } from "./exit-connect";
import { relayBacklogs } from "./exit-relay";
import { nodeRuntime } from "./node-runtime";
import { zwsEngine } from "./ws-engine";

export type { ContextOptions };

/** Set only while the default context is made. */
let shared: ThreadRegistry | undefined;

/**
 * A context bound to Node.js: sockets created in it reach tcp, ipc, udp, ws and
 * wss endpoints (and `inproc://` names bound in it). `context` is the default one.
 */
export class Context extends SocketContext {
  /**
   * A new context private to this thread, with its own `inproc://` names.
   * @param options - initial option values (see {@link ContextOptions}).
   * @throws TypeError for an unknown option or one of the wrong type; `ZmqError`
   *   EINVAL for a value out of range.
   */
  constructor(options: ContextOptions = {}) {
    // As zeromq.js: an options object (or nothing), and nothing more.
    if (options === null || typeof options !== "object") {
      throw new TypeError("Options must be an object");
    }
    // biome-ignore lint/complexity/noArguments: the count of what the caller passed, as zeromq.js checks it
    const given = arguments.length;
    if (given > 1) throw new TypeError(`Expected 1 argument but received ${given}`);
    super(options, {
      runtime: nodeRuntime,
      transports: [
        new TcpTransport(),
        new IpcTransport(),
        new UdpTransport(),
        new WsTransport("ws"),
        new WsTransport("wss"),
      ],
      engines: { ws: zwsEngine, wss: zwsEngine },
      ...(shared !== undefined && { threads: shared }),
    });
    lingerAtExit(this);
  }
}

// ---- process end ------------------------------------------------------------------
// zeromq.js terminates its contexts as the process ends: every socket is closed and
// libzmq waits (up to each socket's linger) for queued messages to be delivered,
// printing a warning when that takes longer than half a second. Here:
// - when the event loop runs out of work ('beforeExit'), every open socket is
//   closed, so queued output holds the process until it is written or its linger
//   expires;
// - when the process ends anyway ('exit': process.exit(), or the end after
//   'beforeExit'), only synchronous work is possible: every connection that has
//   finished its handshake gets what its pipe holds, encoded, and whatever Node or
//   libuv had not yet written, by synchronous writes to its file descriptor, within
//   the linger (flushForExit in @zmq/socket). Messages of a connect whose
//   connection was not ready yet (connect or handshake in progress) go over a
//   connection opened there and then on a bare descriptor (exit-connect.ts), run
//   by the endpoint's own session with non-blocking reads and writes; where that
//   is not possible (wss, host names, CURVE before libsodium was loaded), over a
//   connection made from a worker thread (exit-relay.ts).

const contexts = new Set<WeakRef<Context>>();
let hooked = false;
let warned = false;
/** This thread replays another's backlogs (exit-worker.ts): its own end flushes nothing more. */
let exitWorker = false;

/** @internal Marks this thread as the exit relay's worker. */
export function markExitWorker(): void {
  exitWorker = true;
}

const EXIT_WARNING_MS = 500;

function lingerAtExit(context: Context): void {
  contexts.add(new WeakRef(context));
  if (hooked) return;
  hooked = true;
  process.on("beforeExit", closeAllForExit);
  process.on("exit", flushAllAtExit);
}

function liveContexts(): Context[] {
  const live: Context[] = [];
  for (const ref of contexts) {
    const context = ref.deref();
    if (context === undefined) contexts.delete(ref);
    else live.push(context);
  }
  return live;
}

function closeAllForExit(): void {
  let closed = 0;
  let blocky = false;
  for (const context of liveContexts()) {
    const count = context._closeForExit();
    closed += count;
    if (count > 0 && context.blocky) blocky = true;
  }
  if (closed === 0 || warned) return;
  // Printed only if the process is still waiting after EXIT_WARNING_MS (the timer
  // itself does not keep it alive), in zeromq.js's words and format.
  const timer = setTimeout(() => {
    if (warned) return;
    warned = true;
    process.stderr.write(exitWarning(blocky));
  }, EXIT_WARNING_MS);
  timer.unref();
}

function exitWarning(blocky: boolean): string {
  return `(node:${process.pid}) WARNING: Waiting for queued ZeroMQ messages to be delivered.${
    blocky ? " Set 'context.blocky = false' to change this behaviour." : ""
  }\n`;
}

/** A 4-byte cell to sleep on with Atomics.wait (the only synchronous sleep). */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function flushAllAtExit(): void {
  if (exitWorker) return;
  const live = liveContexts();
  const blocky = live.some((context) => context.blocky);
  const start = performance.now();
  const warnIfLate = (now: number) => {
    if (warned || now - start < EXIT_WARNING_MS) return;
    warned = true;
    // process.stderr may be asynchronous (a pipe): write to the descriptor.
    try {
      writeSync(2, exitWarning(blocky));
    } catch {}
  };
  const io: ExitIo = {
    open: openForExit,
    now: () => performance.now(),
    sleep: (ms) => {
      warnIfLate(performance.now());
      Atomics.wait(sleepCell, 0, 0, ms);
    },
  };
  const { backlogs } = flushForExit(
    live,
    (linger) => {
      const deadline = linger < 0 ? Number.POSITIVE_INFINITY : performance.now() + linger;
      return () => {
        const now = performance.now();
        if (now >= deadline) return false;
        warnIfLate(now);
        Atomics.wait(sleepCell, 0, 0, Math.min(2, deadline - now));
        return true;
      };
    },
    io,
  );
  if (backlogs.length === 0) return;
  const linger = backlogs.some((backlog) => backlog.linger < 0)
    ? Number.POSITIVE_INFINITY
    : Math.max(...backlogs.map((backlog) => backlog.linger));
  relayBacklogs(backlogs, performance.now() + linger, warnIfLate);
}

function makeDefault(): Context {
  shared = processRegistry();
  try {
    return new Context();
  } finally {
    shared = undefined;
  }
}

/** The default context every socket uses unless given one, shared by all threads of the process. */
export const context: Context = makeDefault();

/** Makes `context` the socket layer's default (each entry point calls this as it loads). */
export function useNodeDefaultContext(): void {
  setDefaultContext(() => context);
}
