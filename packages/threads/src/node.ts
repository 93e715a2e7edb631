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
import process from "node:process";
import {
  getEnvironmentData,
  isMainThread,
  setEnvironmentData,
  threadId,
  type Worker,
} from "node:worker_threads";
import { createRegistryRoot } from "./name-table";
import { ThreadRegistry } from "./thread-registry";

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
  const created = new ThreadRegistry({ root, thread: threadId, chain });
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
