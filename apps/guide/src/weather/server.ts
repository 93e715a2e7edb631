/**
 * Weather update server (PUB): publishes "<zip> <temperature> <humidity>"
 * for random zip codes as fast as it can, until stopped. A PUB socket never
 * blocks: a subscriber that falls behind its high-water mark loses updates,
 * and updates sent before a subscriber's subscription arrives are not for it.
 *
 *   pnpm --filter @zmq/demo-guide weather:server -- --bind tcp://127.0.0.1:5556
 */
import { Publisher } from "@zmq/node";
import {
  flags,
  isMain,
  numberFlag,
  randomInt,
  seededRandom,
  stopOnSignals,
  yieldToLoop,
} from "../lib/cli";

export interface WeatherServerOptions {
  bind: string[];
  /** Zip codes are drawn from [low, high). The Guide uses all 100000; a narrower range means a client's filter matches sooner. */
  zipLow?: number;
  zipHigh?: number;
  seed?: number;
  /** Called once bound, with the endpoints actually bound (a `*` port resolved). */
  onBound?: (endpoints: string[]) => void;
  signal?: AbortSignal;
}

/** Publishes until `signal` aborts; resolves with the number of updates sent. */
export async function runWeatherServer(options: WeatherServerOptions): Promise<number> {
  const { zipLow = 10000, zipHigh = 10100, seed = Date.now() } = options;
  const random = seededRandom(seed);
  const publisher = new Publisher();
  const endpoints: string[] = [];
  for (const endpoint of options.bind) {
    await publisher.bind(endpoint);
    endpoints.push(publisher.lastEndpoint!);
  }
  console.log(`weather server: publishing on ${endpoints.join(" ")}`);
  options.onBound?.(endpoints);
  let sent = 0;
  while (!options.signal?.aborted) {
    const zip = String(randomInt(random, zipLow, zipHigh)).padStart(5, "0");
    const temperature = randomInt(random, -80, 135);
    const humidity = randomInt(random, 10, 60);
    await publisher.send(`${zip} ${temperature} ${humidity}`);
    // PUB sends never wait, so give timers and sockets a turn now and then.
    if (++sent % 500 === 0) await yieldToLoop();
  }
  publisher.close();
  console.log(`weather server: stopped after ${sent} updates`);
  return sent;
}

if (isMain(import.meta.url)) {
  const f = flags(["zip-low", "zip-high", "seed"], ["bind"]);
  const bind = f.list.bind!.length > 0 ? f.list.bind! : ["tcp://127.0.0.1:5556"];
  await runWeatherServer({
    bind,
    zipLow: numberFlag(f.value["zip-low"], 10000, "zip-low"),
    zipHigh: numberFlag(f.value["zip-high"], 10100, "zip-high"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
    signal: stopOnSignals(),
  });
}
