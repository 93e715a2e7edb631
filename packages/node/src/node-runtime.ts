/**
 * The socket layer's `Runtime` on Node.js: a `process.hrtime` clock, timers that
 * can be unref'd, `setImmediate`, a ref'd interval as the keep-alive of pending
 * operations, `Buffer` frames, the frame memory of frame-memory.ts and the
 * `diagnostics_channel` channel `zmq:socket:event` and, with `NODE_DEBUG=zmq`,
 * `util.debuglog("zmq")` as the trace.
 */
import { Buffer } from "node:buffer";
import { channel } from "node:diagnostics_channel";
import { debuglog } from "node:util";
import {
  acceptFiltersAdmit,
  parseAcceptFilter,
  type Runtime,
  securityMechanisms,
  tracePipe,
  traceRouterSend,
  UdpSession,
} from "@zmq/socket";
import { copySmallFrame } from "./frame-copy";
import { connectionAllocator, tuneMallocForLargeFrames } from "./frame-memory";
import { toBuffers } from "./message";

function noop(): void {}

/**
 * One interval for every pending operation, ref'd while any is pending: a REQ
 * round trip holds and releases it once each, and toggling the ref costs ~10 ns
 * where a new interval (timer list insert and removal) costs ~300 ns.
 */
let keeper: ReturnType<typeof setInterval> | undefined;
let holds = 0;

function keepAlive(): () => void {
  if (holds++ === 0) {
    keeper ??= setInterval(noop, 1 << 30);
    keeper.ref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // No `?.` here: tsup's CommonJS build turns it into a helper call that
    // allocates an array and two closures (this runs once per round trip).
    if (--holds === 0 && keeper !== undefined) keeper.unref();
  };
}

/**
 * A monotonic clock in milliseconds. Not `performance.now()`: the first use of
 * the `performance` global loads perf_hooks (8 internal modules, 2-6 ms), which
 * a script that never touches it would pay on its first connection.
 */
function now(): number {
  const time = process.hrtime();
  return time[0] * 1000 + time[1] / 1e6;
}

/**
 * Weak timers with a slack (reconnect delays): their deadlines are rounded up
 * to a grid of `slack` ms and each grid step that has any is one Node timer,
 * so twenty sockets retrying a dead endpoint wake the process about once per
 * step rather than once per attempt. Each wake-up costs Node far more than the
 * attempt it runs (measured 0.35-0.45 ms of CPU for an empty timer wake-up on
 * a loaded 2-core VM, where a C epoll loop pays ~0.1 ms); a timer fires at most `slack`
 * ms late, never early.
 */
interface Step {
  readonly timer: ReturnType<typeof setTimeout>;
  /** In the order they were set; a cancelled one is left as undefined. */
  readonly callbacks: (((this: void) => void) | undefined)[];
  live: number;
}
const steps = new Map<number, Step>();

function fireStep(at: number): void {
  const step = steps.get(at);
  if (step === undefined) return;
  steps.delete(at);
  const callbacks = step.callbacks;
  let failure: { error: unknown } | undefined;
  for (let i = 0; i < callbacks.length; i++) {
    const callback = callbacks[i];
    if (callback === undefined) continue;
    try {
      callback();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

function setSlackTimer(ms: number, slack: number, callback: () => void): () => void {
  const time = now();
  const at = Math.ceil((time + ms) / slack) * slack;
  let step = steps.get(at);
  if (step === undefined) {
    const timer = setTimeout(fireStep, Math.max(0, Math.ceil(at - time)), at);
    timer.unref();
    step = { timer, callbacks: [], live: 0 };
    steps.set(at, step);
  }
  // One entry per call, even for a callback already waiting in this step.
  const owner = step;
  const index = owner.callbacks.push(callback) - 1;
  owner.live++;
  return () => {
    if (owner.callbacks[index] === undefined) return;
    owner.callbacks[index] = undefined;
    if (--owner.live > 0) return;
    clearTimeout(owner.timer);
    if (steps.get(at) === owner) steps.delete(at);
  };
}

/** `NODE_DEBUG=zmq`: connection-level trace lines on stderr; undefined (free) otherwise. */
const zmqDebug = debuglog("zmq");
const trace = zmqDebug.enabled ? (line: string) => zmqDebug("%s", line) : undefined;

export const nodeRuntime: Runtime = {
  acceptFilters: { parse: parseAcceptFilter, admit: acceptFiltersAdmit },
  udpSession: (owner, endpoint, connection) => new UdpSession(owner, endpoint, connection),
  tracing: { pipe: tracePipe, routerSend: traceRouterSend },
  security: securityMechanisms,
  now,
  setTimer(ms, callback, options) {
    const slack = options?.slack ?? 0;
    if (slack > 0 && options?.ref === false) return setSlackTimer(ms, slack, callback);
    const timer = setTimeout(callback, ms);
    if (options !== undefined && options.ref === false) timer.unref();
    return () => clearTimeout(timer);
  },
  defer: (callback) => {
    setImmediate(callback);
  },
  keepAlive,
  toMessage: toBuffers,
  encodeString: (text) => Buffer.from(text, "utf8"),
  copyFrame: copySmallFrame,
  frameAllocator: connectionAllocator,
  allocateSlab: Buffer.allocUnsafe, // outgoing bytes: never seen by the application
  streamSessionStarting: tuneMallocForLargeFrames,
  warn: (message) => process.emitWarning(message),
  events: channel("zmq:socket:event"),
  trace,
};
