/**
 * Request-reply worker (REP): answers "Hello <who> <n>" with
 * "World <who> <n> <worker>", until stopped.
 *
 *   pnpm --filter @zmq/demo-guide broker:worker -- --connect tcp://127.0.0.1:5560 --name w1
 */
import { Reply } from "@zmq/node";
import { aborted, flags, isMain, stopOnSignals } from "../lib/cli";
import { handshakes } from "../lib/events";

export interface WorkerOptions {
  connect: string;
  name: string;
  /** Called once connected to the broker (handshake done). */
  onReady?: () => void;
  signal?: AbortSignal;
}

/** Serves until `signal` aborts; resolves with the number of requests served. */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const socket = new Reply();
  const connected = handshakes(socket, 1);
  socket.connect(options.connect);
  void aborted(options.signal).then(() => socket.close());
  void connected.then(
    () => {
      console.log(`worker ${options.name}: ready`);
      options.onReady?.();
    },
    () => {},
  );
  let served = 0;
  try {
    for (;;) {
      const [request] = await socket.receive();
      await socket.send(`${String(request).replace(/^Hello/, "World")} ${options.name}`);
      served++;
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  console.log(`worker ${options.name}: served ${served} requests`);
  return served;
}

if (isMain(import.meta.url)) {
  const f = flags(["connect", "name"]);
  await runWorker({
    connect: f.value.connect ?? "tcp://127.0.0.1:5560",
    name: f.value.name ?? String(process.pid),
    signal: stopOnSignals(),
  });
}
