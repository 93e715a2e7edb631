/**
 * The weather demo: one server process and three client processes, each client
 * following its own zip code. Ends when every client has its updates.
 *
 *   pnpm --filter @zmq/demo-guide weather [-- --bind tcp://127.0.0.1:5556 --clients 3 --python-client]
 *
 * `--python-client` runs the pyzmq client (python/weather_client.py) as the
 * first client.
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, type RoleProcess, startPython, startTs } from "../lib/processes";

export interface WeatherDemoOptions {
  bind: string;
  updates: number;
  clients: number;
  pythonClient: boolean;
  /** Print every role's output, prefixed with its name (the command line does). */
  echo: boolean;
}

const zips = ["10001", "10042", "10099", "10013", "10077"];

export async function weatherDemo(o: WeatherDemoOptions) {
  const echo = { echo: o.echo };
  const server = startTs("server", "weather/server.ts", ["--bind", o.bind], echo);
  try {
    const [, endpoint] = await server.waitFor(/publishing on (\S+)/);
    const clients: RoleProcess[] = zips.slice(0, o.clients).map((zip, i) => {
      const args = ["--connect", endpoint!, "--zip", zip, "--updates", String(o.updates)];
      return o.pythonClient && i === 0
        ? startPython(`client ${zip} (pyzmq)`, "weather_client.py", args, echo)
        : startTs(`client ${zip}`, "weather/client.ts", args, echo);
    });
    await allSucceed(clients);
    server.stop();
    await allSucceed([server]);
    return { server, clients };
  } finally {
    server.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags(["bind", "updates", "clients"], [], ["python-client"]);
  await weatherDemo({
    bind: f.value.bind ?? "tcp://127.0.0.1:5556",
    updates: numberFlag(f.value.updates, 20, "updates"),
    clients: Math.min(numberFlag(f.value.clients, 3, "clients"), zips.length),
    pythonClient: f.on["python-client"]!,
    echo: true,
  });
}
