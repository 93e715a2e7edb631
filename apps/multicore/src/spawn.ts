import { Worker } from "node:worker_threads";

/** Starts `src/<name>.ts` in a worker thread (through tsx) with `data` as workerData. */
export function spawnWorker(
  name: string,
  data: Record<string, unknown> = {},
  transferList: import("node:worker_threads").TransferListItem[] = [],
): Worker {
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  return new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { ...data, script },
    // Workspace packages resolve to their sources, as in the tests and the apps' scripts.
    execArgv: process.execArgv.some((arg) => arg.endsWith("@zmq/source"))
      ? process.execArgv
      : [...process.execArgv, "--conditions=@zmq/source"],
    transferList,
  });
}
