/**
 * The Paranoid Pirate queue: a ROUTER for clients (Lazy Pirate clients, REQ)
 * and a ROUTER for workers (DEALER). It keeps the workers that are ready, least
 * recently used first, hands each request to the first one, and forwards the
 * reply back to its client. It sends every worker a heartbeat each interval
 * and forgets a worker it has not heard from for `liveness` intervals, so
 * requests stop going to a worker that died.
 *
 *   pnpm --filter @zmq/demo-guide paranoid-pirate:queue -- --frontend tcp://127.0.0.1:5555 \
 *     --backend tcp://127.0.0.1:5556
 */
import { Router } from "@zmq/node";
import { aborted, flags, isMain, numberFlag, stopOnSignals } from "../lib/cli";
import { HEARTBEAT, isSignal, READY } from "./paranoid-protocol";

export interface QueueOptions {
  frontend: string;
  backend: string;
  /** Heartbeat interval (ms). */
  heartbeatInterval?: number;
  /** Intervals of silence after which a worker is forgotten. */
  liveness?: number;
  onBound?: (frontend: string, backend: string) => void;
  /** Told when a worker becomes ready (READY or any message) or is forgotten. */
  onWorker?: (change: "ready" | "expired", worker: string) => void;
  signal?: AbortSignal;
}

export interface QueueRun {
  /** Requests handed to a worker. */
  dispatched: number;
  /** Replies forwarded to a client. */
  replied: number;
  /** Workers forgotten for silence, by address. */
  expired: string[];
}

interface Ready {
  address: Buffer;
  expiry: number;
}

export async function runParanoidQueue(options: QueueOptions): Promise<QueueRun> {
  const { heartbeatInterval = 1000, liveness = 3 } = options;
  const frontend = new Router();
  const backend = new Router();
  await frontend.bind(options.frontend);
  await backend.bind(options.backend);
  console.log(`queue: clients on ${frontend.lastEndpoint}, workers on ${backend.lastEndpoint}`);
  options.onBound?.(frontend.lastEndpoint!, backend.lastEndpoint!);

  const run: QueueRun = { dispatched: 0, replied: 0, expired: [] };
  // Insertion order is least recently used first; re-inserting moves a worker to the end.
  const workers = new Map<string, Ready>();
  let wake: (() => void) | undefined;
  const ready = (address: Buffer) => {
    const key = address.toString();
    if (!workers.delete(key)) options.onWorker?.("ready", key);
    workers.set(key, { address, expiry: Date.now() + heartbeatInterval * liveness });
    wake?.();
  };
  const purge = () => {
    const now = Date.now();
    for (const [key, worker] of workers) {
      if (worker.expiry >= now) continue;
      workers.delete(key);
      run.expired.push(key);
      console.log(`queue: worker ${key} is silent, forgetting it`);
      options.onWorker?.("expired", key);
    }
  };

  const stopped = aborted(options.signal).then(() => {
    frontend.close();
    backend.close();
    wake?.();
  });
  const closing = (error: unknown) => {
    if (!options.signal?.aborted) throw error;
  };

  const fromWorkers = (async () => {
    for (;;) {
      const [address, ...rest] = (await backend.receive()) as Buffer[];
      ready(address!);
      if (rest.length >= 3) {
        await frontend.send(rest);
        run.replied++;
      } else if (!isSignal(rest, READY) && !isSignal(rest, HEARTBEAT)) {
        console.log(`queue: invalid message from worker ${address}`);
      }
    }
  })().catch(closing);

  const fromClients = (async () => {
    for (;;) {
      // Take a request only when a worker can have it; meanwhile requests wait in the ROUTER.
      while (workers.size === 0 && !options.signal?.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const request = (await frontend.receive()) as Buffer[];
      for (;;) {
        purge();
        const [key, worker] = workers.entries().next().value ?? [];
        if (worker !== undefined) {
          workers.delete(key!);
          await backend.send([worker.address, ...request]);
          run.dispatched++;
          break;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (options.signal?.aborted) return;
      }
    }
  })().catch(closing);

  const heartbeats = setInterval(() => {
    purge();
    for (const { address } of workers.values()) {
      backend.send([address, HEARTBEAT]).catch(() => {});
    }
  }, heartbeatInterval);

  try {
    await Promise.race([stopped, fromWorkers, fromClients]);
  } finally {
    clearInterval(heartbeats);
    frontend.close();
    backend.close();
    await Promise.allSettled([fromWorkers, fromClients]);
  }
  console.log(`queue: stopped after ${run.dispatched} requests, ${run.replied} replies`);
  return run;
}

if (isMain(import.meta.url)) {
  const f = flags(["frontend", "backend", "heartbeat", "liveness"]);
  await runParanoidQueue({
    frontend: f.value.frontend ?? "tcp://127.0.0.1:5555",
    backend: f.value.backend ?? "tcp://127.0.0.1:5556",
    heartbeatInterval: numberFlag(f.value.heartbeat, 1000, "heartbeat"),
    liveness: numberFlag(f.value.liveness, 3, "liveness"),
    signal: stopOnSignals(),
  });
}
