/**
 * Small helpers every role shares: reading `--name value` flags, knowing
 * whether a module is the process's entry point, sleeping, and a seeded
 * random source so a "random" crash can be replayed.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && url === pathToFileURL(entry).href;
}

/** The command line's flags: `--name value` (strings), repeatable ones (arrays) and switches. */
export interface Flags {
  value: Record<string, string | undefined>;
  list: Record<string, string[]>;
  on: Record<string, boolean>;
}

/** Parses `--name value` flags, repeatable `--name a --name b` flags, and `--switch`es. */
export function flags(
  names: readonly string[],
  repeatable: readonly string[] = [],
  switches: readonly string[] = [],
): Flags {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const name of names) options[name] = { type: "string" };
  for (const name of repeatable) options[name] = { type: "string", multiple: true };
  for (const name of switches) options[name] = { type: "boolean" };
  // `pnpm run <script> -- --flag` hands the "--" on: skip it.
  const args = process.argv.slice(2);
  if (args[0] === "--") args.shift();
  const { values } = parseArgs({ args, options, strict: true });
  const result: Flags = { value: {}, list: {}, on: {} };
  for (const name of names) result.value[name] = values[name] as string | undefined;
  for (const name of repeatable) result.list[name] = (values[name] as string[] | undefined) ?? [];
  for (const name of switches) result.on[name] = values[name] === true;
  return result;
}

/** A flag as a number, or `fallback` when absent; a bad number is a clear error. */
export function numberFlag(value: string | undefined, fallback: number, name = "value"): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`--${name} must be a number, got "${value}"`);
  return n;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Lets timers and I/O run between batches of sends that would otherwise never yield. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A seeded pseudo-random source (mulberry32): same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [low, high) from `random`. */
export const randomInt = (random: () => number, low: number, high: number): number =>
  low + Math.floor(random() * (high - low));

/** Stops a role cleanly on Ctrl-C or `kill`: aborts the returned signal. */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

/** Resolves when `signal` aborts (never rejects). */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}
