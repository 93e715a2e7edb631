/**
 * Task sink (PULL, plus PUB for control): waits for the ventilator's "start N",
 * collects N results "<id> <worker>", prints how long the batch took and how
 * the work was spread, then publishes KILL so every worker stops.
 *
 *   pnpm --filter @zmq/demo-guide tasks:sink -- --bind tcp://127.0.0.1:5558 \
 *     --control tcp://127.0.0.1:5559
 */
import { Publisher, Pull } from "@zmq/node";
import { flags, isMain } from "../lib/cli";

export interface SinkOptions {
  bind: string;
  control: string;
  onBound?: (results: string, control: string) => void;
}

export interface SinkReport {
  /** Task ids in the order results arrived. */
  ids: number[];
  /** How many tasks each worker did. */
  perWorker: Record<string, number>;
  elapsedMs: number;
}

export async function runSink(options: SinkOptions): Promise<SinkReport> {
  const receiver = new Pull();
  await receiver.bind(options.bind);
  const controller = new Publisher({ linger: 2000 });
  await controller.bind(options.control);
  console.log(`sink: results on ${receiver.lastEndpoint}, control on ${controller.lastEndpoint}`);
  options.onBound?.(receiver.lastEndpoint!, controller.lastEndpoint!);

  // The ventilator's "start N" comes over its own connection, so a fast
  // worker's first result may overtake it: count results either way.
  let expected = Number.POSITIVE_INFINITY;
  let began = performance.now();
  const ids: number[] = [];
  const perWorker: Record<string, number> = {};
  while (ids.length < expected) {
    const [message] = await receiver.receive();
    const text = String(message);
    const start = /^start (\d+)$/.exec(text);
    if (start) {
      expected = Number(start[1]);
      began = performance.now();
      continue;
    }
    const [id, worker] = text.split(" ") as [string, string];
    ids.push(Number(id));
    perWorker[worker] = (perWorker[worker] ?? 0) + 1;
  }
  const elapsedMs = Math.round(performance.now() - began);
  const spread = Object.entries(perWorker)
    .map(([worker, n]) => `${worker}=${n}`)
    .join(" ");
  console.log(`sink: ${ids.length} results in ${elapsedMs} ms (${spread})`);
  await controller.send("KILL");
  receiver.close();
  controller.close();
  return { ids, perWorker, elapsedMs };
}

if (isMain(import.meta.url)) {
  const f = flags(["bind", "control"]);
  await runSink({
    bind: f.value.bind ?? "tcp://127.0.0.1:5558",
    control: f.value.control ?? "tcp://127.0.0.1:5559",
  });
}
