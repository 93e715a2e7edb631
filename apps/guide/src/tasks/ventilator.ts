/**
 * Task ventilator (PUSH): hands out a batch of tasks, each "<id> <workload ms>",
 * round-robin to every connected worker. Before the batch it tells the sink
 * that a batch of N tasks starts (the sink then times the batch).
 *
 * PUSH spreads messages over the workers connected *at the time of sending*:
 * if it started before the workers were up, the first worker to connect would
 * get most of the batch. The Guide has the user press Enter once the workers
 * run; this ventilator instead waits until `--workers` of them have completed
 * their handshake, reading the socket's events.
 *
 *   pnpm --filter @zmq/demo-guide tasks:ventilator -- --bind tcp://127.0.0.1:5557 \
 *     --sink tcp://127.0.0.1:5558 --workers 3 --tasks 100
 */
import { Push } from "@zmq/node";
import { flags, isMain, numberFlag, randomInt, seededRandom } from "../lib/cli";
import { handshakes } from "../lib/events";

export interface VentilatorOptions {
  bind: string;
  sink: string;
  /** Wait for this many workers before sending (0: send at once). */
  workers?: number;
  tasks?: number;
  /** Workloads are drawn from [1, maxWorkload] ms. */
  maxWorkload?: number;
  seed?: number;
  onBound?: (endpoint: string) => void;
}

export interface Batch {
  tasks: number;
  /** The sum of every task's workload (ms): the batch's cost on one worker. */
  totalWorkload: number;
}

export async function runVentilator(options: VentilatorOptions): Promise<Batch> {
  const { workers = 0, tasks = 100, maxWorkload = 100, seed = Date.now() } = options;
  const random = seededRandom(seed);
  const sender = new Push({ linger: 2000 });
  const allReady = handshakes(sender, workers);
  await sender.bind(options.bind);
  console.log(`ventilator: waiting for ${workers} workers on ${sender.lastEndpoint}`);
  options.onBound?.(sender.lastEndpoint!);
  await allReady;

  // Connected to the sink before the first task goes out, so "start" normally
  // reaches the sink before any result does.
  const sink = new Push({ linger: 2000 });
  const sinkReady = handshakes(sink, 1);
  sink.connect(options.sink);
  await sinkReady;
  await sink.send(`start ${tasks}`);

  let totalWorkload = 0;
  for (let id = 0; id < tasks; id++) {
    const workload = randomInt(random, 1, maxWorkload + 1);
    totalWorkload += workload;
    await sender.send(`${id} ${workload}`);
  }
  console.log(`ventilator: sent ${tasks} tasks, total expected cost ${totalWorkload} ms`);
  sender.close();
  sink.close();
  return { tasks, totalWorkload };
}

if (isMain(import.meta.url)) {
  const f = flags(["bind", "sink", "workers", "tasks", "max-workload", "seed"]);
  await runVentilator({
    bind: f.value.bind ?? "tcp://127.0.0.1:5557",
    sink: f.value.sink ?? "tcp://127.0.0.1:5558",
    workers: numberFlag(f.value.workers, 1, "workers"),
    tasks: numberFlag(f.value.tasks, 100, "tasks"),
    maxWorkload: numberFlag(f.value["max-workload"], 100, "max-workload"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
  });
}
