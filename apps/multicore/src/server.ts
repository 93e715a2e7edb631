/**
 * The ZeroMQ Guide's multithreaded server ("mtserver"): a ROUTER for clients on
 * tcp, a DEALER on inproc://workers, a Proxy between them, and N worker threads
 * each with a REP socket connected to inproc://workers doing CPU work per request.
 *
 *   pnpm --filter @zmq/demo-multicore server -- --impl zeromq.js --workers 2 --port 5570
 *
 * Prints `ready tcp://127.0.0.1:<port>` once every worker has connected.
 */
import { fileURLToPath } from "node:url";
import { type ImplName, implName, loadImpl } from "./impl";
import { spawnWorker } from "./spawn";

export interface ServerOptions {
  impl: ImplName;
  workers: number;
  port: number;
  rounds: number;
}

export interface RunningServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const zmq = await loadImpl(options.impl);
  const frontend = new zmq.Router();
  const backend = new zmq.Dealer();
  const endpoint = `tcp://127.0.0.1:${options.port}`;
  await frontend.bind(endpoint);
  const inproc = `inproc://workers-${process.pid}`;
  await backend.bind(inproc);
  const proxy = new zmq.Proxy(frontend, backend);
  const running = proxy.run().catch(() => {});
  const workers: import("node:worker_threads").Worker[] = [];
  for (let i = 0; i < options.workers; i++) {
    const worker = spawnWorker("worker", {
      impl: options.impl,
      rounds: options.rounds,
      endpoint: inproc,
    });
    await new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    workers.push(worker);
  }
  return {
    endpoint,
    async stop() {
      // Workers close their sockets and end on their own (zeromq.js aborts the
      // process when a thread with open sockets is terminated); terminate is the fallback.
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => void worker.terminate(), 5000);
              worker.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              worker.postMessage({ stop: true });
            }),
        ),
      );
      proxy.terminate();
      await running;
    },
  };
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options: ServerOptions = {
    impl: implName(argument("impl", "zeromq.js")),
    workers: Number(argument("workers", "2")),
    port: Number(argument("port", "5570")),
    rounds: Number(argument("rounds", "40")),
  };
  const server = await startServer(options);
  console.log(`ready ${server.endpoint} (${options.impl}, ${options.workers} workers)`);
  // How busy the main thread (ROUTER, Proxy, DEALER) was while serving: the share
  // of wall time its event loop spent running, printed as the server stops.
  const { performance } = await import("node:perf_hooks");
  const since = performance.eventLoopUtilization();
  const stop = () => {
    const busy = performance.eventLoopUtilization(since).utilization;
    console.log(`main-thread-busy ${busy.toFixed(3)}`);
    void server.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
