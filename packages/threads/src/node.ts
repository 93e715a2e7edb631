/**
 * The Node binding of `@zmq/threads`: one registry per thread, all on the same
 * root, found through worker_threads environment data (so workers started after
 * this module loaded share it), and thread ends reported from each Worker's
 * `exit` event (exit, uncaught error and `terminate()` alike).
 *
 * Load this module (directly, or through `@zmq/node`) in a thread before that
 * thread starts workers: the root and the exit hooks reach only workers
 * created afterwards.
 *
 * @example
 * ```ts
 * import { processRegistry } from "@zmq/threads/node";
 *
 * const registry = processRegistry();
 * registry.bind("workers", (link) => link.setHandler({ readable: () => console.log(link.read()) }));
 * ```
 *
 * @packageDocumentation
 */
import { Buffer } from "node:buffer";
import {
  getEnvironmentData,
  isMainThread,
  setEnvironmentData,
  threadId,
  type Worker,
} from "node:worker_threads";
import { createRegistryRoot } from "./name-table";
import type { RingAllocate } from "./ring";
import { ThreadRegistry } from "./thread-registry";

/**
 * Messages received that are not cut from a slab are fresh allocations the GC
 * frees in bulk. With glibc's defaults each block from 128 KiB up is an mmap of
 * its own, and freed memory beyond 128 KiB at the top of the heap goes back to
 * the OS at once, so large messages, and runs of mid-sized ones (64 KiB), land
 * on new pages and pay a page fault per 4 KiB (very costly in a VM; measured
 * for 64 KiB messages across threads: ~15% less CPU per message with the tuning
 * than without, 3 paired runs). Freeing one untouched
 * 16 MiB block makes glibc raise its mmap threshold to 16 MiB and its trim
 * threshold to 32 MiB, so freed blocks are reused; other allocators just free it.
 * Done once per thread as this module loads. (@zmq/node does the same before
 * its first stream connection receives.)
 */
function tuneMalloc(): void {
  try {
    Buffer.allocUnsafeSlow(16 * 1024 * 1024);
  } catch {
    // No room for it: only speed is lost.
  }
}

/**
 * Per link: received messages go into Node Buffers (so @zmq/node hands them on
 * without converting), small ones cut from an 8 KiB slab of the link's own, the
 * rest each its own allocation; nothing is zero-filled (the ring overwrites it all).
 */
function linkAllocator(): RingAllocate {
  const SLAB = 8 * 1024;
  let slab: Buffer | undefined;
  let used = SLAB;
  return (size) => {
    if (size >= SLAB / 2) {
      return Buffer.allocUnsafeSlow(size);
    }
    if (slab === undefined || used + size > SLAB) {
      slab = Buffer.allocUnsafeSlow(SLAB);
      used = 0;
    }
    const out = slab.subarray(used, used + size);
    used = (used + size + 7) & ~7;
    return out;
  };
}

/** A ref'd interval for as long as any link holds it (messages not yet in a ring). */
let holds = 0;
let keeper: ReturnType<typeof setInterval> | undefined;
function keepAlive(): () => void {
  if (holds++ === 0) keeper = setInterval(() => {}, 1 << 30);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0 && keeper !== undefined) {
      clearInterval(keeper);
      keeper = undefined;
    }
  };
}

const ROOT_KEY = "@zmq/threads:root";
const CHAIN_KEY = "@zmq/threads:chain";

let registry: ThreadRegistry | undefined;

function inherited<T>(key: string): T | undefined {
  try {
    return getEnvironmentData(key) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * This thread's registry, created on first use. In the main thread (or in a
 * worker whose creator never loaded this module) it makes the process root.
 */
export function processRegistry(): ThreadRegistry {
  if (registry !== undefined) return registry;
  let root = inherited<SharedArrayBuffer>(ROOT_KEY);
  if (!(root instanceof SharedArrayBuffer)) root = createRegistryRoot();
  const chain = isMainThread ? [] : (inherited<number[]>(CHAIN_KEY) ?? []);
  setEnvironmentData(ROOT_KEY, root);
  setEnvironmentData(CHAIN_KEY, [threadId, ...chain]);
  const created = new ThreadRegistry({
    root,
    thread: threadId,
    chain,
    allocator: linkAllocator,
    keepAlive,
    sharedView: (memory, offset, length) => Buffer.from(memory, offset, length),
  });
  registry = created;
  // Every worker this thread starts: report its end to all threads.
  process.on("worker", (worker: Worker) => {
    const id = worker.threadId;
    worker.once("exit", () => created.threadExited(id));
  });
  // This thread's own end, when it runs exit handlers (process.exit, uncaught error).
  if (!isMainThread) process.once("exit", () => created.threadExited(threadId));
  return created;
}

// Share the root and hook worker exits as soon as the module loads.
processRegistry();
// At load rather than at the first large message: the tuning takes effect when
// a GC frees the block, so the earlier the better (measured: 1 MiB round trips
// across threads drop from ~10-40 ms to ~1 ms once it has).
tuneMalloc();

/**
 * Makes `memory` known to every thread (`ThreadRegistry.shareMemory` on this
 * thread's registry): frames over 128 bytes that lie in it then cross threads
 * by reference, as zeromq.js's large frames do, instead of being copied.
 */
export function shareMemory(memory: SharedArrayBuffer): number {
  return processRegistry().shareMemory(memory);
}
