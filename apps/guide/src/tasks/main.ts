/**
 * The divide-and-conquer demo: a sink, N workers and a ventilator, each its
 * own process. The ventilator waits for the workers, sends the batch; the
 * sink times it and then kills the workers over PUB/SUB. Every process ends.
 *
 *   pnpm --filter @zmq/demo-guide tasks [-- --workers 3 --tasks 100 --python-worker]
 *
 * `--python-worker` makes the first worker the pyzmq one (python/task_worker.py).
 */
import { flags, isMain, numberFlag } from "../lib/cli";
import { allSucceed, type RoleProcess, startPython, startTs } from "../lib/processes";

export interface TasksDemoOptions {
  host: string;
  ports: [number, number, number];
  workers: number;
  tasks: number;
  pythonWorker: boolean;
  /** Print every role's output, prefixed with its name (the command line does). */
  echo: boolean;
}

export async function tasksDemo(o: TasksDemoOptions): Promise<RoleProcess[]> {
  const echo = { echo: o.echo };
  const endpoint = (port: number) => `tcp://${o.host}:${port === 0 ? "*" : port}`;
  const sink = startTs(
    "sink",
    "tasks/sink.ts",
    ["--bind", endpoint(o.ports[1]), "--control", endpoint(o.ports[2])],
    echo,
  );
  const roles = [sink];
  try {
    const [, results, control] = await sink.waitFor(/results on (\S+), control on (\S+)/);
    const ventilator = startTs(
      "ventilator",
      "tasks/ventilator.ts",
      [
        ["--bind", endpoint(o.ports[0]), "--sink", results!],
        ["--workers", String(o.workers), "--tasks", String(o.tasks)],
      ].flat(),
      echo,
    );
    roles.push(ventilator);
    const [, tasks] = await ventilator.waitFor(/workers on (\S+)/);
    for (let i = 1; i <= o.workers; i++) {
      const args = [
        "--name",
        `w${i}`,
        "--tasks",
        tasks!,
        "--sink",
        results!,
        "--control",
        control!,
      ];
      roles.push(
        o.pythonWorker && i === 1
          ? startPython(`worker w${i} (pyzmq)`, "task_worker.py", args, echo)
          : startTs(`worker w${i}`, "tasks/worker.ts", args, echo),
      );
    }
    await allSucceed(roles);
    return roles;
  } finally {
    for (const role of roles) role.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags(["host", "port", "workers", "tasks"], [], ["python-worker"]);
  const port = numberFlag(f.value.port, 5557, "port");
  await tasksDemo({
    host: f.value.host ?? "127.0.0.1",
    ports: port === 0 ? [0, 0, 0] : [port, port + 1, port + 2],
    workers: numberFlag(f.value.workers, 3, "workers"),
    tasks: numberFlag(f.value.tasks, 100, "tasks"),
    pythonWorker: f.on["python-worker"]!,
    echo: true,
  });
}
