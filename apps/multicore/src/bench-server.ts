/**
 * Requests per second of the multithreaded server (server.ts) with 1, 2, …
 * worker threads, on zeromq.js and on @zmq/node, same code, same client
 * (a zeromq.js DEALER with 32 requests in flight, in this process), rounds
 * alternating implementations. Prints medians and the scaling (rate with N
 * workers / rate with 1).
 *
 *   pnpm --filter @zmq/demo-multicore bench [-- --workers 1,2 --seconds 5 --rounds 3 --rounds-of-work 400]
 *
 * Each server is probed with one request first; one that does not answer in 5 s
 * is reported as such instead of a rate.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runLoad } from "./client";
import type { ImplName } from "./impl";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};
const WORKERS = flag("workers", [1, 2, 4].filter((n) => n <= Math.max(2, cpus().length)).join(","))
  .split(",")
  .map(Number);
const SECONDS = Number(flag("seconds", "5"));
const ROUNDS = Number(flag("rounds", "3"));
const WORK = Number(flag("rounds-of-work", "400"));
const IMPLS = flag("impls", "zeromq.js,@zmq/node").split(",") as ImplName[];
let port = 20000 + (process.pid % 20000);

async function startServer(
  impl: ImplName,
  workers: number,
): Promise<{ endpoint: string; child: ChildProcess; busy: () => number | undefined }> {
  const script = fileURLToPath(new URL("./server.ts", import.meta.url));
  const myPort = port++;
  const child = spawn(
    process.execPath,
    [
      "--conditions=@zmq/source",
      "--import",
      "tsx",
      script,
      "--impl",
      impl,
      "--workers",
      String(workers),
      "--port",
      String(myPort),
      "--rounds",
      String(WORK),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /ready (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before ready`)));
  });
  const busy = () => {
    const match = /main-thread-busy (\S+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  };
  return { endpoint, child, busy };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  // "close": the exit and the end of its output (the main thread's busy share).
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Cell {
  impl: ImplName;
  workers: number;
  rates: number[];
  /** Share of wall time the server's main thread was busy, per round. */
  busy: number[];
  answered: boolean;
}
const cells: Cell[] = [];
for (const workers of WORKERS) {
  for (const impl of IMPLS) cells.push({ impl, workers, rates: [], busy: [], answered: true });
}
for (let round = 0; round < ROUNDS; round++) {
  for (const cell of cells) {
    if (!cell.answered) continue;
    const { endpoint, child, busy } = await startServer(cell.impl, cell.workers);
    const result = await runLoad({
      impl: "zeromq.js",
      endpoint,
      seconds: SECONDS,
      inflight: 32,
      probeTimeoutMs: 5000,
    });
    await stopServer(child);
    if (!result.answered) {
      cell.answered = false;
      continue;
    }
    cell.rates.push(result.rate);
    const mainBusy = busy();
    if (mainBusy !== undefined) cell.busy.push(mainBusy);
    console.error(
      `round ${round + 1}: ${cell.impl} ${cell.workers} workers ${result.rate.toFixed(0)} req/s, main thread busy ${mainBusy === undefined ? "?" : `${(mainBusy * 100).toFixed(0)}%`} (load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `multithreaded server, ${ROUNDS} round(s) of ${SECONDS} s, work ${WORK} rounds/request; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
);
console.log("impl         workers   req/s (median)   scaling vs 1 worker   main busy   all rounds");
for (const cell of cells) {
  if (!cell.answered) {
    console.log(`${cell.impl.padEnd(13)}${String(cell.workers).padEnd(10)}no reply in 5 s`);
    continue;
  }
  const one = cells.find((c) => c.impl === cell.impl && c.workers === 1);
  const rate = median(cell.rates);
  const scaling = one?.answered ? rate / median(one.rates) : Number.NaN;
  console.log(
    `${cell.impl.padEnd(13)}${String(cell.workers).padEnd(10)}${rate.toFixed(0).padStart(14)}   ${scaling.toFixed(2).padStart(19)}x   ${cell.busy.length > 0 ? `${(median(cell.busy) * 100).toFixed(0)}%`.padStart(9) : "        ?"}   ${cell.rates.map((r) => r.toFixed(0)).join(" ")}`,
  );
}
writeFileSync(
  "bench-server-results.json",
  `${JSON.stringify({ seconds: SECONDS, rounds: ROUNDS, work: WORK, loadavg: loadavg(), cells }, null, 2)}\n`,
);
