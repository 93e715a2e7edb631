/**
 * The load generator: a DEALER keeping `inflight` requests outstanding against
 * the server's ROUTER for `seconds`, counting replies.
 *
 *   pnpm --filter @zmq/demo-multicore client -- --endpoint tcp://127.0.0.1:5570 --seconds 5
 */
import { fileURLToPath } from "node:url";
import { type ImplName, implName, loadImpl } from "./impl";

export interface LoadOptions {
  impl: ImplName;
  endpoint: string;
  seconds: number;
  inflight: number;
  /** Give up if the first reply takes longer than this (ms). */
  probeTimeoutMs: number;
}

export interface LoadResult {
  /** Replies per second over the measured window. */
  rate: number;
  replies: number;
  /** False when no reply came within probeTimeoutMs. */
  answered: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const zmq = await loadImpl(options.impl);
  const dealer = new zmq.Dealer();
  dealer.connect(options.endpoint);
  const empty = new Uint8Array(0);
  const body = new Uint8Array(64).fill(7);
  // Probe: one request must come back.
  await dealer.send([empty, body]);
  const probe = await Promise.race([
    dealer.receive().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), options.probeTimeoutMs)),
  ]);
  if (!probe) {
    dealer.close();
    return { rate: 0, replies: 0, answered: false };
  }
  let replies = 0;
  let outstanding = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const start = performance.now();
  for (; outstanding < options.inflight; outstanding++) await dealer.send([empty, body]);
  while (outstanding > 0) {
    await dealer.receive();
    replies++;
    outstanding--;
    if (performance.now() < deadline) {
      await dealer.send([empty, body]);
      outstanding++;
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  dealer.close();
  return { rate: replies / elapsed, replies, answered: true };
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runLoad({
    impl: implName(argument("impl", "zeromq.js")),
    endpoint: argument("endpoint", "tcp://127.0.0.1:5570"),
    seconds: Number(argument("seconds", "5")),
    inflight: Number(argument("inflight", "32")),
    probeTimeoutMs: 5000,
  });
  if (!result.answered) {
    console.log("no reply within 5 s");
    process.exit(1);
  }
  console.log(`${result.replies} replies, ${result.rate.toFixed(0)} requests/s`);
}
