/**
 * The socket layer's `Runtime` on the web platform: `performance.now`,
 * `setTimeout`, a macrotask for `defer` (a `MessageChannel` where there is one,
 * so that a long pump yields to WebSocket events instead of starving them, as a
 * microtask would), plain `Uint8Array` frames and UTF-8 via `TextEncoder`. There
 * is no process to keep alive, so `keepAlive` does nothing.
 */
import { plainFrames, type Runtime } from "@zmq/socket";

function noop(): void {}

/** A FIFO of callbacks run one macrotask later. */
function makeDefer(): (callback: () => void) => void {
  if (typeof MessageChannel !== "function") {
    return (callback) => {
      setTimeout(callback, 0);
    };
  }
  const queue: (() => void)[] = [];
  let channel: MessageChannel | undefined;
  let posted = false;
  const run = (): void => {
    posted = false;
    // Only what was queued before this turn; callbacks queued meanwhile wait for the next.
    const count = queue.length;
    for (let i = 0; i < count; i++) queue.shift()!();
    if (queue.length > 0 && !posted) {
      posted = true;
      channel!.port2.postMessage(null);
    }
  };
  return (callback) => {
    queue.push(callback);
    if (posted) return;
    if (channel === undefined) {
      channel = new MessageChannel();
      channel.port1.onmessage = run;
      // Node's MessageChannel port would keep the process alive: let it go.
      (channel.port1 as { unref?: () => void }).unref?.();
    }
    posted = true;
    channel.port2.postMessage(null);
  };
}

/**
 * A new web `Runtime` (see the module comment): each call gets its own defer
 * queue. A `Context` of this package makes one itself.
 */
export function createWebRuntime(): Runtime {
  return {
    now: () => performance.now(),
    setTimer(ms, callback) {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    defer: makeDefer(),
    keepAlive: () => noop,
    ...plainFrames,
  };
}
