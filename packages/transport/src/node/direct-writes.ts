import type { Socket } from "node:net";
import { getSystemErrorName } from "node:util";

/**
 * Writing a `net.Socket`'s bytes on its libuv handle itself, the way
 * `net.Socket` does underneath, without the `Writable` around it.
 *
 * A small write through `socket.write()` runs some twenty functions of Node's
 * stream machinery (`Writable.write`, `writeOrBuffer`, `_write`,
 * `_writeGeneric`, `writeGeneric`, `createWriteWrap`, `afterWriteDispatched`,
 * `onwrite`, the socket's timeout refresh…) before and after the one native
 * call that matters. Warm, that is a few hundred nanoseconds; in a fresh
 * process, where all of it still runs in V8's interpreter, it was about a sixth
 * of the CPU of a REQ/REP round trip (measured: both processes' CPU for the first
 * 1,000 round trips of a fresh pair, 15% lower with these writes).
 *
 * A direct write is made only while the `Writable` holds nothing (neither
 * buffered nor in flight): the bytes then reach libuv in the order they were
 * written, whichever path each write took, since libuv queues a handle's writes
 * in order and the `Writable` dispatches to the same handle. A direct write the
 * kernel does not take at once stays in libuv's queue (`writeQueueSize`), and
 * the caller is told to wait (`write` returns false) once that queue reaches
 * the socket's high-water mark; the connection reports `drain` when it is empty.
 *
 * `WriteWrap` (the request object libuv completes) comes from
 * `process.binding("stream_wrap")`, which Node 20-24 allow without flags and
 * without a warning (documentation-only deprecation DEP0111; with
 * `--pending-deprecation` it would warn, so then this path is not used).
 * Anything unexpected (another runtime, a binding of another shape,
 * `ZMQ_NO_DIRECT_WRITES` set) leaves {@link DIRECT_WRITES} undefined, and
 * every write goes through `socket.write()`.
 */

/** The part of Node's stream handle (TCP, Pipe) that direct writes use. */
export interface StreamHandle {
  writeBuffer(req: WriteReq, chunk: Uint8Array): number;
  writev(req: WriteReq, chunks: readonly Uint8Array[], allBuffers: true): number;
  readonly writeQueueSize: number;
}

/** A write request: libuv calls `oncomplete` (with `this` the request) when an async write ends. */
export interface WriteReq {
  handle: StreamHandle;
  oncomplete: (this: WriteReq, status: number) => void;
  async: boolean;
  bytes: number;
  /** Keeps the written memory alive until libuv is done with it. */
  buffer: unknown;
  /** Whoever waits for the completion (the connection). */
  owner: DirectWriteOwner | undefined;
}

/** What a direct write reports to when it completes asynchronously. */
export interface DirectWriteOwner {
  directWriteDone(status: number): void;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
}

/**
 * Whether Node runs with `--pending-deprecation` (flag, NODE_OPTIONS or
 * NODE_PENDING_DEPRECATION=1): `process.binding` then warns, so the paths that
 * use it (direct writes, raw connects) stay off.
 */
export function pendingDeprecation(): boolean {
  const env = process.env;
  return (
    process.execArgv.includes("--pending-deprecation") ||
    (env.NODE_OPTIONS ?? "").includes("--pending-deprecation") ||
    env.NODE_PENDING_DEPRECATION === "1"
  );
}

function loadBinding(): StreamWrapBinding | undefined {
  if (typeof process === "undefined" || process.env.ZMQ_NO_DIRECT_WRITES !== undefined) {
    return undefined;
  }
  // Bun and Deno expose a `node:net` of their own: their handles are not Node's.
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined || versions.deno !== undefined) return undefined;
  if (pendingDeprecation()) return undefined;
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== "function") return undefined;
  try {
    const wrap = binding.call(process, "stream_wrap") as Partial<StreamWrapBinding> | undefined;
    if (typeof wrap?.WriteWrap !== "function") return undefined;
    // Constructing one proves the class is usable from JavaScript.
    const probe = new wrap.WriteWrap();
    return typeof probe === "object" ? (wrap as StreamWrapBinding) : undefined;
  } catch {
    return undefined;
  }
}

const binding = loadBinding();

/** The `WriteWrap` class when direct writes are possible here, else undefined. */
export const DIRECT_WRITES: (new () => WriteReq) | undefined = binding?.WriteWrap;

/** A request's completion: hands the status to the connection that wrote. */
function onComplete(this: WriteReq, status: number): void {
  const owner = this.owner;
  this.owner = undefined;
  this.buffer = null;
  owner?.directWriteDone(status);
}

/**
 * The handle of `socket` if its writes may go straight to it now: connected,
 * not destroyed (Node drops the handle as it destroys a socket), and with
 * nothing queued or in flight in its `Writable`. The caller checks that the
 * socket is a plain TCP or Unix-domain one (not TLS) and that it has not ended
 * it. Plain property reads (`_writableState.length`, not the `writableLength`
 * getter): each getter is a JavaScript call, and this runs once per write.
 */
export function directHandle(socket: Socket): StreamHandle | undefined {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (handle == null || socket.connecting) return undefined;
  const state = (socket as unknown as { _writableState?: { length?: number } })._writableState;
  if (state === undefined || state.length !== 0) return undefined;
  return handle;
}

/**
 * Writes `chunks` on `handle` (one vectored write for several). Returns what
 * libuv still holds for the handle afterwards (`writeQueueSize`, 0 when the
 * kernel took everything), or a negative libuv error code when the write failed
 * at once. When the kernel did not take all of it, the request stays with libuv
 * and `owner` hears `directWriteDone(status)` once it completes.
 */
export function writeDirect(
  WriteWrap: new () => WriteReq,
  handle: StreamHandle,
  chunks: readonly Uint8Array[],
  owner: DirectWriteOwner,
): number {
  const req = new WriteWrap();
  req.handle = handle;
  req.oncomplete = onComplete;
  req.async = false;
  req.bytes = 0;
  req.buffer = null;
  req.owner = undefined;
  const status =
    chunks.length === 1 ? handle.writeBuffer(req, chunks[0]!) : handle.writev(req, chunks, true);
  if (status !== 0) return status < 0 ? status : -1;
  const queued = handle.writeQueueSize;
  if (queued > 0) {
    // Still queued in libuv (it completes through oncomplete): keep the memory alive.
    req.async = true;
    req.buffer = chunks;
    req.owner = owner;
  }
  return queued;
}

/** The error a failed write reports, as `net.Socket` would make it (code, errno, syscall). */
export function writeError(status: number): Error {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `E${-status}`;
  }
  const error = new Error(`write ${code}`) as Error & {
    code: string;
    errno: number;
    syscall: string;
  };
  error.code = code;
  error.errno = status;
  error.syscall = "write";
  return error;
}
