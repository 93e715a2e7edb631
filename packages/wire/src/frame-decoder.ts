/**
 * Incremental frame decoder (RFC 37 "Framing", libzmq `v2_decoder`).
 *
 * Chunks are queued as they arrive; a frame whose bytes lie within one chunk is
 * delivered as a zero-copy `subarray` view, and only a frame that straddles chunks
 * is copied. Sizes are checked before anything is allocated, so a header claiming
 * 2^62 bytes costs nothing.
 *
 * A straddling body is received into its final buffer as it arrives, so a large
 * frame costs about its own size rather than its chunks plus a copy of them.
 * With a `maxMessageSize`, a body within it is allocated as soon as its header
 * is read (the limit is what the application agreed to hold). Without one, the
 * buffer is allocated once 1/64 of the body has arrived (or all of it): until
 * then the chunks are held, so a peer can make this decoder allocate at most 64
 * times what it has actually sent. That memory is written only as bytes arrive
 * (the allocators used never zero-fill by hand), so on Linux the claim costs
 * address space, not resident memory.
 *
 * Once a body's buffer exists, `readTarget()` offers the rest of it to the
 * transport, which can read the socket straight into it (Node's `onread`):
 * `push` recognises a chunk that is that memory and records it without a copy.
 */

import { type Allocate, allocateZeroed } from "./bytes";
import { ChunkQueue, tryAllocate } from "./chunk-queue";
import { WireError } from "./errors";
import { FrameFlags } from "./frame";

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * Largest frame body accepted, in bytes, checked per frame like libzmq's
   * `ZMQ_MAXMSGSIZE`. `undefined` or -1 means unlimited. Default unlimited.
   */
  maxMessageSize?: number;
  /** Memory for frame bodies that straddle chunks (see `Allocate`). Default zero-filled. */
  allocate?: Allocate;
}

/**
 * Receives each frame. `flags` is the raw flags byte masked to `MORE | COMMAND`.
 * `body` is a view into the received chunk when possible: copy it to keep it past
 * the chunk's lifetime if the chunk's memory is reused. `reused` is true only
 * after `FrameDecoder.reuseBodies()`, for a body whose memory is written over
 * once the handler returns (a chunk's, or the decoder's reused buffer); false
 * for one in memory of its own. Return `false` to pause.
 */
export type FrameHandler = (
  body: Uint8Array,
  flags: number,
  reused: boolean,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `(body) => { ... }` be a handler.
) => boolean | undefined | void;

const FLAG_MASK = FrameFlags.MORE | FrameFlags.COMMAND;
const LONG = FrameFlags.LONG;
const TWO_POW_32 = 0x1_0000_0000;
/** High word at or above this means the size is >= 2^53. */
const HIGH_LIMIT = 0x20_0000;
const EMPTY = new Uint8Array(0);
/**
 * Scratch space for a header split across chunks, shared by every decoder: it is
 * filled and read within one step of the decode loop, never kept.
 */
const HEADER_SCRATCH = new Uint8Array(9);

/**
 * With no `maxMessageSize`, a peer claiming an N-byte body must send N/64 of it
 * before the body's buffer is allocated; until then its chunks are held (and
 * copied in once it is). So an allocation is at most 64 times what arrived, and
 * a large frame peaks at about 1 + 1/64 of its size (1/16 left 12.5 MB of held
 * chunks beside a 200 MB frame: 1.33x its size in the receiver, against a 1.3x
 * bar with Node's own ~52 MB in it).
 */
const BODY_CLAIM_RATIO = 64;
/**
 * `readTarget()` offers a body's rest only from this size on: a smaller direct
 * read would cost a read call of its own for a few bytes that the next ordinary
 * read (header and start of the next frame included) brings anyway.
 */
const MIN_READ_TARGET = 8 * 1024;
/**
 * With `reuseBodies()`, bodies up to this size that are assembled from several
 * chunks go into one buffer the decoder keeps; larger ones get memory of their own.
 */
const SCRATCH_MAX = 256 * 1024;

/** Decodes ZMTP frames from a byte stream; see the module doc. */
export class FrameDecoder {
  /** Per-frame size limit; may be changed at any time (e.g. after the handshake). */
  maxMessageSize: number | undefined;

  readonly #onFrame: FrameHandler;
  /** The received chunks not yet consumed. */
  readonly #queue = new ChunkQueue();
  /** Size of the frame whose header has been consumed, or -1 while reading headers. */
  #bodySize = -1;
  #bodyFlags = 0;
  /** The current frame's final buffer, once allocated; `#filled` bytes of it are written. */
  #body: Uint8Array | undefined;
  #filled = 0;
  #paused = false;
  #running = false;
  #error: WireError | undefined;
  readonly #allocate: Allocate;
  /** Memory for bodies assembled from several chunks: `#allocate`, or the scratch buffer. */
  #bodyAllocate: Allocate;
  #scratch: Uint8Array | undefined;
  /** `reuseBodies()` was called: bodies not in memory of their own are `reused`. */
  #reusing = false;
  /** In that mode, the body last given memory of its own (too large for the scratch buffer). */
  #ownBody: Uint8Array | undefined;
  /** In that mode, the last body delivered had memory of its own (see `largeBodies`). */
  #largeBodies = false;

