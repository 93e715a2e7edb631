/**
 * The worker thread of `exit-relay.ts`: replays each backlog in a socket of its
 * own (`replayExitBacklog`), closed at once, so the event loop of this thread runs
 * until their lingers have delivered the messages (or expired); then the thread
 * ends and tells the ending thread so.
 */
import { workerData } from "node:worker_threads";
import { replayExitBacklog } from "@zmq/socket";
import { Context, markExitWorker } from "./context";
import type { ExitRelayData } from "./exit-relay";

const { backlogs, done } = workerData as ExitRelayData;

function finish(): void {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

process.on("exit", finish);
try {
  markExitWorker();
  const context = new Context();
  let queued = 0;
  for (const backlog of backlogs) {
    try {
      if (replayExitBacklog(context, backlog)) queued++;
    } catch {}
  }
  Atomics.store(done, 1, queued);
} catch {
  finish();
}
