/**
 * The Paranoid Pirate demo: a queue, workers that crash and stall at random
 * (each restarted when it dies), and a Lazy Pirate client, each its own
 * process. The client gets every reply; the queue forgets dead workers by
 * their missing heartbeats.
 *
 *   pnpm --filter @zmq/demo-guide paranoid-pirate [-- --workers 3 --requests 20 --python-worker]
 *
 * `--python-worker` makes the first worker the pyzmq one (python/paranoid_worker.py).
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, startPython, startTs } from "../lib/processes";
import { type Supervised, supervise } from "./supervisor";

export interface ParanoidPirateDemoOptions {
  frontend: string;
  backend: string;
  workers: number;
  requests: number;
  timeout: number;
  retries: number;
  heartbeat: number;
  calm: number;
  crashRate: number;
  stallRate: number;
  stallMs: number;
  seed: number;
  pythonWorker: boolean;
  /** Print every role's output, prefixed with its name (the command line does). */
  echo: boolean;
}

export async function paranoidPirateDemo(o: ParanoidPirateDemoOptions) {
  const echo = { echo: o.echo };
  const heartbeat = String(o.heartbeat);
  // Fixed endpoints, so the queue and the workers can all start at once.
  const queue = startTs(
    "queue",
    "pirate/paranoid-queue.ts",
    ["--frontend", o.frontend, "--backend", o.backend, "--heartbeat", heartbeat],
    echo,
  );
  const workers: Supervised[] = [];
  try {
    for (let i = 1; i <= o.workers; i++) {
      const args = (n: number) =>
        [
          ["--connect", o.backend, "--name", `w${i}`, "--heartbeat", heartbeat],
          ["--calm", String(o.calm), "--seed", String(o.seed + 100 * i + n)],
          ["--crash-rate", String(o.crashRate), "--stall-rate", String(o.stallRate)],
          ["--stall-ms", String(o.stallMs)],
        ].flat();
      workers.push(
        supervise((n) =>
          o.pythonWorker && i === 1
            ? startPython(`worker w${i} (pyzmq)`, "paranoid_worker.py", args(n), echo)
            : startTs(`worker w${i}`, "pirate/paranoid-worker.ts", args(n), echo),
        ),
      );
    }
    // The client starts once the queue is up and every worker has said READY.
    await queue.waitFor(/clients on/);
    await Promise.all(workers.map((w) => w.processes()[0]!.waitFor(/: ready/)));
    const client = startTs(
      "client",
      "pirate/lazy-client.ts",
      [
        ["--connect", o.frontend, "--requests", String(o.requests)],
        ["--timeout", String(o.timeout), "--retries", String(o.retries)],
      ].flat(),
      echo,
    );
    await allSucceed([client]);
    const restarts = workers.map((w) => w.restarts()).reduce((a, b) => a + b, 0);
    if (o.echo) console.log(`[supervisor] workers were restarted ${restarts} times`);
    await Promise.all(workers.map((w) => w.stop()));
    queue.stop();
    await allSucceed([queue]);
    return { queue, workers, client };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    queue.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags(
    [
      ...["frontend", "backend", "workers", "requests", "timeout", "retries", "heartbeat"],
      ...["calm", "crash-rate", "stall-rate", "stall-ms", "seed"],
    ],
    [],
    ["python-worker"],
  );
  const timeout = numberFlag(f.value.timeout, 2500, "timeout");
  await paranoidPirateDemo({
    frontend: f.value.frontend ?? "tcp://127.0.0.1:5555",
    backend: f.value.backend ?? "tcp://127.0.0.1:5556",
    workers: numberFlag(f.value.workers, 3, "workers"),
    // Each worker gets a share of the requests: enough for trouble to show.
    requests: numberFlag(f.value.requests, 20, "requests"),
    timeout,
    retries: numberFlag(f.value.retries, 3, "retries"),
    heartbeat: numberFlag(f.value.heartbeat, 1000, "heartbeat"),
    calm: numberFlag(f.value.calm, 2, "calm"),
    crashRate: numberFlag(f.value["crash-rate"], 0.1, "crash-rate"),
    stallRate: numberFlag(f.value["stall-rate"], 0.1, "stall-rate"),
    stallMs: numberFlag(f.value["stall-ms"], timeout + 500, "stall-ms"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
    pythonWorker: f.on["python-worker"]!,
    echo: true,
  });
}
