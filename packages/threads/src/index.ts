/**
 * @zmq/threads — ZeroMQ's `inproc://` across worker threads: a process-wide
 * registry of inproc names and context options, shared by every thread, and a
 * duplex link of whole multipart messages between two threads over
 * SharedArrayBuffer rings, with libzmq's high-water-mark sum per direction,
 * batched `Atomics.waitAsync` wake-ups, linger on close, and a disconnect (never
 * a hang) when the other thread exits, crashes or is terminated.
 *
 * This entry uses only web globals (SharedArrayBuffer, Atomics,
 * BroadcastChannel); `@zmq/threads/node` gives each Node thread its registry.
 *
 * @example
 * ```ts
 * import { createRegistryRoot, ThreadRegistry } from "@zmq/threads";
 *
 * const root = createRegistryRoot(); // share it with every thread
 * const registry = new ThreadRegistry({ root, thread: 0 });
 * registry.bind("echo", (link) =>
 *   link.setHandler({
 *     readable() {
 *       for (let m = link.read(); m !== undefined; m = link.read()) link.write(m);
 *     },
 *   }),
 * );
 * const client = registry.connect("echo"); // from any thread with the same root
 * client.write([new TextEncoder().encode("hi")]);
 * ```
 *
 * @packageDocumentation
 */
export { createRegistryRoot, type RegistryRootOptions } from "./name-table";
export {
  bridgePipe,
  linkHighWaterMarks,
  type PipeBridgeOptions,
  type PipeLike,
} from "./pipe-bridge";
export { type RingAllocate, SHARED_MIN_BYTES, type SharedMemoryTable } from "./ring";
export {
  type LinkCloseReason,
  type LinkMemory,
  ThreadLink,
  type ThreadLinkHandler,
  type ThreadLinkInit,
  type ThreadLinkState,
} from "./thread-link";
export {
  type LinkOptions,
  type ThreadBinding,
  type ThreadConnectOptions,
  ThreadRegistry,
  type ThreadRegistryOptions,
} from "./thread-registry";
export { ThreadsError, type ThreadsErrorCode } from "./threads-error";