  /**
   * A decoder that calls `onFrame(body, flags)` for every whole frame; a handler
   * returning `false` pauses delivery until `resume()`.
   */
  constructor(onFrame: FrameHandler, options: FrameDecoderOptions = {}) {
    this.#onFrame = onFrame;
    this.maxMessageSize = options.maxMessageSize;
    this.#allocate = options.allocate ?? allocateZeroed;
    this.#bodyAllocate = this.#allocate;
  }

  /**
   * From now on the frame handler copies out every body it keeps before it
   * returns when it is told the body is `reused` (a MESSAGE codec that then
   * decrypts into memory of its own): a body assembled from several chunks (up
   * to 256 KiB) goes into one buffer this decoder reuses for every such frame,
   * where it was fresh memory per frame. A larger one still gets memory of its
   * own, and is not `reused`. One-way.
   */
  reuseBodies(): void {
    this.#reusing = true;
    this.#bodyAllocate = (size) => {
      if (size > SCRATCH_MAX) {
        const own = this.#allocate(size);
        this.#ownBody = own;
        return own;
      }
      let scratch = this.#scratch;
      if (scratch === undefined || scratch.length < size) {
        // Grown in steps, so frames of slowly rising sizes do not reallocate each time.
        const grown = Math.min(SCRATCH_MAX, Math.max(size, (scratch?.length ?? 0) * 2));
        scratch = this.#allocate(grown);
        this.#scratch = scratch;
      }
      return scratch.length === size ? scratch : scratch.subarray(0, size);
    };
  }

  /**
   * After `reuseBodies()`: the last frame delivered was too large for the reused
   * buffer and came in memory of its own (its body read straight into it).
   */
  get largeBodies(): boolean {
    return this.#largeBodies;
  }

  /**
   * True while received bytes wait in the decoder as chunks pushed to it (a
   * partial header or body not yet in its own memory, or input held while
   * paused); a body being filled in memory of the decoder's does not count.
   */
  get holdsChunks(): boolean {
    return this.#queue.buffered !== 0;
  }

  /** True after the handler returned `false`, until `resume()`. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Bytes received and not yet consumed (partial headers and bodies, paused input). */
  get bufferedBytes(): number {
    return this.#queue.buffered + this.#filled;
  }

  /**
   * Appends `chunk` and delivers every complete frame synchronously (nothing while
   * paused). Returns the error that failed the decoder, if any; a failed decoder
   * returns the same error forever and delivers nothing.
   */
  push(chunk: Uint8Array): WireError | undefined {
    if (this.#error !== undefined) return this.#error;
    if (chunk.length === 0) return undefined;
    const body = this.#body;
    if (
      body !== undefined &&
      this.#queue.buffered === 0 &&
      chunk.buffer === body.buffer &&
      chunk.byteOffset === body.byteOffset + this.#filled &&
      chunk.length <= body.length - this.#filled
    ) {
      // Read straight into the body (see readTarget): already in place.
      this.#filled += chunk.length;
      if (this.#paused || this.#running) return undefined;
      return this.#run();
    }
    this.#queue.push(chunk);
    if (this.#paused || this.#running) return undefined;
    return this.#run();
  }

  /**
   * The memory the next received bytes belong in, when that is the unfilled rest
   * of a body being received (its buffer allocated, nothing else queued, at least
   * 8 KiB to go); `undefined` otherwise. A transport may read into it and pass
   * `push` a view of the bytes it wrote there (same memory, from its start):
   * they are taken without a copy. Valid until the next `push`.
   */
  readTarget(): Uint8Array | undefined {
    const body = this.#body;
    if (body === undefined || this.#queue.buffered !== 0 || this.#error !== undefined)
      return undefined;
    if (body.length - this.#filled < MIN_READ_TARGET) return undefined;
    return body.subarray(this.#filled);
  }

  /** Stops delivering frames (input is still queued) until `resume()`. */
  pause(): void {
    this.#paused = true;
  }

  /** Continues after the handler returned `false` or `pause()`. */
  resume(): WireError | undefined {
    if (this.#error !== undefined) return this.#error;
    this.#paused = false;
    if (this.#running) return undefined;
    return this.#run();
  }

  #run(): WireError | undefined {
    this.#running = true;
    try {
      return this.#loop();
    } finally {
      this.#running = false;
    }
  }

  #loop(): WireError | undefined {
    const queue = this.#queue;
    while (!this.#paused) {
      if (this.#bodySize >= 0) {
        // A header was consumed: receive its body, then deliver it.
        const size = this.#bodySize;
        let body = this.#body;
        if (body === undefined) {
          if (queue.buffered >= size) {
            // All here: a view when it lies in one chunk, else one copy.
            const taken = queue.take(size, this.#bodyAllocate);
            if (taken === undefined) return this.#fail(size);
            this.#bodySize = -1;
            this.#deliver(taken, this.#bodyFlags);
            continue;
          }
          // Within an explicit limit the body is allocated now; with none, the
          // chunks are held until the peer has sent enough to justify the claim.
          const max = this.maxMessageSize;
          const limited = max !== undefined && max >= 0;
          if (!limited && queue.buffered * BODY_CLAIM_RATIO < size) return undefined;
          body = tryAllocate(this.#bodyAllocate, size);
          if (body === undefined) return this.#fail(size);
          this.#body = body;
          this.#filled = 0;
        }
        this.#filled = queue.fill(body, this.#filled);
        if (this.#filled < size) return undefined;
        this.#body = undefined;
        this.#filled = 0;
        this.#bodySize = -1;
        this.#deliver(body, this.#bodyFlags);
        continue;
      }
      if (queue.buffered === 0) return undefined;

      const chunk = queue.chunks[queue.head]!;
      const offset = queue.offset;
      const available = chunk.length - offset;
      const raw = chunk[offset]!;
      let size: number;
      let headerSize: number;
      if ((raw & LONG) === 0) {
        if (available >= 2) {
          size = chunk[offset + 1]!;
          // Fast path: a short frame lying entirely within this chunk.
          if (available >= 2 + size) {
            const max = this.maxMessageSize;
            if (max !== undefined && max >= 0 && size > max) return this.#fail(size);
            const end = offset + 2 + size;
            queue.buffered -= 2 + size;
            if (end === chunk.length) queue.nextChunk();
            else queue.offset = end;
            // An empty frame (a REQ/REP delimiter) needs no view of the chunk.
            this.#deliver(size === 0 ? EMPTY : chunk.subarray(offset + 2, end), raw & FLAG_MASK);
            continue;
          }
        } else {
          if (queue.buffered < 2) return undefined;
          size = queue.peek(2, HEADER_SCRATCH)[1]!;
        }
        headerSize = 2;
      } else {
        let high: number;
        let low: number;
        if (available >= 9) {
          high =
            ((chunk[offset + 1]! << 24) |
              (chunk[offset + 2]! << 16) |
              (chunk[offset + 3]! << 8) |
              chunk[offset + 4]!) >>>
            0;
          low =
            ((chunk[offset + 5]! << 24) |
              (chunk[offset + 6]! << 16) |
              (chunk[offset + 7]! << 8) |
              chunk[offset + 8]!) >>>
            0;
        } else {
          if (queue.buffered < 9) return undefined;
          const header = queue.peek(9, HEADER_SCRATCH);
          high = ((header[1]! << 24) | (header[2]! << 16) | (header[3]! << 8) | header[4]!) >>> 0;
          low = ((header[5]! << 24) | (header[6]! << 16) | (header[7]! << 8) | header[8]!) >>> 0;
        }
        if (high >= HIGH_LIMIT) return this.#fail(Number.POSITIVE_INFINITY);
        size = high * TWO_POW_32 + low;
        headerSize = 9;
      }
      const max = this.maxMessageSize;
      if (max !== undefined && max >= 0 && size > max) return this.#fail(size);
      queue.skip(headerSize);
      const flags = raw & FLAG_MASK;
      if (size === 0) {
        this.#deliver(EMPTY, flags);
        continue;
      }
      this.#bodySize = size;
      this.#bodyFlags = flags;
    }
    return undefined;
  }

  #deliver(body: Uint8Array, flags: number): void {
    let reused = false;
    if (this.#reusing) {
      reused = body !== this.#ownBody;
      this.#largeBodies = !reused;
      this.#ownBody = undefined;
    }
    if (this.#onFrame(body, flags, reused) === false) this.#paused = true;
  }

  #fail(size: number): WireError {
    const limit = this.maxMessageSize;
    let message: string;
    if (size === Number.POSITIVE_INFINITY) message = "frame size of 2^53 bytes or more";
    else if (limit !== undefined && limit >= 0 && size > limit) {
      message = `frame of ${size} bytes exceeds maxMessageSize ${limit}`;
    } else message = `frame of ${size} bytes cannot be allocated`;
    const error = new WireError("EMSGSIZE", "frame-too-large", message);
    this.#error = error;
    this.#queue.clear();
    this.#bodySize = -1;
    this.#body = undefined;
    this.#filled = 0;
    return error;
  }
}
