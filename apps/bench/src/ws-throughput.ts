/**
 * ws:// throughput next to tcp://, ours against zeromq.js (whose libzmq speaks
 * ws:// too): PUSH → PULL in one process, 16 B and 64 KiB messages, messages
 * per second over a fixed time after a warm-up. Each measurement runs in a fresh
 * process; implementations alternate round by round; medians are printed with
 * the ratio ours/zeromq.js.
 *
 *   pnpm --filter @zmq/bench bench:ws [-- --duration 1000 --rounds 3]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { IMPLS, type ImplName, isImplName, loadImpl } from "./impl";

const SIZES = [16, 65_536];
const TRANSPORTS = ["tcp", "ws"] as const;

async function worker(impl: ImplName, transport: string, size: number, duration: number) {
  const zmq = await loadImpl(impl);
  const pull = new zmq.Pull();
  const push = new zmq.Push();
  await pull.bind(`${transport}://127.0.0.1:*`);
  push.connect(pull.lastEndpoint!);
  let received = 0;
  let bytes = 0;
  let counting = false;
  let stop = false;
  const reader = (async () => {
    for await (const [frame] of pull) {
      if (counting) {
        received++;
        bytes += frame!.length;
      }
      if (stop) break;
    }
  })();
  const writer = (async () => {
    while (!stop) {
      // A fresh buffer per send: zeromq.js masks a ws client's frames in place.
      await push.send(Buffer.alloc(size, 7));
    }
  })();
  await new Promise((r) => setTimeout(r, Math.min(500, duration / 2)));
  counting = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, duration));
  counting = false;
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  push.close();
  pull.close();
  await Promise.race([
    Promise.allSettled([reader, writer]),
    new Promise((r) => setTimeout(r, 500)),
  ]);
  process.stdout.write(
    `${JSON.stringify({ rate: received / seconds, mbps: bytes / seconds / 1e6 })}\n`,
  );
  process.exit(0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function main(args: string[]) {
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const duration = flag("duration", 1000);
  const rounds = flag("rounds", 3);
  const self = fileURLToPath(import.meta.url);
  console.log(
    `ws vs tcp throughput (PUSH → PULL, one process), ${rounds} rounds of ${duration} ms`,
  );
  console.log("case                 ours msg/s   zeromq.js msg/s   ours/zeromq.js   ours MB/s");
  for (const transport of TRANSPORTS) {
    for (const size of SIZES) {
      const results: Record<ImplName, { rate: number; mbps: number }[]> = { ours: [], zeromq: [] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? IMPLS : [...IMPLS].reverse();
        for (const impl of order) {
          const run = spawnSync(
            process.execPath,
            [...process.execArgv, self, "worker", impl, transport, String(size), String(duration)],
            { encoding: "utf8", timeout: duration + 30_000 },
          );
          const line = run.stdout.trim().split("\n").at(-1) ?? "";
          try {
            results[impl].push(JSON.parse(line) as { rate: number; mbps: number });
          } catch {
            console.error(`${impl} ${transport} ${size}: failed: ${run.stderr.slice(-500)}`);
          }
        }
      }
      const ours = median(results.ours.map((r) => r.rate));
      const theirs = median(results.zeromq.map((r) => r.rate));
      const label = `${transport} ${size === 16 ? "16 B" : "64 KiB"}`.padEnd(20);
      console.log(
        `${label} ${ours.toFixed(0).padStart(11)} ${theirs.toFixed(0).padStart(17)} ${(ours / theirs).toFixed(2).padStart(16)} ${median(
          results.ours.map((r) => r.mbps),
        )
          .toFixed(1)
          .padStart(11)}`,
      );
    }
  }
}

const [mode, impl, transport, size, duration] = process.argv.slice(2);
if (mode === "worker" && isImplName(impl)) {
  void worker(impl, transport!, Number(size), Number(duration));
} else {
  main(process.argv.slice(2));
}
