/**
 * Task worker (PULL in, PUSH out, SUB for control): takes a task from the
 * ventilator, "works" for its workload (sleeps), sends "<id> <worker>" to the
 * sink, and repeats until the sink's kill signal arrives on the control
 * channel, then closes its sockets and ends.
 *
 *   pnpm --filter @zmq/demo-guide tasks:worker -- --name w1 --tasks tcp://127.0.0.1:5557 \
 *     --sink tcp://127.0.0.1:5558 --control tcp://127.0.0.1:5559
 */
import { Pull, Push, Subscriber } from "@zmq/node";
import { flags, isMain, sleep } from "../lib/cli";
import { handshakes } from "../lib/events";

export interface WorkerOptions {
  name: string;
  tasks: string;
  sink: string;
  control: string;
}

/** Resolves with the ids of the tasks this worker did, once it has been killed. */
export async function runWorker(options: WorkerOptions): Promise<number[]> {
  // The control channel first: a PUB drops what it sends before a subscriber's
  // subscription has arrived, so a worker that took tasks before its SUB was
  // connected could miss the KILL sent at the end of a short batch.
  const control = new Subscriber();
  const subscribed = handshakes(control, 1);
  control.connect(options.control);
  control.subscribe();
  await subscribed;
  const receiver = new Pull();
  receiver.connect(options.tasks);
  const sender = new Push({ linger: 2000 });
  sender.connect(options.sink);
  console.log(`worker ${options.name}: ready`);

  const done: number[] = [];
  let killed = false;
  const kill = control.receive().then(([signal]) => {
    killed = true;
    console.log(`worker ${options.name}: ${signal} received after ${done.length} tasks`);
    // Closing the task socket ends the pending receive below.
    receiver.close();
  });
  try {
    while (!killed) {
      let task: Buffer;
      try {
        [task] = (await receiver.receive()) as [Buffer];
      } catch (error) {
        if (killed) break;
        throw error;
      }
      const [id, workload] = String(task).split(" ").map(Number) as [number, number];
      await sleep(workload);
      await sender.send(`${id} ${options.name}`);
      done.push(id);
    }
    await kill;
  } finally {
    receiver.close();
    sender.close();
    control.close();
  }
  return done;
}

if (isMain(import.meta.url)) {
  const f = flags(["name", "tasks", "sink", "control"]);
  await runWorker({
    name: f.value.name ?? String(process.pid),
    tasks: f.value.tasks ?? "tcp://127.0.0.1:5557",
    sink: f.value.sink ?? "tcp://127.0.0.1:5558",
    control: f.value.control ?? "tcp://127.0.0.1:5559",
  });
}
