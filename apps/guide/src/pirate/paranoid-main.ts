/**
 * The Paranoid Pirate demo: a queue, workers that crash and stall at random
 * (each restarted when it dies), and a Lazy Pirate client, each its own
 * process. The client gets every reply; the queue forgets dead workers by
 * their missing heartbeats.
 *
 *   pnpm --filter @zmq/demo-guide paranoid-pirate [-- --workers 3 --requests 10 --python-worker]
 *
 * `--python-worker` makes the first worker the pyzmq one (python/paranoid_worker.py).
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, startPython, startTs } from "../lib/processes";
import { type Supervised, supervise } from "./supervisor";

if (isMain(import.meta.url)) {
  const f = flags(
    [
      ...["frontend", "backend", "workers", "requests", "timeout", "retries", "heartbeat"],
      ...["calm", "crash-rate", "stall-rate", "stall-ms", "seed"],
    ],
    [],
    ["python-worker"],
  );
  const echo = { echo: true };
  const heartbeat = f.value.heartbeat ?? "1000";
  const timeout = f.value.timeout ?? "2500";
  const seed = numberFlag(f.value.seed, Date.now(), "seed");
  // Fixed endpoints, so the queue and the workers can all start at once.
  const frontend = f.value.frontend ?? "tcp://127.0.0.1:5555";
  const backend = f.value.backend ?? "tcp://127.0.0.1:5556";
  const queue = startTs(
    "queue",
    "pirate/paranoid-queue.ts",
    ["--frontend", frontend, "--backend", backend, "--heartbeat", heartbeat],
    echo,
  );
  const workers: Supervised[] = [];
  try {
    const count = numberFlag(f.value.workers, 3, "workers");
    for (let i = 1; i <= count; i++) {
      const args = (n: number) =>
        [
          ["--connect", backend, "--name", `w${i}`, "--heartbeat", heartbeat],
          ["--calm", f.value.calm ?? "3", "--seed", String(seed + 100 * i + n)],
          ["--crash-rate", f.value["crash-rate"] ?? "0.1"],
          ["--stall-rate", f.value["stall-rate"] ?? "0.1"],
          ["--stall-ms", f.value["stall-ms"] ?? String(Number(timeout) + 500)],
        ].flat();
      workers.push(
        supervise((n) =>
          f.on["python-worker"] && i === 1
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
        ["--connect", frontend, "--requests", f.value.requests ?? "10"],
        ["--timeout", timeout, "--retries", f.value.retries ?? "3"],
      ].flat(),
      echo,
    );
    await allSucceed([client]);
    const restarts = workers.map((w) => w.restarts()).reduce((a, b) => a + b, 0);
    console.log(`[supervisor] workers were restarted ${restarts} times`);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    queue.stop();
    await queue.exited;
  }
}
