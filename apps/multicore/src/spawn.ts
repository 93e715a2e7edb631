import { Worker } from "node:worker_threads";

/**
 * V8 options a worker inherits anyway (V8's flags are process-wide) and that
 * `new Worker` rejects in `execArgv`: the GC tracing and sizing flags used to
 * study the benchmarks (`node --trace-gc --import tsx src/bench-link.ts …`).
 */
const PROCESS_WIDE =
  /^--(trace-gc|trace-gc-verbose|trace-gc-nvp|trace-gc-ignore-scavenger|trace-incremental-marking|max-semi-space-size|min-semi-space-size|semi-space-growth-factor|single-threaded-gc|predictable-gc-schedule|expose-gc|concurrent-array-buffer-sweeping|no-concurrent-array-buffer-sweeping)(=|$)/;

/** The `execArgv` of a worker started from a thread with `parent` (its own `process.execArgv`). */
export function workerExecArgv(parent: readonly string[]): string[] {
  const args = parent.filter((arg) => !PROCESS_WIDE.test(arg));
  // Workspace packages resolve to their sources, as in the tests and the apps' scripts.
  if (!args.some((arg) => arg.endsWith("@zmq/source"))) args.push("--conditions=@zmq/source");
  return args;
}

/** Starts `src/<name>.ts` in a worker thread (through tsx) with `data` as workerData. */
export function spawnWorker(
  name: string,
  data: Record<string, unknown> = {},
  transferList: import("node:worker_threads").TransferListItem[] = [],
): Worker {
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  return new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { ...data, script },
    execArgv: workerExecArgv(process.execArgv),
    transferList,
  });
}
