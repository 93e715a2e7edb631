import type { Socket, SocketConstructorOpts } from "node:net";
import type { ReadReuse } from "../connection";
import { nodeNet } from "./builtins";

/**
 * Reading a `net.Socket` into memory we choose, through Node's `onread` option,
 * instead of a fresh buffer per read handed out by a `data` event.
 *
 * Ordinary reads go into a 64 KiB slab, each read taking the slab's unused
 * rest, so small reads share one allocation (the chunks handed on are disjoint
 * views: nothing handed on is ever written again). While the peer keeps the
 * socket full (a read filled all the room it was given), slabs are 256 KiB:
 * one read then brings about four 64 KiB frames, handed on as views of the
 * slab, where 64 KiB reads took two read calls and a partly copied frame each.
 * A slab holds its memory while any view of it is kept (as Node's pool does).
 *
 * A new socket has no slab: its first few reads (a ZMTP greeting and READY)
 * go into one buffer shared by every such socket in the thread, and each is
 * copied out at once into memory of its own (never shared with another
 * connection's bytes). Reading is synchronous (the bytes land and are handed to
 * the callback with no other JavaScript in between), so sharing is safe. Its
 * first read of {@link LIGHT_READ_BYTES} or more, or its fifth read, gives the
 * socket a slab of its own. 10,000 connections idle after their handshake then
 * hold no read memory at all, where a slab each pinned 640 MB of address space
 * (and much of it in RSS).
 *
 * When the handler asks for the next bytes in memory of its own
 * (`StreamHandler.readTarget`: the rest of a large frame body), the read goes
 * straight there: no per-read buffer that waits for the garbage collector and
 * no copy into the body. A 200 MB frame then costs the receiver about its own
 * size.
 *
 * When the handler copies out everything it keeps (`StreamHandler.readReuse`:
 * CURVE, which decrypts every frame into memory of its own), a slab is read into
 * again from its start whenever the handler holds none of its bytes: one slab,
 * warm in the cache and in the page tables, instead of a fresh one per 256 KiB
 * that waits for the garbage collector (on a VM whose page faults cost ~18 µs
 * each, those fresh pages were a large part of a CURVE receiver's first second).
 * Only slabs first read into after the handler said so are reused.
 *
 * Only on Node itself (other runtimes' `node:net` may not honour `onread`).
 */

/** Reads go into slabs of this size. */
const SLAB_BYTES = 64 * 1024;
/** A slab whose unused rest is smaller than this is replaced for the next read. */
const MIN_READ_BYTES = 16 * 1024;
/**
 * Slabs after a read that filled its room (more was waiting in the kernel):
 * a bulk transfer. Frames up to about a quarter of this arrive mostly whole in
 * one slab; one per slab straddles its end and is copied (in part).
 */
const BULK_SLAB_BYTES = 256 * 1024;
/** In bulk, a slab rest below this is replaced (a smaller read would split the next frame). */
const BULK_MIN_READ_BYTES = 64 * 1024;
/**
 * The read after one that went into a handler's memory for a frame larger than
 * a bulk slab is this small: it brings the next frame's header and only a
 * little of its body, which is copied; the rest of that body then goes straight
 * in. A full slab read there would carry a large part of the frame, to be copied.
 * (Smaller frames read straight into their memory are followed by an ordinary
 * read: it carries whole frames, delivered as views.)
 */
const HEADER_READ_BYTES = 8 * 1024;
/**
 * A read smaller than this is light: copying it out of the shared buffer costs
 * less than the read itself. A socket in the shared buffer moves to a slab of
 * its own at its first read of at least this size.
 */
const LIGHT_READ_BYTES = 4 * 1024;
/** Reads a new socket makes into the shared buffer, at most (a handshake's worth). */
const SHARED_READS = 4;
/** Size of the buffer new sockets share. */
const SHARED_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);
/** The read buffer of every new socket (allocated on first use). */
let shared: Buffer = EMPTY;

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
  /** Whether earlier reads' memory may be read into again (`StreamHandler.readReuse`). */
  reuse?(): ReadReuse;
}

