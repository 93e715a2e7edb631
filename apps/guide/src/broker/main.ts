/**
 * The request-reply broker demo: a broker, workers and clients, each its own
 * process. Ends when every client has its replies; then the workers and the
 * broker are stopped.
 *
 *   pnpm --filter @zmq/demo-guide broker [-- --clients 3 --workers 2 --requests 10 --python]
 *
 * `--python` makes the first client and the first worker the pyzmq ones.
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, type RoleProcess, startPython, startTs } from "../lib/processes";

export interface BrokerDemoOptions {
  frontend: string;
  backend: string;
  clients: number;
  workers: number;
  requests: number;
  python: boolean;
  /** Print every role's output, prefixed with its name (the command line does). */
  echo: boolean;
}

export async function brokerDemo(o: BrokerDemoOptions) {
  const echo = { echo: o.echo };
  const broker = startTs(
    "broker",
    "broker/broker.ts",
    ["--frontend", o.frontend, "--backend", o.backend],
    echo,
  );
  const workers: RoleProcess[] = [];
  let clients: RoleProcess[] = [];
  try {
    const [, frontend, backend] = await broker.waitFor(/clients on (\S+), workers on (\S+)/);
    for (let i = 1; i <= o.workers; i++) {
      const args = ["--connect", backend!, "--name", `w${i}`];
      workers.push(
        o.python && i === 1
          ? startPython(`worker w${i} (pyzmq)`, "broker_worker.py", args, echo)
          : startTs(`worker w${i}`, "broker/worker.ts", args, echo),
      );
    }
    // Requests go to the workers connected when they are sent: wait for every worker.
    await Promise.all(workers.map((worker) => worker.waitFor(/: ready/)));
    clients = [];
    for (let i = 1; i <= o.clients; i++) {
      const args = ["--connect", frontend!, "--name", `c${i}`, "--requests", String(o.requests)];
      clients.push(
        o.python && i === 1
          ? startPython(`client c${i} (pyzmq)`, "broker_client.py", args, echo)
          : startTs(`client c${i}`, "broker/client.ts", args, echo),
      );
    }
    await Promise.race([
      allSucceed(clients),
      allSucceed([broker, ...workers]).then(() => {
        throw new Error("the broker or a worker ended early");
      }),
    ]);
    for (const worker of workers) worker.stop();
    await allSucceed(workers);
    broker.stop();
    await allSucceed([broker]);
    return { broker, workers, clients };
  } finally {
    for (const role of [broker, ...workers]) role.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags(["frontend", "backend", "clients", "workers", "requests"], [], ["python"]);
  await brokerDemo({
    frontend: f.value.frontend ?? "tcp://127.0.0.1:5559",
    backend: f.value.backend ?? "tcp://127.0.0.1:5560",
    clients: numberFlag(f.value.clients, 3, "clients"),
    workers: numberFlag(f.value.workers, 2, "workers"),
    requests: numberFlag(f.value.requests, 10, "requests"),
    python: f.on.python!,
    echo: true,
  });
}
