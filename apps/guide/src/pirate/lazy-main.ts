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

export interface LazyPirateDemoOptions {
  bind: string;
  requests: number;
  timeout: number;
  retries: number;
  calm: number;
  crashRate: number;
  stallRate: number;
  stallMs: number;
  seed: number;
  pythonServer: boolean;
  /** Print every role's output, prefixed with its name (the command line does). */
  echo: boolean;
}

export async function lazyPirateDemo(o: LazyPirateDemoOptions) {
  const echo = { echo: o.echo };
  const serverArgs = (n: number) =>
    [
      ["--bind", o.bind, "--seed", String(o.seed + n), "--calm", String(o.calm)],
      ["--crash-rate", String(o.crashRate), "--stall-rate", String(o.stallRate)],
      ["--stall-ms", String(o.stallMs)],
    ].flat();
  const server = supervise((n) =>
    o.pythonServer
      ? startPython("server (pyzmq)", "lazy_server.py", serverArgs(n), echo)
      : startTs("server", "pirate/lazy-server.ts", serverArgs(n), echo),
  );
  const client = startTs(
    "client",
    "pirate/lazy-client.ts",
    [
      ["--connect", o.bind, "--requests", String(o.requests)],
      ["--timeout", String(o.timeout), "--retries", String(o.retries)],
    ].flat(),
    echo,
  );
  try {
    await allSucceed([client]);
    if (o.echo) console.log(`[supervisor] the server was restarted ${server.restarts()} times`);
    return { client, server };
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags(
    [
      ...["bind", "requests", "timeout", "retries", "calm"],
      ...["crash-rate", "stall-rate", "stall-ms", "seed"],
    ],
    [],
    ["python-server"],
  );
  const timeout = numberFlag(f.value.timeout, 2500, "timeout");
  await lazyPirateDemo({
    bind: f.value.bind ?? "tcp://127.0.0.1:5555",
    requests: numberFlag(f.value.requests, 10, "requests"),
    timeout,
    retries: numberFlag(f.value.retries, 3, "retries"),
    calm: numberFlag(f.value.calm, 3, "calm"),
    crashRate: numberFlag(f.value["crash-rate"], 0.1, "crash-rate"),
    stallRate: numberFlag(f.value["stall-rate"], 0.1, "stall-rate"),
    stallMs: numberFlag(f.value["stall-ms"], timeout + 500, "stall-ms"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
    pythonServer: f.on["python-server"]!,
    echo: true,
  });
}
