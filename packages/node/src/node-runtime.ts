/**
 * The socket layer's `Runtime` on Node.js: `performance.now`, timers that can be
 * unref'd, `setImmediate`, a ref'd interval as the keep-alive of pending
 * operations, `Buffer` frames, the frame memory of frame-memory.ts and the
 * `diagnostics_channel` channel `zmq:socket:event` and, with `NODE_DEBUG=zmq`,
 * `util.debuglog("zmq")` as the trace.
 */
import { Buffer } from "node:buffer";
import { channel } from "node:diagnostics_channel";
import { debuglog } from "node:util";
import { acceptFiltersAdmit, parseAcceptFilter, type Runtime } from "@zmq/socket";
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
    if (--holds === 0) keeper?.unref();
  };
}

/** `NODE_DEBUG=zmq`: connection-level trace lines on stderr; undefined (free) otherwise. */
const zmqDebug = debuglog("zmq");
const trace = zmqDebug.enabled ? (line: string) => zmqDebug("%s", line) : undefined;

export const nodeRuntime: Runtime = {
  acceptFilters: { parse: parseAcceptFilter, admit: acceptFiltersAdmit },
  now: () => performance.now(),
  setTimer(ms, callback, options) {
    const timer = setTimeout(callback, ms);
    if (options?.ref === false) timer.unref();
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
