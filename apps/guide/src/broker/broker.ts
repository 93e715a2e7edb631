/**
 * Request-reply broker: a ROUTER for clients and a DEALER for workers, joined
 * by `Proxy`. Neither side knows the other's addresses: clients and workers
 * connect to the broker's two stable endpoints, and any number of each can
 * come and go. ROUTER prefixes each request with the client's identity; DEALER
 * spreads requests over the workers; replies find their way back by identity.
 *
 *   pnpm --filter @zmq/demo-guide broker:broker -- --frontend tcp://127.0.0.1:5559 \
 *     --backend tcp://127.0.0.1:5560
 */
import { Dealer, Router, Proxy as ZmqProxy } from "@zmq/node";
import { aborted, flags, isMain, stopOnSignals } from "../lib/cli";

export interface BrokerOptions {
  frontend: string;
  backend: string;
  onBound?: (frontend: string, backend: string) => void;
  signal?: AbortSignal;
}

/** Forwards until `signal` aborts. */
export async function runBroker(options: BrokerOptions): Promise<void> {
  const frontend = new Router();
  const backend = new Dealer();
  await frontend.bind(options.frontend);
  await backend.bind(options.backend);
  console.log(`broker: clients on ${frontend.lastEndpoint}, workers on ${backend.lastEndpoint}`);
  options.onBound?.(frontend.lastEndpoint!, backend.lastEndpoint!);
  const proxy = new ZmqProxy(frontend, backend);
  const running = proxy.run();
  await Promise.race([running, aborted(options.signal).then(() => proxy.terminate())]);
  await running;
  console.log("broker: stopped");
}

if (isMain(import.meta.url)) {
  const f = flags(["frontend", "backend"]);
  await runBroker({
    frontend: f.value.frontend ?? "tcp://127.0.0.1:5559",
    backend: f.value.backend ?? "tcp://127.0.0.1:5560",
    signal: stopOnSignals(),
  });
}
