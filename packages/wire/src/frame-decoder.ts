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
import { WireError } from "./errors";
import { FrameFlags } from "./frame";

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
 * the chunk's lifetime if the chunk's memory is reused. Return `false` to pause.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: lets `(body) => { ... }` be a handler.
export type FrameHandler = (body: Uint8Array, flags: number) => boolean | undefined | void;

const FLAG_MASK = FrameFlags.MORE | FrameFlags.COMMAND;
const LONG = FrameFlags.LONG;
const TWO_POW_32 = 0x1_0000_0000;
/** High word at or above this means the size is >= 2^53. */
const HIGH_LIMIT = 0x20_0000;
const EMPTY = new Uint8Array(0);

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

/** Decodes ZMTP frames from a byte stream; see the module doc. */
export class FrameDecoder {
  /** Per-frame size limit; may be changed at any time (e.g. after the handshake). */
  maxMessageSize: number | undefined;

  readonly #onFrame: FrameHandler;
  /** Queued chunks; `#chunks[#head]` is the current one, read from `#offset`. */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  /** Unconsumed bytes in the queue. */
  #buffered = 0;
  /** Size of the frame whose header has been consumed, or -1 while reading headers. */
  #bodySize = -1;
  #bodyFlags = 0;
  /** The current frame's final buffer, once allocated; `#filled` bytes of it are written. */
  #body: Uint8Array | undefined;
  #filled = 0;
  #paused = false;
  #running = false;
  #error: WireError | undefined;
  /** Scratch space for a header split across chunks. */
  readonly #header = new Uint8Array(9);
  readonly #allocate: Allocate;

  constructor(onFrame: FrameHandler, options: FrameDecoderOptions = {}) {
    this.#onFrame = onFrame;
    this.maxMessageSize = options.maxMessageSize;
    this.#allocate = options.allocate ?? allocateZeroed;
  }

