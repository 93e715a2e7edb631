/**
 * What a compat case is and how its outcome is recorded.
 *
 * A case is written once against the zeromq.js v6 API. It receives the module under test (`zmq`,
 * `draft`) and returns a plain JSON value: the observable outcome (resolved values, frames, error
 * fields, how a call surfaced, events). The runner executes every case against both
 * implementations; the test compares the two records.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// biome-ignore lint/suspicious/noExplicitAny: cases use the zeromq.js API untyped, as JS apps do
export type Zmq = any;

export interface Ctx {
  /** "zeromq" (reference) or "ours". */
  impl: "zeromq" | "ours";
  /** The module under test (`require("zeromq")` or `require("@zmq/node")`). */
  zmq: Zmq;
  /** Its draft entry point. */
  draft: Zmq;
  /** Resolved file paths of both entry points, for child processes. */
  paths: { index: string; draft: string };
  /** The reference module, always zeromq.js (a fixed peer for the implementation under test). */
  ref: Zmq;
  /** A fresh directory for ipc paths. */
  tmp: string;
  /** A unique name, for inproc endpoints and ipc files. */
  uniq(prefix?: string): string;
  /** Sockets to close after the case (with linger 0). */
  track<T>(sock: T): T;
}

export interface Case {
  id: string;
  /** Parity-reference section or item the case measures (e.g. "§2.41", "C5"). */
  ref: string;
  run(ctx: Ctx): Promise<unknown> | unknown;
  /** Runs in its own child process (the case leaves process-wide state behind). */
  isolate?: boolean;
  /** How long the runner gives the case (default 10 s). */
  timeoutMs?: number;
}

/** How long a promise must stay unsettled to count as "pending". */
export const PENDING_MS = 300;

/** The fields of an error a caller can observe. */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { nonError: String(err) };
  const e = err as Error & { code?: unknown; errno?: unknown; address?: unknown };
  const out: Record<string, unknown> = {
    kind:
      err instanceof TypeError ? "TypeError" : err instanceof RangeError ? "RangeError" : "Error",
    message: e.message,
  };
  if (e.code !== undefined) out.code = e.code;
  if (e.errno !== undefined) out.errno = e.errno;
  if (e.address !== undefined) out.address = e.address;
  return out;
}

/** A value as JSON can hold it (Buffers as text, functions and symbols named). */
export function describeValue(v: unknown, depth = 0): unknown {
  if (v === undefined) return "<undefined>";
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return `<function ${v.name}>`;
  if (typeof v === "symbol") return `<symbol>`;
  if (Buffer.isBuffer(v)) return { buf: v.toString("latin1") };
  if (ArrayBuffer.isView(v))
    return { view: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("latin1") };
  if (depth > 3) return "<deep>";
  if (Array.isArray(v)) return v.map((x) => describeValue(x, depth + 1));
  if (v instanceof Error) return describeError(v);
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      return `<${proto?.constructor?.name ?? "object"}>`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort())
      out[k] = describeValue((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return String(v);
}

/**
 * Calls `fn` and records how it surfaced: `throws` (synchronously), `returns`, or for a promise
 * `resolves` / `rejects` / `pending` (still unsettled after `waitMs`).
 */
export async function settle(
  fn: () => unknown,
  waitMs = PENDING_MS,
): Promise<Record<string, unknown>> {
  let r: unknown;
  try {
    r = fn();
  } catch (err) {
    return { how: "throws", ...describeError(err) };
  }
  if (!(r instanceof Promise)) return { how: "returns", value: describeValue(r) };
  r.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Record<string, unknown>>((resolve) => {
    timer = setTimeout(() => resolve({ how: "pending" }), waitMs);
  });
  const done = r.then(
    (v) => ({ how: "resolves", value: describeValue(v) }),
    (err) => ({ how: "rejects", ...describeError(err) }),
  );
  const out = await Promise.race([done, pending]);
  clearTimeout(timer);
  return out;
}

/** Waits for `cond()` to hold, polling; false after `ms`. */
export async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes what differs between runs: port numbers, temp paths, pids. */
export function normalise(v: unknown, tmp: string): unknown {
  const s = JSON.stringify(v ?? null);
  const out = s
    .split(tmp)
    .join("$TMP")
    .replace(/(127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):\d+/g, "$1:PORT")
    .replace(/\(node:\d+\)/g, "(node:PID)");
  return JSON.parse(out);
}

export function makeTmp(): string {
  // Short: ipc paths are limited to 107 bytes.
  return fs.mkdtempSync(path.join(os.tmpdir(), "zc-"));
}
