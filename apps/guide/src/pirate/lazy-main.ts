/**
 * The Lazy Pirate demo: a server process that crashes and stalls at random,
 * restarted whenever it dies, and a Lazy Pirate client process that gets every
 * reply anyway by timing out, reconnecting and resending.
 *
 *   pnpm --filter @zmq/demo-guide lazy-pirate [-- --requests 10 --timeout 2500 --retries 3 --python-server]
 *
 * `--python-server` runs the pyzmq server (python/lazy_server.py) instead of ours.
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, startPython, startTs } from "../lib/processes";
import { supervise } from "./supervisor";

if (isMain(import.meta.url)) {
  const names = ["bind", "requests", "timeout", "retries", "calm", "crash-rate", "stall-rate"];
  const f = flags([...names, "stall-ms", "seed"], [], ["python-server"]);
  const bind = f.value.bind ?? "tcp://127.0.0.1:5555";
  const seed = numberFlag(f.value.seed, Date.now(), "seed");
  const timeout = numberFlag(f.value.timeout, 2500, "timeout");
  const serverArgs = (n: number) =>
    [
      ["--bind", bind, "--seed", String(seed + n), "--calm", f.value.calm ?? "3"],
      [
        "--crash-rate",
        f.value["crash-rate"] ?? "0.1",
        "--stall-rate",
        f.value["stall-rate"] ?? "0.1",
      ],
      ["--stall-ms", f.value["stall-ms"] ?? String(timeout + 500)],
    ].flat();
  const server = supervise((n) =>
    f.on["python-server"]
      ? startPython("server (pyzmq)", "lazy_server.py", serverArgs(n), { echo: true })
      : startTs("server", "pirate/lazy-server.ts", serverArgs(n), { echo: true }),
  );
  const client = startTs(
    "client",
    "pirate/lazy-client.ts",
    [
      ["--connect", bind, "--requests", f.value.requests ?? "10"],
      ["--timeout", String(timeout), "--retries", f.value.retries ?? "3"],
    ].flat(),
    { echo: true },
  );
  try {
    await allSucceed([client]);
    console.log(`[supervisor] the server was restarted ${server.restarts()} times`);
  } finally {
    await server.stop();
  }
}
