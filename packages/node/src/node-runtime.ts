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
  type RuntimeTimer,
  securityMechanisms,
  type TimerOptions,
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
  /** Its time on the `now` clock. */
  readonly at: number;
  readonly timer: ReturnType<typeof setTimeout>;
  /** In the order they were set; a cancelled one is left as undefined. */
  readonly entries: (NodeTimer | undefined)[];
  live: number;
}
const steps = new Map<number, Step>();

function fireStep(at: number): void {
  const step = steps.get(at);
  if (step === undefined) return;
  steps.delete(at);
  const entries = step.entries;
  let failure: { error: unknown } | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry === undefined) continue;
    try {
      entry.run();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

/**
 * A timer armed again and again (`Runtime.timer`): a run with a slack joins
 * its grid step as this object itself, so a reconnect loop allocates nothing
 * per retry (no closure, no Node timer of its own). `setTimer` makes one per
 * call.
 */
class NodeTimer implements RuntimeTimer {
  readonly #callback: () => void;
  /** The grid step this timer waits in and its index there. */
  #step: Step | undefined;
  #index = 0;
  /** A run without a slack: its Node timer. */
  #timeout: ReturnType<typeof setTimeout> | undefined;
  readonly #fire = (): void => {
    this.#timeout = undefined;
    this.#callback();
  };

  constructor(callback: () => void) {
    this.#callback = callback;
  }

  start(ms: number, options?: TimerOptions): void {
    this.cancel();
    const slack = options?.slack ?? 0;
    const weak = options !== undefined && options.ref === false;
    if (slack > 0 && weak) {
      const time = now();
      const at = Math.ceil((time + ms) / slack) * slack;
      let step = steps.get(at);
      if (step === undefined) {
        const timer = setTimeout(fireStep, Math.max(0, Math.ceil(at - time)), at);
        timer.unref();
        step = { at, timer, entries: [], live: 0 };
        steps.set(at, step);
      }
      this.#step = step;
      this.#index = step.entries.push(this) - 1;
      step.live++;
      return;
    }
    const timeout = setTimeout(this.#fire, ms);
    if (weak) timeout.unref();
    this.#timeout = timeout;
  }

  cancel(): void {
    const timeout = this.#timeout;
    if (timeout !== undefined) {
      this.#timeout = undefined;
      clearTimeout(timeout);
    }
    const step = this.#step;
    if (step === undefined) return;
    this.#step = undefined;
    step.entries[this.#index] = undefined;
    if (--step.live > 0) return;
    clearTimeout(step.timer);
    if (steps.get(step.at) === step) steps.delete(step.at);
  }

  /** Its grid step is due. */
  run(): void {
    this.#step = undefined;
    this.#callback();
  }
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
    if (slack > 0 && options?.ref === false) {
      const timer = new NodeTimer(callback);
      timer.start(ms, options);
      return () => timer.cancel();
    }
    const timer = setTimeout(callback, ms);
    if (options !== undefined && options.ref === false) timer.unref();
    return () => clearTimeout(timer);
  },
  timer: (callback) => new NodeTimer(callback),
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
