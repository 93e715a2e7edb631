/**
 * Weather update client (SUB): subscribes to one zip code, collects a number
 * of updates and prints the average temperature. The subscription is a prefix
 * filter applied by the publisher; the trailing space keeps "10001 " from also
 * matching a longer zip such as "100012".
 *
 *   pnpm --filter @zmq/demo-guide weather:client -- --connect tcp://127.0.0.1:5556 --zip 10001
 */
import { Subscriber } from "@zmq/node";
import { flags, isMain, numberFlag } from "../lib/cli";

export interface WeatherClientOptions {
  connect: string;
  zip?: string;
  updates?: number;
}

export interface WeatherReport {
  zip: string;
  /** Every update received, as sent. */
  updates: string[];
  averageTemperature: number;
}

export async function runWeatherClient(options: WeatherClientOptions): Promise<WeatherReport> {
  const { zip = "10001", updates: wanted = 20 } = options;
  const subscriber = new Subscriber();
  subscriber.connect(options.connect);
  subscriber.subscribe(`${zip} `);
  console.log(`weather client: collecting ${wanted} updates for zip ${zip}`);
  const updates: string[] = [];
  let total = 0;
  while (updates.length < wanted) {
    const [message] = await subscriber.receive();
    const text = String(message);
    const [code, temperature] = text.split(" ");
    if (code !== zip) throw new Error(`weather client: got "${text}", not for zip ${zip}`);
    updates.push(text);
    total += Number(temperature);
  }
  subscriber.close();
  const averageTemperature = total / updates.length;
  console.log(
    `weather client: average temperature for zip ${zip} was ${averageTemperature.toFixed(1)}F over ${updates.length} updates`,
  );
  return { zip, updates, averageTemperature };
}

if (isMain(import.meta.url)) {
  const f = flags(["connect", "zip", "updates"]);
  await runWeatherClient({
    connect: f.value.connect ?? "tcp://127.0.0.1:5556",
    zip: f.value.zip ?? "10001",
    updates: numberFlag(f.value.updates, 20, "updates"),
  });
}
