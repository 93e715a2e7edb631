import { Socket, type SocketConstructorOpts } from "node:net";

/**
 * Reading a `net.Socket` into memory we choose, through Node's `onread` option,
 * instead of a fresh buffer per read handed out by a `data` event.
 *
 * Ordinary reads go into a 64 KiB slab, each read taking the slab's unused
 * rest, so small reads share one allocation (the chunks handed on are disjoint
 * views: nothing handed on is ever written again). When the handler asks for
 * the next bytes in memory of its own (`StreamHandler.readTarget`: the rest of
 * a large frame body), the read goes straight there: no per-read buffer that
 * waits for the garbage collector and no copy into the body. A 200 MB frame
 * then costs the receiver about its own size, and a 64 KiB one no copy for most
 * of its bytes.
 *
 * Only on Node itself (other runtimes' `node:net` may not honour `onread`).
 */

/** Reads go into slabs of this size. */
const SLAB_BYTES = 64 * 1024;
/** A slab whose unused rest is smaller than this is replaced for the next read. */
const MIN_READ_BYTES = 16 * 1024;
/**
 * The read after one that went into a handler's memory (large frames are
 * flowing) is this small: it brings the next frame's header and only a little of
 * its body, which is copied; the rest of that body then goes straight in. A full
 * 64 KiB read there would carry almost all of a 64 KiB frame, to be copied.
 */
const HEADER_READ_BYTES = 8 * 1024;

const EMPTY = Buffer.alloc(0);

/** True where `onread` and handle adoption are known to work: Node, not Deno or Bun. */
export const DIRECT_READS_SUPPORTED: boolean =
  typeof process === "object" &&
  typeof process.versions?.node === "string" &&
  typeof (process.versions as Record<string, string | undefined>).deno !== "string" &&
  typeof (process.versions as Record<string, string | undefined>).bun !== "string" &&
  process.env.ZMQ_NO_DIRECT_READS === undefined;

/** What `DirectReads` delivers to (a `NetStreamConnection`). */
export interface DirectReadSink {
  /** Bytes read; `chunk` is yours. Return `false` to stop reading (then `resume` the socket). */
  read(chunk: Buffer): boolean;
  /** Memory for the next read, or `undefined` for the slab. */
  target(): Uint8Array | undefined;
}

/** The `onread` state of one socket: create it before the socket, pass `onread` to it. */
export class DirectReads {
  #sink: DirectReadSink | undefined;
  #slab: Buffer = EMPTY;
  #used = 0;
  /** The memory the pending read goes into. */
  #current: Uint8Array = EMPTY;
  /** Chunks read before a sink was attached. */
  #early: Buffer[] = [];
  /** The last read went into memory the sink named. */
  #direct = false;

  /** The `onread` option for `net.connect` / `new net.Socket`. */
  readonly onread = {
    buffer: (): Uint8Array => this.#next(),
    callback: (nread: number, buffer: Uint8Array): boolean => this.#read(nread, buffer),
  };

  /** Starts delivering to `sink` (chunks read before are delivered first, by the caller's resume). */
  attach(sink: DirectReadSink): void {
    this.#sink = sink;
    const early = this.#early;
    if (early.length === 0) return;
    this.#early = [];
    for (const chunk of early) sink.read(chunk);
  }

  #next(): Uint8Array {
    const target = this.#sink?.target();
    if (target !== undefined && target.length > 0) {
      this.#current = target;
      return target;
    }
    if (this.#slab.length - this.#used < MIN_READ_BYTES) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#used = 0;
    }
    const rest = this.#direct
      ? this.#slab.subarray(this.#used, this.#used + HEADER_READ_BYTES)
      : this.#slab.subarray(this.#used);
    this.#current = rest;
    return rest;
  }

  #read(nread: number, buffer: Uint8Array): boolean {
    let chunk: Buffer;
    this.#direct = buffer.buffer !== this.#slab.buffer;
    if (buffer === this.#current && !this.#direct) {
      chunk = this.#slab.subarray(this.#used, this.#used + nread);
      // 8-byte aligned, as Node's pool: the next read starts on a fresh word.
      this.#used = Math.min(this.#slab.length, (this.#used + nread + 7) & ~7);
    } else {
      chunk = Buffer.from(buffer.buffer, buffer.byteOffset, nread);
    }
    const sink = this.#sink;
    if (sink === undefined) {
      this.#early.push(chunk);
      return false;
    }
    return sink.read(chunk);
  }
}

/**
 * Moves an accepted socket's handle to a new `net.Socket` created with `onread`
 * (a `net.Server` has no such option). The new socket starts paused (reading
 * resumes with `resume()`), takes over the server's connection count, and the
 * old object is left without a handle. Returns `undefined`, changing nothing,
 * when the socket cannot be adopted (not on Node, already reading data out, or
 * an unexpected handle): the caller then keeps the old socket.
 */
export function adoptAccepted(
  socket: Socket,
  reads: DirectReads,
  options: { writableHighWaterMark?: number } = {},
): Socket | undefined {
  if (!DIRECT_READS_SUPPORTED) return undefined;
  const old = socket as unknown as {
    _handle: { useUserBuffer?: unknown; readStop?: unknown } | null;
    _server: unknown;
    server: unknown;
  };
  const handle = old._handle;
  if (
    handle === null ||
    typeof handle !== "object" ||
    typeof handle.useUserBuffer !== "function" ||
    typeof handle.readStop !== "function" ||
    socket.readableLength > 0 ||
    socket.listenerCount("data") > 0
  ) {
    return undefined;
  }
  const adopted = new Socket({
    handle,
    allowHalfOpen: socket.allowHalfOpen,
    readable: true,
    writable: true,
    pauseOnCreate: true,
    onread: reads.onread,
    ...(options.writableHighWaterMark !== undefined && {
      writableHighWaterMark: options.writableHighWaterMark,
    }),
  } as SocketConstructorOpts);
  const fresh = adopted as unknown as { _server: unknown; server: unknown };
  fresh._server = old._server;
  fresh.server = old.server;
  old._server = null;
  old.server = null;
  old._handle = null;
  return adopted;
}
