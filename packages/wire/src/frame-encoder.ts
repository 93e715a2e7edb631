/**
 * Frame encoding (RFC 37 "Framing"): `flags(1) size(1 | 8 BE) body`. Short sizes are
 * used for bodies of up to 255 bytes, long sizes otherwise, exactly like libzmq.
 */
import { type Allocate, allocateZeroed } from "./bytes";
import { WireError } from "./errors";
import { FrameFlags } from "./frame";

const FLAG_MASK = FrameFlags.MORE | FrameFlags.COMMAND;
const TWO_POW_32 = 0x1_0000_0000;

function checkLength(bodyLength: number): void {
  if (!Number.isSafeInteger(bodyLength) || bodyLength < 0) {
    throw new WireError("EINVAL", "invalid-argument", `invalid frame length ${bodyLength}`);
  }
}

/** Bytes taken by the header of a frame with `bodyLength` body bytes: 2 or 9. */
export function frameHeaderSize(bodyLength: number): number {
  return bodyLength <= 255 ? 2 : 9;
}

/**
 * Writes a frame header into `target` at `offset` and returns the offset after it.
 * `flags` may carry `MORE` and `COMMAND`; `LONG` is chosen from `bodyLength`, other
 * bits are dropped. Throws a `WireError` (EINVAL) for a negative or unsafe length.
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  bodyLength: number,
  flags: number,
): number {
  checkLength(bodyLength);
  const bits = flags & FLAG_MASK;
  if (bodyLength <= 255) {
    target[offset] = bits;
    target[offset + 1] = bodyLength;
    return offset + 2;
  }
  const high = Math.floor(bodyLength / TWO_POW_32);
  const low = bodyLength >>> 0;
  target[offset] = bits | FrameFlags.LONG;
  target[offset + 1] = high >>> 24;
  target[offset + 2] = (high >>> 16) & 0xff;
  target[offset + 3] = (high >>> 8) & 0xff;
  target[offset + 4] = high & 0xff;
  target[offset + 5] = low >>> 24;
  target[offset + 6] = (low >>> 16) & 0xff;
  target[offset + 7] = (low >>> 8) & 0xff;
  target[offset + 8] = low & 0xff;
  return offset + 9;
}

/**
 * Encodes one frame as `[header, body]` for a vectored write; `body` is returned
 * as is, not copied.
 */
export function encodeFrame(body: Uint8Array, flags = 0): [header: Uint8Array, body: Uint8Array] {
  const header = new Uint8Array(frameHeaderSize(body.length));
  writeFrameHeader(header, 0, body.length, flags);
  return [header, body];
}

/** Options of a {@link FrameEncoder}. */
export interface FrameEncoderOptions {
  /** Size of the buffers small frames are packed into. Default 64 KiB. */
  slabSize?: number;
  /**
   * Bodies of at least this many bytes are not copied: they are handed back by
   * `flush()` as their own chunk, right after their header. Default 16 KiB.
   */
  copyThreshold?: number;
  /** Memory for slabs (see `Allocate`). Default zero-filled. */
  allocate?: Allocate;
}

const DEFAULT_SLAB_SIZE = 64 * 1024;
/**
 * The first slab of a batch is this small and grows with the batch: an idle
 * connection that wrote a READY and a few PINGs holds 512 B, not 64 KiB
 * (10,000 idle connections would otherwise pin 640 MB).
 */
const MIN_SLAB_SIZE = 512;
/**
 * Slabs up to this size are kept across flushes however light the traffic, and a
 * connection that keeps filling them gets slabs this big: a steady stream of
 * one- or two-message flushes (a sender woken per message, a request/reply
 * loop) then allocates once per ~16 KiB instead of once per slab sized for a
 * single batch (a fresh 4 KiB ArrayBuffer every three 1 KiB messages). This is
 * also the most a connection holds once it goes quiet (libzmq keeps an 8 KiB
 * batch buffer per connection).
 */
const KEEP_SLAB_SIZE = 16 * 1024;
const DEFAULT_COPY_THRESHOLD = 16 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * Batches frames for writing. Small frames (header and body) are copied into
 * slabs; large bodies are passed through without a copy. `flush()` returns the
 * chunks to write, in order.
 *
 * A body passed through zero-copy (length >= `copyThreshold`) is referenced, so do
 * not modify it until the chunks are written. Memory returned by `flush()` is never
 * written to again by the encoder.
 */
export class FrameEncoder {
  readonly #slabSize: number;
  readonly #copyThreshold: number;
  readonly #allocate: Allocate;
  #slab: Uint8Array = EMPTY;
  /** Start of the slab bytes not yet handed out. */
  #start = 0;
  /** End of the bytes written to the slab. */
  #pos = 0;
  #chunks: Uint8Array[] = [];
  #chunkBytes = 0;
  /** Bytes written into slabs since the last flush: sizes the next slab. */
  #batchBytes = 0;

  /**
   * An empty encoder.
   *
   * @throws WireError `EINVAL` when `slabSize` is not an integer of at least 16 or
   * `copyThreshold` is not a non-negative integer.
   */
  constructor(options: FrameEncoderOptions = {}) {
    const slabSize = options.slabSize ?? DEFAULT_SLAB_SIZE;
    const copyThreshold = options.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
    if (!Number.isSafeInteger(slabSize) || slabSize < 16) {
      throw new WireError("EINVAL", "invalid-argument", "slabSize must be an integer >= 16");
    }
    if (!Number.isSafeInteger(copyThreshold) || copyThreshold < 0) {
      throw new WireError("EINVAL", "invalid-argument", "copyThreshold must be an integer >= 0");
    }
    this.#slabSize = slabSize;
    this.#copyThreshold = copyThreshold;
    this.#allocate = options.allocate ?? allocateZeroed;
  }