  /** True after the handler returned `false`, until `resume()`. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Bytes received and not yet consumed (partial headers and bodies, paused input). */
  get bufferedBytes(): number {
    return this.#buffered + this.#filled;
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
      this.#buffered === 0 &&
      chunk.buffer === body.buffer &&
      chunk.byteOffset === body.byteOffset + this.#filled &&
      chunk.length <= body.length - this.#filled
    ) {
      // Read straight into the body (see readTarget): already in place.
      this.#filled += chunk.length;
      if (this.#paused || this.#running) return undefined;
      return this.#run();
    }
    const chunks = this.#chunks;
    if (this.#head > 32 && this.#head * 2 > chunks.length) {
      chunks.copyWithin(0, this.#head);
      chunks.length -= this.#head;
      this.#head = 0;
    }
    chunks.push(chunk);
    this.#buffered += chunk.length;
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
    if (body === undefined || this.#buffered !== 0 || this.#error !== undefined) return undefined;
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
    while (!this.#paused) {
      if (this.#bodySize >= 0) {
        // A header was consumed: receive its body, then deliver it.
        const size = this.#bodySize;
        let body = this.#body;
        if (body === undefined) {
          if (this.#buffered >= size) {
            // All here: a view when it lies in one chunk, else one copy.
            const taken = this.#take(size);
            if (taken === undefined) return this.#fail(size);
            this.#bodySize = -1;
            this.#deliver(taken, this.#bodyFlags);
            continue;
          }
          // Within an explicit limit the body is allocated now; with none, the
          // chunks are held until the peer has sent enough to justify the claim.
          const max = this.maxMessageSize;
          const limited = max !== undefined && max >= 0;
          if (!limited && this.#buffered * BODY_CLAIM_RATIO < size) return undefined;
          body = this.#allocateBody(size);
          if (body === undefined) return this.#fail(size);
          this.#body = body;
          this.#filled = 0;
        }
        this.#fill(body);
        if (this.#filled < size) return undefined;
        this.#body = undefined;
        this.#filled = 0;
        this.#bodySize = -1;
        this.#deliver(body, this.#bodyFlags);
        continue;
      }
      if (this.#buffered === 0) return undefined;

      const chunk = this.#chunks[this.#head]!;
      const offset = this.#offset;
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
            this.#buffered -= 2 + size;
            if (end === chunk.length) this.#nextChunk();
            else this.#offset = end;
            this.#deliver(chunk.subarray(offset + 2, end), raw & FLAG_MASK);
            continue;
          }
        } else {
          if (this.#buffered < 2) return undefined;
          this.#peek(2);
          size = this.#header[1]!;
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
          if (this.#buffered < 9) return undefined;
          const header = this.#peek(9);
          high = ((header[1]! << 24) | (header[2]! << 16) | (header[3]! << 8) | header[4]!) >>> 0;
          low = ((header[5]! << 24) | (header[6]! << 16) | (header[7]! << 8) | header[8]!) >>> 0;
        }
        if (high >= HIGH_LIMIT) return this.#fail(Number.POSITIVE_INFINITY);
        size = high * TWO_POW_32 + low;
        headerSize = 9;
      }
      const max = this.maxMessageSize;
      if (max !== undefined && max >= 0 && size > max) return this.#fail(size);
      this.#skip(headerSize);
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
    if (this.#onFrame(body, flags) === false) this.#paused = true;
  }

  #nextChunk(): void {
    this.#chunks[this.#head] = EMPTY;
    this.#head++;
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    }
  }

  /** Copies the next `n` (<= 9) queued bytes into the header scratch, unconsumed. */
  #peek(n: number): Uint8Array {
    const header = this.#header;
    let index = this.#head;
    let offset = this.#offset;
    for (let i = 0; i < n; i++) {
      let chunk = this.#chunks[index]!;
      while (offset >= chunk.length) {
        index++;
        offset = 0;
        chunk = this.#chunks[index]!;
      }
      header[i] = chunk[offset++]!;
    }
    return header;
  }

  /** Drops the next `n` queued bytes (n <= bufferedBytes). */
  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const chunk = this.#chunks[this.#head]!;
      const available = chunk.length - this.#offset;
      if (n < available) {
        this.#offset += n;
        return;
      }
      n -= available;
      this.#nextChunk();
    }
  }

  /**
   * Consumes the next `n` (> 0, <= bufferedBytes) bytes: a view when they lie in
   * one chunk, else one copy. `undefined` if the copy cannot be allocated.
   */
  #take(n: number): Uint8Array | undefined {
    const first = this.#chunks[this.#head]!;
    const offset = this.#offset;
    if (first.length - offset >= n) {
      this.#skip(n);
      return first.subarray(offset, offset + n);
    }
    const out = this.#allocateBody(n);
    if (out === undefined) return undefined;
    this.#filled = 0;
    this.#fill(out);
    this.#filled = 0;
    return out;
  }

  /** `undefined` when the memory cannot be had (a RangeError): EMSGSIZE. */
  #allocateBody(n: number): Uint8Array | undefined {
    try {
      return this.#allocate(n);
    } catch (error) {
      if (error instanceof RangeError) return undefined;
      throw error;
    }
  }

  /** Moves queued bytes into `body` from `#filled` on, up to its end. */
  #fill(body: Uint8Array): void {
    const n = body.length;
    let filled = this.#filled;
    while (filled < n && this.#buffered > 0) {
      const chunk = this.#chunks[this.#head]!;
      const start = this.#offset;
      const count = Math.min(n - filled, chunk.length - start);
      body.set(
        start === 0 && count === chunk.length ? chunk : chunk.subarray(start, start + count),
        filled,
      );
      filled += count;
      this.#skip(count);
    }
    this.#filled = filled;
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
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#buffered = 0;
    this.#bodySize = -1;
    this.#body = undefined;
    this.#filled = 0;
    return error;
  }
}
