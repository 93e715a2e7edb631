/**
 * The Paranoid Pirate worker (DEALER): tells the queue it is READY, serves
 * requests, and heartbeats. If nothing at all comes from the queue for
 * `liveness` heartbeat intervals it assumes the queue is gone: it waits
 * (doubling the wait each time, up to a maximum), closes its socket, opens a
 * new one and says READY again. Like the Lazy Pirate's server it can be made
 * to crash or stall at random.
 *
 *   pnpm --filter @zmq/demo-guide paranoid-pirate:worker -- --connect tcp://127.0.0.1:5556 --name w1
 */
import { Dealer } from "@zmq/node";
import { aborted, flags, isMain, numberFlag, sleep, stopOnSignals } from "../lib/cli";
import { HEARTBEAT, isSignal, READY } from "./paranoid-protocol";
import { type TroubleOptions, trouble, troubleFlags } from "./trouble";

export interface PpWorkerOptions extends TroubleOptions {
  connect: string;
  name: string;
  heartbeatInterval?: number;
  liveness?: number;
  /** First wait before reconnecting (ms); doubles up to `reconnectMax`. */
  reconnectMin?: number;
  reconnectMax?: number;
  stallMs?: number;
  /** Called each time the worker gives up on the queue and reconnects. */
  onReconnect?: (n: number) => void;
  signal?: AbortSignal;
}

export interface PpWorkerRun {
  served: number;
  reconnects: number;
  crashed: boolean;
}

export async function runParanoidWorker(options: PpWorkerOptions): Promise<PpWorkerRun> {
  const {
    heartbeatInterval = 1000,
    liveness: maxLiveness = 3,
    reconnectMin = 1000,
    reconnectMax = 32_000,
    stallMs = 3000,
  } = options;
  const next = trouble(options);
  const run: PpWorkerRun = { served: 0, reconnects: 0, crashed: false };
  let generation = 0;
  const open = async () => {
    // A fresh address per socket: the queue may not yet have noticed the old one is gone.
    const socket = new Dealer({
      linger: 0,
      receiveTimeout: heartbeatInterval,
      routingId: `${options.name}.${generation++}`,
    });
    socket.connect(options.connect);
    await socket.send(READY);
    console.log(`worker ${options.name}: ready`);
    return socket;
  };
  let socket = await open();
  void aborted(options.signal).then(() => socket.close());
  let liveness = maxLiveness;
  let wait = reconnectMin;
  let heartbeatAt = Date.now() + heartbeatInterval;
  try {
    while (!options.signal?.aborted) {
      let frames: Buffer[] | undefined;
      try {
        frames = (await socket.receive()) as Buffer[];
      } catch (error) {
        if ((error as { code?: string }).code !== "EAGAIN") throw error;
      }
      if (frames !== undefined && frames.length >= 3) {
        const what = next();
        if (what === "crash") {
          console.log(`worker ${options.name}: simulating a crash`);
          run.crashed = true;
          break;
        }
        if (what === "stall") {
          console.log(`worker ${options.name}: simulating overload (${stallMs} ms)`);
          await sleep(stallMs);
        }
        console.log(`worker ${options.name}: normal reply to ${frames.at(-1)}`);
        await socket.send(frames);
        run.served++;
        liveness = maxLiveness;
        wait = reconnectMin;
      } else if (frames !== undefined && isSignal(frames, HEARTBEAT)) {
        liveness = maxLiveness;
        wait = reconnectMin;
      } else if (frames !== undefined) {
        console.log(`worker ${options.name}: invalid message (${frames.length} frames)`);
      } else if (--liveness === 0) {
        console.log(`worker ${options.name}: heartbeat failure, reconnecting in ${wait} ms`);
        socket.close();
        await sleep(wait);
        wait = Math.min(wait * 2, reconnectMax);
        if (options.signal?.aborted) break;
        socket = await open();
        options.onReconnect?.(++run.reconnects);
        liveness = maxLiveness;
      }
      if (Date.now() >= heartbeatAt) {
        heartbeatAt = Date.now() + heartbeatInterval;
        await socket.send(HEARTBEAT);
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  } finally {
    socket.close();
  }
  console.log(
    `worker ${options.name}: ${run.crashed ? "crashed" : "stopped"} after ${run.served} replies`,
  );
  return run;
}

if (isMain(import.meta.url)) {
  const f = flags([
    ...["connect", "name", "heartbeat", "liveness", "reconnect-min", "reconnect-max"],
    ...troubleFlags,
  ]);
  const run = await runParanoidWorker({
    connect: f.value.connect ?? "tcp://127.0.0.1:5556",
    name: f.value.name ?? String(process.pid),
    heartbeatInterval: numberFlag(f.value.heartbeat, 1000, "heartbeat"),
    liveness: numberFlag(f.value.liveness, 3, "liveness"),
    reconnectMin: numberFlag(f.value["reconnect-min"], 1000, "reconnect-min"),
    reconnectMax: numberFlag(f.value["reconnect-max"], 32_000, "reconnect-max"),
    calm: numberFlag(f.value.calm, 3, "calm"),
    crashRate: numberFlag(f.value["crash-rate"], 0, "crash-rate"),
    stallRate: numberFlag(f.value["stall-rate"], 0, "stall-rate"),
    stallMs: numberFlag(f.value["stall-ms"], 3000, "stall-ms"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
    signal: stopOnSignals(),
  });
  if (run.crashed) process.exit(1);
}