  /** Queues a message: every frame but the last gets `MORE`. */
  message(frames: readonly Uint8Array[]): void {
    const last = frames.length - 1;
    if (last < 0) {
      throw new WireError("EINVAL", "invalid-argument", "a message has at least one frame");
    }
    for (let i = 0; i < last; i++) this.frame(frames[i]!, FrameFlags.MORE);
    this.frame(frames[last]!, 0);
  }

  /** Queues a command frame; `body` is `name-len name data` (see `encodeCommand`). */
  command(body: Uint8Array): void {
    this.frame(body, FrameFlags.COMMAND);
  }

  /** Queues one frame; `flags` may carry `MORE` and `COMMAND`. */
  frame(body: Uint8Array, flags: number): void {
    const length = body.length;
    if (length >= this.#copyThreshold && length > 0) {
      this.#reserve(9);
      this.#pos = writeFrameHeader(this.#slab, this.#pos, length, flags);
      this.#cut();
      this.#chunks.push(body);
      this.#chunkBytes += length;
      return;
    }
    const pos = this.#place(length, flags);
    const slab = this.#slab;
    if (length <= 32) {
      for (let i = 0; i < length; i++) slab[pos + i] = body[i]!;
    } else {
      slab.set(body, pos);
    }
  }

  /**
   * Room in the slab for a frame of `length` bytes: writes its header, counts
   * it in the batch and returns where its body goes (the slab may be a new one).
   */
  #place(length: number, flags: number): number {
    const total = length + (length <= 255 ? 2 : 9);
    if (this.#slab.length - this.#pos < total) this.#reserve(total);
    this.#batchBytes += total;
    const slab = this.#slab;
    let pos = this.#pos;
    if (length <= 255) {
      slab[pos] = flags & FLAG_MASK;
      slab[pos + 1] = length;
      pos += 2;
    } else {
      pos = writeFrameHeader(slab, pos, length, flags);
    }
    this.#pos = pos + length;
    return pos;
  }

  /**
   * Bodies of at least this many bytes are passed through by `frame()` without
   * a copy; smaller ones are copied into a slab.
   */
  get copyThreshold(): number {
    return this.#copyThreshold;
  }

  /**
   * Queues a frame of `length` bytes whose body the caller writes itself, and
   * returns the memory for it: `length` bytes of a slab, right after the
   * frame's header. Fill all of it before the next call on this encoder (a
   * frame transform seals straight into it, where a body passed to `frame()`
   * would be copied once more). For bodies below `copyThreshold`; a larger one
   * works but takes slab memory of its size.
   *
   * @throws WireError `EINVAL` for a negative or unsafe length.
   */
  frameBody(length: number, flags: number): Uint8Array {
    checkLength(length);
    const at = this.#place(length, flags);
    const slab = this.#slab;
    // A plain view (see #cut): a Buffer slab's own subarray costs four calls.
    return new Uint8Array(slab.buffer, slab.byteOffset + at, length);
  }

  /** Bytes queued and not yet returned by `flush()`. */
  get pendingBytes(): number {
    return this.#chunkBytes + (this.#pos - this.#start);
  }

  /** Returns the queued bytes as chunks to write, in order; `[]` when empty. */
  flush(): Uint8Array[] {
    this.#cut();
    // A big slab left over from a busy spell is let go once traffic is light again.
    if (this.#slab.length > KEEP_SLAB_SIZE && this.#batchBytes * 8 < this.#slab.length) {
      this.#slab = EMPTY;
      this.#start = 0;
      this.#pos = 0;
    }
    this.#batchBytes = 0;
    if (this.#chunks.length === 0) return [];
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#chunkBytes = 0;
    return chunks;
  }

  /**
   * Lets go of the slab when nothing written to it is still queued (a connection
   * going idle holds no slab; the next frame starts a small one). Memory already
   * returned by `flush()` is not affected.
   */
  release(): void {
    if (this.#pos > this.#start) return;
    this.#slab = EMPTY;
    this.#start = 0;
    this.#pos = 0;
  }

  /** Moves the written-but-not-handed-out slab bytes to the chunk list. */
  #cut(): void {
    if (this.#pos > this.#start) {
      // A plain view, not `subarray`: on a Node Buffer slab that runs Buffer's own
      // JavaScript subarray (four calls); the bytes only go to the connection.
      const slab = this.#slab;
      this.#chunks.push(
        new Uint8Array(slab.buffer, slab.byteOffset + this.#start, this.#pos - this.#start),
      );
      this.#chunkBytes += this.#pos - this.#start;
      this.#start = this.#pos;
    }
  }

  /** Makes sure the slab has `bytes` free bytes, starting a new slab if needed. */
  #reserve(bytes: number): void {
    if (this.#slab.length - this.#pos >= bytes) return;
    this.#cut();
    // Twice what this batch has needed so far, between the minimum and `slabSize`;
    // and when traffic filled the last slab, twice that one, up to KEEP_SLAB_SIZE.
    const want = 2 * (this.#batchBytes + bytes);
    let size = Math.min(MIN_SLAB_SIZE, this.#slabSize);
    while (size < want && size < this.#slabSize) size *= 2;
    const filled = this.#slab.length;
    if (filled > 0 && size < KEEP_SLAB_SIZE) {
      size = Math.max(size, Math.min(2 * filled, KEEP_SLAB_SIZE, this.#slabSize));
    }
    this.#slab = this.#allocate(Math.max(Math.min(size, this.#slabSize), bytes));
    this.#start = 0;
    this.#pos = 0;
  }
}
