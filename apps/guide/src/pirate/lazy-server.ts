/**
 * The Lazy Pirate's server (REP): echoes each request, but after a few calm
 * requests it may crash (the process dies; in a test, its socket vanishes) or
 * stall for longer than the client waits.
 *
 *   pnpm --filter @zmq/demo-guide lazy-pirate:server -- --bind tcp://127.0.0.1:5555 \
 *     --crash-rate 0.1 --stall-rate 0.1
 */
import { Reply } from "@zmq/node";
import { aborted, flags, isMain, numberFlag, sleep, stopOnSignals } from "../lib/cli";
import { type TroubleOptions, trouble, troubleFlags } from "./trouble";

export interface LazyServerOptions extends TroubleOptions {
  bind: string;
  /** How long a stall lasts (ms). */
  stallMs?: number;
  onBound?: (endpoint: string) => void;
  signal?: AbortSignal;
}

export interface LazyServerRun {
  served: number;
  stalls: number;
  /** True if it ended by crashing (rather than being stopped). */
  crashed: boolean;
}

export async function runLazyServer(options: LazyServerOptions): Promise<LazyServerRun> {
  const { stallMs = 2000 } = options;
  const next = trouble(options);
  const socket = new Reply({ linger: 0 });
  await socket.bind(options.bind);
  console.log(`lazy server: ready on ${socket.lastEndpoint}`);
  options.onBound?.(socket.lastEndpoint!);
  void aborted(options.signal).then(() => socket.close());
  const run: LazyServerRun = { served: 0, stalls: 0, crashed: false };
  try {
    for (;;) {
      const [request] = await socket.receive();
      const what = next();
      if (what === "crash") {
        console.log(`lazy server: simulating a crash on request ${request}`);
        run.crashed = true;
        break;
      }
      if (what === "stall") {
        console.log(`lazy server: simulating overload on request ${request} (${stallMs} ms)`);
        run.stalls++;
        await sleep(stallMs);
      }
      console.log(`lazy server: normal request ${request}`);
      await socket.send(request!);
      run.served++;
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  } finally {
    socket.close();
  }
  return run;
}

if (isMain(import.meta.url)) {
  const f = flags(["bind", ...troubleFlags]);
  const run = await runLazyServer({
    bind: f.value.bind ?? "tcp://127.0.0.1:5555",
    calm: numberFlag(f.value.calm, 3, "calm"),
    crashRate: numberFlag(f.value["crash-rate"], 0.1, "crash-rate"),
    stallRate: numberFlag(f.value["stall-rate"], 0.1, "stall-rate"),
    stallMs: numberFlag(f.value["stall-ms"], 2000, "stall-ms"),
    seed: numberFlag(f.value.seed, Date.now(), "seed"),
    signal: stopOnSignals(),
  });
  // A crash is a dead process, exit code and all.
  if (run.crashed) process.exit(1);
}