/** The `onread` state of one socket: create it before the socket, pass `onread` to it. */
export class DirectReads {
  #sink: DirectReadSink | undefined;
  #slab: Buffer = EMPTY;
  #used = 0;
  /** The memory the pending read goes into. */
  #current: Uint8Array = EMPTY;
  /** Chunks read before a sink was attached (made at the first). */
  #early: Buffer[] | undefined;
  /** The last read went into memory the sink named, more than a bulk slab of it. */
  #largeDirect = false;
  /** The last slab read filled all the room it had: more was waiting. */
  #bulk = false;
  /** The pending read is a short header read (see HEADER_READ_BYTES). */
  #headerRead = false;
  /** Reads left to make into the shared buffer (copied out); 0 once the socket has a slab. */
  #sharedReads = SHARED_READS;
  /**
   * Every read into the current slab went to a sink that copies out (it answered
   * `reuse()` with 1 or 2 before each): the slab may be read into again once the
   * sink holds none of it.
   */
  #slabReusable = false;

  /** The `onread` option for `net.connect` / `new net.Socket`. */
  readonly onread = {
    buffer: (): Uint8Array => this.#next(),
    callback: (nread: number, buffer: Uint8Array): boolean => this.#read(nread, buffer),
  };

  /** Starts delivering to `sink` (chunks read before are delivered first, by the caller's resume). */
  attach(sink: DirectReadSink): void {
    this.#sink = sink;
    const early = this.#early;
    if (early === undefined) return;
    this.#early = undefined;
    for (const chunk of early) sink.read(chunk);
  }

  #next(): Uint8Array {
    const target = this.#sink?.target();
    if (target !== undefined && target.length > 0) {
      this.#headerRead = false;
      this.#current = target;
      return target;
    }
    if (this.#sharedReads > 0) {
      if (shared.length === 0) shared = Buffer.allocUnsafeSlow(SHARED_BYTES);
      this.#headerRead = false;
      this.#current = shared;
      return shared;
    }
    // Right after a header read, the frame's body has not found its memory yet:
    // read no more than an ordinary slab's worth of it, to be copied.
    const bulk = this.#bulk && !this.#headerRead;
    const size = bulk ? BULK_SLAB_BYTES : SLAB_BYTES;
    const reuse = this.#sink?.reuse?.() ?? 0;
    if (reuse === 2 && this.#slabReusable && this.#slab.length >= size) this.#used = 0;
    if (
      this.#slab.length - this.#used < (bulk ? BULK_MIN_READ_BYTES : MIN_READ_BYTES) ||
      (reuse !== 0 && !this.#slabReusable)
    ) {
      this.#slab = Buffer.allocUnsafeSlow(size);
      this.#used = 0;
      this.#slabReusable = reuse !== 0;
    } else if (reuse === 0) this.#slabReusable = false;
    const header = this.#largeDirect;
    this.#headerRead = header;
    const used = this.#used;
    const slab = this.#slab;
    const end = Math.min(
      slab.length,
      header ? used + HEADER_READ_BYTES : bulk ? slab.length : used + SLAB_BYTES,
    );
    // Node reads into any Uint8Array: a plain view costs no Buffer `subarray` (four
    // JavaScript calls per read). Only the chunk cut from the slab below is a Buffer.
    const rest = new Uint8Array(slab.buffer, slab.byteOffset + used, end - used);
    this.#current = rest;
    return rest;
  }

  #read(nread: number, buffer: Uint8Array): boolean {
    let chunk: Buffer;
    if (buffer === shared && shared.length > 0) {
      // Another socket's read lands here next: copy the bytes out now, into
      // memory of this connection's own (not Node's pool, which other
      // connections' bytes share).
      chunk = Buffer.allocUnsafeSlow(nread);
      shared.copy(chunk, 0, 0, nread);
      this.#largeDirect = false;
      this.#sharedReads--;
      if (nread >= LIGHT_READ_BYTES) {
        this.#sharedReads = 0;
        this.#bulk = nread === buffer.length;
      }
      return this.#deliver(chunk);
    }
    const direct = buffer.buffer !== this.#slab.buffer;
    this.#largeDirect = direct && buffer.length > BULK_SLAB_BYTES;
    if (buffer === this.#current && !direct) {
      chunk = this.#slab.subarray(this.#used, this.#used + nread);
      // 8-byte aligned, as Node's pool: the next read starts on a fresh word.
      this.#used = Math.min(this.#slab.length, (this.#used + nread + 7) & ~7);
      // A short header read says nothing about the backlog.
      if (!this.#headerRead) this.#bulk = nread === buffer.length;
    } else {
      chunk = Buffer.from(buffer.buffer, buffer.byteOffset, nread);
      this.#sharedReads = 0;
    }
    return this.#deliver(chunk);
  }

  #deliver(chunk: Buffer): boolean {
    const sink = this.#sink;
    if (sink === undefined) {
      if (this.#early === undefined) this.#early = [chunk];
      else this.#early.push(chunk);
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
  const adopted = new (nodeNet().Socket)({
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
