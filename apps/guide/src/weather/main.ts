/**
 * The weather demo: one server process and three client processes, each client
 * following its own zip code. Ends when every client has its updates.
 *
 *   pnpm --filter @zmq/demo-guide weather [-- --bind tcp://127.0.0.1:5556 --python-client]
 *
 * `--python-client` runs the pyzmq client (python/weather_client.py) as one of
 * the clients.
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, type RoleProcess, startPython, startTs } from "../lib/processes";

export async function weatherDemo(bind: string, updates: number, pythonClient: boolean) {
  const server = startTs("server", "weather/server.ts", ["--bind", bind], { echo: true });
  try {
    const [, endpoint] = await server.waitFor(/publishing on (\S+)/);
    const clients: RoleProcess[] = ["10001", "10042", "10099"].map((zip, i) => {
      const args = ["--connect", endpoint!, "--zip", zip, "--updates", String(updates)];
      return pythonClient && i === 0
        ? startPython(`client ${zip} (pyzmq)`, "weather_client.py", args, { echo: true })
        : startTs(`client ${zip}`, "weather/client.ts", args, { echo: true });
    });
    await allSucceed(clients);
  } finally {
    server.stop();
    await server.exited;
  }
}

if (isMain(import.meta.url)) {
  const f = flags(["bind", "updates"], [], ["python-client"]);
  await weatherDemo(
    f.value.bind ?? "tcp://127.0.0.1:5556",
    numberFlag(f.value.updates, 20, "updates"),
    f.on["python-client"]!,
  );
}
