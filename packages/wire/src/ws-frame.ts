/**
 * RFC 6455 WebSocket framing, sans-I/O: an incremental decoder that checks
 * every length before allocating, unmasks, reassembles fragmented messages and
 * passes control frames (close, ping, pong) through even between the fragments
 * of a message; and encoders for both ends (a client masks with a key it draws
 * from injected randomness, a server never masks).
 *
 * Only binary data is accepted: ZWS 2.0 carries nothing else, and libzmq
 * rejects text frames too. No extension is ever negotiated, so the RSV bits
 * must be zero.
 */

import { type Allocate, allocateZeroed } from "./bytes";
import { ChunkQueue, tryAllocate } from "./chunk-queue";
import { ProtocolError, WireError } from "./errors";

/** Frame opcodes (RFC 6455 §5.2). */
export const WsOpcode = {
  /** A further fragment of the message in progress. */
  CONTINUATION: 0x0,
  /** A text message (ZWS does not use them; the decoder reports them as protocol errors). */
  TEXT: 0x1,
  /** A binary message (every ZWS message). */
  BINARY: 0x2,
  /** Close the connection (the payload may carry a status code and reason). */
  CLOSE: 0x8,
  /** A ping; the peer answers with a pong carrying the same payload. */
  PING: 0x9,
  /** The answer to a ping. */
  PONG: 0xa,
} as const;

/** A control frame's opcode. */
export type WsControlOpcode = 0x8 | 0x9 | 0xa;

/** The largest payload a control frame may carry (RFC 6455 §5.5). */
export const WS_MAX_CONTROL_PAYLOAD = 125;

/** Fills `target` with random bytes (masking keys, handshake nonces). */
export type RandomFill = (target: Uint8Array) => void;

/** `crypto.getRandomValues` from the global scope (Node 20+, browsers, Deno, Bun). */
export const defaultRandomFill: RandomFill = (target) => {
  globalThis.crypto.getRandomValues(target);
};

/** The settings of a {@link WsFrameDecoder}. */
export interface WsFrameDecoderOptions {
  /**
   * True on the server end: every frame from a client must be masked. False on
   * the client end: frames from a server must not be. A frame the other way is
   * a protocol error (RFC 6455 §5.1).
   */
  expectMasked: boolean;
  /**
   * Largest payload of a whole data message (all its fragments together), in
   * bytes; checked before anything is allocated. `undefined` or -1 = unlimited.
   */
  maxMessageSize?: number;
  /** Memory for payloads that straddle chunks and for reassembled messages. */
  allocate?: Allocate;
}

/** What the decoder delivers. Either callback may return `false` to pause delivery. */
export interface WsFrameHandler {
  /** A whole binary message (reassembled when it came in fragments); may be empty. */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `(m) => { ... }` be a handler.
  message(payload: Uint8Array): boolean | undefined | void;
  /** A close, ping or pong frame with its (unmasked) payload of at most 125 bytes. */
  // biome-ignore lint/suspicious/noConfusingVoidType: as above.
  control(opcode: WsControlOpcode, payload: Uint8Array): boolean | undefined | void;
}

const EMPTY = new Uint8Array(0);
const TWO_POW_32 = 0x1_0000_0000;
/** A high word at or above this means a length of 2^53 or more. */
const HIGH_LIMIT = 0x20_0000;

function protocolError(message: string): WireError {
  return new WireError("EPROTO", "malformed-frame", message, {
    protocolError: ProtocolError.WS_UNSPECIFIED,
  });
}

/** True when a Uint32Array reads bytes little-endian (every platform Node and browsers run on). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** XORs `data` in place with `mask`, starting at mask index `start`. */
export function applyMask(data: Uint8Array, mask: Uint8Array, start = 0): void {
  maskRange(data, 0, data.length, mask, start);
}

/**
 * XORs `data[from..to)` in place with `mask`, the byte at `from` taking mask
 * index `start`. Allocates nothing; whole 32-bit words where it pays.
 */
export function maskRange(
  data: Uint8Array,
  from: number,
  to: number,
  mask: Uint8Array,
  start = 0,
): void {
  const m0 = mask[start & 3]!;
  const m1 = mask[(start + 1) & 3]!;
  const m2 = mask[(start + 2) & 3]!;
  const m3 = mask[(start + 3) & 3]!;
  let i = from;
  if (LITTLE_ENDIAN && to - from >= 64) {
    // Bytes up to a 4-byte boundary one by one, then whole words, then the tail.
    const skew = (4 - ((data.byteOffset + i) & 3)) & 3;
    for (let k = 0; k < skew; k++, i++) data[i] = data[i]! ^ mask[(start + k) & 3]!;
    const phase = start + skew;
    const word =
      (mask[phase & 3]! |
        (mask[(phase + 1) & 3]! << 8) |
        (mask[(phase + 2) & 3]! << 16) |
        (mask[(phase + 3) & 3]! << 24)) >>>
      0;
    const count = (to - i) >>> 2;
    const words = new Uint32Array(data.buffer, data.byteOffset + i, count);
    for (let w = 0; w < count; w++) words[w] = words[w]! ^ word;
    i += count * 4;
    for (let k = 0; i < to; k++, i++) data[i] = data[i]! ^ mask[(phase + k) & 3]!;
    return;
  }
  for (; i + 3 < to; i += 4) {
    data[i] = data[i]! ^ m0;
    data[i + 1] = data[i + 1]! ^ m1;
    data[i + 2] = data[i + 2]! ^ m2;
    data[i + 3] = data[i + 3]! ^ m3;
  }
  if (i < to) data[i] = data[i++]! ^ m0;
  if (i < to) data[i] = data[i++]! ^ m1;
  if (i < to) data[i] = data[i]! ^ m2;
}

/**
 * With no `maxMessageSize`, a data frame's payload buffer is allocated once
 * 1/64 of the payload has arrived (until then its chunks are held), so a peer
 * can make the decoder allocate at most 64 times what it has sent; a large
 * payload then peaks at about 1 + 1/64 of its size (as `FrameDecoder`).
 */
const PAYLOAD_CLAIM_RATIO = 64;
/** `readTarget()` offers a payload's rest only from this size on (as `FrameDecoder`). */
const MIN_READ_TARGET = 8 * 1024;

/**
 * Decodes WebSocket frames from a byte stream. Chunks are queued as they
 * arrive; the decoder owns them: a payload lying within one chunk is delivered
 * as a view of it (unmasked in place). A data payload that straddles chunks is
 * received into its final buffer as it arrives (unmasked as it goes): with a
 * `maxMessageSize` the buffer is allocated when the header is read, without
 * one once 1/64 of the payload is here; `readTarget()` then offers the rest of
 * it for reads straight into place. So a big message costs about its own size,
 * not its chunks plus a copy. (Fragments of one message are joined at the end:
 * libzmq and browsers send each ZWS message as one frame.) Errors are returned
 * as values; after one, the decoder is dead and returns the same error forever.
 */
export class WsFrameDecoder {
  /** Limit on a whole data message's payload; may be changed at any time. */
  maxMessageSize: number | undefined;
  readonly #handler: WsFrameHandler;
  readonly #expectMasked: boolean;
  readonly #allocate: Allocate;
  /** The received chunks not yet consumed. */
  readonly #queue = new ChunkQueue();
  /** Header of the frame whose payload is awaited, or undefined while reading a header. */
  /** Payload size of the frame whose header was read, or -1 while reading a header. */
  #size = -1;
  #opcode = 0;
  #fin = false;
  #masked = false;
  /** The current frame's masking key (copied: the header bytes may be in a scratch buffer). */
  readonly #maskKey = new Uint8Array(4);
  /** Fragments of the data message in progress (undefined when none is). */
  #fragments: Uint8Array[] | undefined;
  #fragmentBytes = 0;
  /** The current data frame's payload buffer, once allocated; `#filled` bytes of it are in. */
  #body: Uint8Array | undefined;
  #filled = 0;
  #paused = false;
  #running = false;
  #error: WireError | undefined;
  readonly #scratch = new Uint8Array(14);

  /** A decoder that reports whole messages and control frames to `handler`. */
  constructor(handler: WsFrameHandler, options: WsFrameDecoderOptions) {
    this.#handler = handler;
    this.#expectMasked = options.expectMasked;
    this.maxMessageSize = options.maxMessageSize;
    this.#allocate = options.allocate ?? allocateZeroed;
  }

  /** True after a handler returned `false` or `pause()`, until `resume()`. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Bytes received and not yet delivered (queued chunks and a payload in progress). */
  get bufferedBytes(): number {
    return this.#queue.buffered + this.#filled;
  }

  /**
   * The memory the next received bytes belong in, when that is the unfilled rest
   * of a data payload being received (its buffer allocated, nothing else queued,
   * at least 8 KiB to go); `undefined` otherwise. A transport may read into it and
   * pass `push` a view of what it wrote there (same memory, from its start): it is
   * taken without a copy. Valid until the next `push`.
   */
  readTarget(): Uint8Array | undefined {
    const body = this.#body;
    if (body === undefined || this.#queue.buffered !== 0 || this.#error !== undefined)
      return undefined;
    if (body.length - this.#filled < MIN_READ_TARGET) return undefined;
    return body.subarray(this.#filled);
  }

  /** Appends `chunk` (now owned by the decoder) and delivers what is complete. */
  push(chunk: Uint8Array): WireError | undefined {
    if (this.#error !== undefined) return this.#error;
    if (chunk.length === 0) return undefined;
    const body = this.#body;
    const filled = this.#filled;
    if (
      body !== undefined &&
      this.#queue.buffered === 0 &&
      chunk.buffer === body.buffer &&
      chunk.byteOffset === body.byteOffset + filled &&
      chunk.length <= body.length - filled
    ) {
      // Read straight into the payload (see readTarget): unmask it in place.
      this.#filled = filled + chunk.length;
      if (this.#masked) maskRange(body, filled, this.#filled, this.#maskKey, filled);
      if (this.#paused || this.#running) return undefined;
      return this.#run();
    }
    this.#queue.push(chunk);
    if (this.#paused || this.#running) return undefined;
    return this.#run();
  }

  /** Stops delivering (input is still queued) until `resume()`. */
  pause(): void {
    this.#paused = true;
  }

  /** Delivers again; returns the error that failed the decoder, if any. */
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
      if (this.#size < 0) {
        if (queue.buffered < 2) return undefined;
        const two = queue.peek(2, this.#scratch);
        const b0 = two[0]!;
        const b1 = two[1]!;
        const len7 = b1 & 0x7f;
        const masked = (b1 & 0x80) !== 0;
        const headerSize = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
        if (queue.buffered < headerSize) {
          // Check what can be checked already, so a bad header fails early.
          const early = this.#checkStart(b0, masked);
          if (early !== undefined) return this.#fail(early);
          return undefined;
        }
        const header = queue.peek(headerSize, this.#scratch);
        const error = this.#checkStart(b0, masked);
        if (error !== undefined) return this.#fail(error);
        let size: number;
        let at = 2;
        if (len7 === 126) {
          size = (header[2]! << 8) | header[3]!;
          at = 4;
        } else if (len7 === 127) {
          const high =
            ((header[2]! << 24) | (header[3]! << 16) | (header[4]! << 8) | header[5]!) >>> 0;
          const low =
            ((header[6]! << 24) | (header[7]! << 16) | (header[8]! << 8) | header[9]!) >>> 0;
          if (high >= 0x8000_0000) {
            return this.#fail(protocolError("64-bit payload length with the high bit set"));
          }
          if (high >= HIGH_LIMIT) return this.#fail(this.#tooLarge(Number.POSITIVE_INFINITY));
          size = high * TWO_POW_32 + low;
          at = 10;
        } else {
          size = len7;
        }
        const opcode = b0 & 0x0f;
        const fin = (b0 & 0x80) !== 0;
        if (opcode >= 0x8) {
          if (size > WS_MAX_CONTROL_PAYLOAD) {
            return this.#fail(protocolError(`control frame with a ${size}-byte payload`));
          }
        } else {
          const max = this.maxMessageSize;
          const total = this.#fragmentBytes + size;
          if (max !== undefined && max >= 0 && total > max)
            return this.#fail(this.#tooLarge(total));
        }
        if (masked) {
          const key = this.#maskKey;
          key[0] = header[at]!;
          key[1] = header[at + 1]!;
          key[2] = header[at + 2]!;
          key[3] = header[at + 3]!;
        }
        queue.skip(headerSize);
        this.#size = size;
        this.#opcode = opcode;
        this.#fin = fin;
        this.#masked = masked;
      }
      const size = this.#size;
      let payload: Uint8Array;
      let body = this.#body;
      if (body === undefined && queue.buffered >= size) {
        // All here: a view when it lies in one chunk, else one copy.
        const taken = size === 0 ? EMPTY : queue.take(size, this.#allocate);
        if (taken === undefined) return this.#fail(this.#tooLarge(size));
        if (this.#masked) maskRange(taken, 0, size, this.#maskKey);
        payload = taken;
      } else {
        if (body === undefined) {
          // A control payload (at most 125 bytes) just waits for its bytes. A data
          // payload's buffer comes now within an explicit limit (the application
          // agreed to hold that much); with none, once the peer has sent 1/64 of it.
          if (this.#opcode >= 0x8) return undefined;
          const max = this.maxMessageSize;
          const limited = max !== undefined && max >= 0;
          if (!limited && queue.buffered * PAYLOAD_CLAIM_RATIO < size) return undefined;
          body = tryAllocate(this.#allocate, size);
          if (body === undefined) return this.#fail(this.#tooLarge(size));
          this.#body = body;
          this.#filled = 0;
        }
        const before = this.#filled;
        const filled = queue.fill(body, before);
        if (this.#masked && filled > before) maskRange(body, before, filled, this.#maskKey, before);
        this.#filled = filled;
        if (filled < size) return undefined;
        this.#body = undefined;
        this.#filled = 0;
        payload = body;
      }
      this.#size = -1;
      const fin = this.#fin;
      let result: unknown;
      if (this.#opcode >= 0x8) {
        result = this.#handler.control(this.#opcode as WsControlOpcode, payload);
      } else if (fin && this.#fragments === undefined) {
        result = this.#handler.message(payload);
      } else {
        this.#fragments ??= [];
        const fragments = this.#fragments;
        if (payload.length > 0) fragments.push(payload);
        this.#fragmentBytes += payload.length;
        if (!fin) continue;
        const total = this.#fragmentBytes;
        const whole = this.#join(fragments, total);
        this.#fragments = undefined;
        this.#fragmentBytes = 0;
        if (whole === undefined) return this.#fail(this.#tooLarge(total));
        result = this.#handler.message(whole);
      }
      if (result === false) this.#paused = true;
    }
    return undefined;
  }

  /** Checks the first header byte and the mask bit. */
  #checkStart(b0: number, masked: boolean): WireError | undefined {
    if ((b0 & 0x70) !== 0) return protocolError("reserved bits set (no extension was negotiated)");
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    switch (opcode) {
      case WsOpcode.BINARY:
        if (this.#fragments !== undefined) {
          return protocolError("a new message started inside a fragmented one");
        }
        break;
      case WsOpcode.CONTINUATION:
        if (this.#fragments === undefined) {
          return protocolError("continuation frame without a message to continue");
        }
        break;
      case WsOpcode.TEXT:
        return protocolError("text frame (ZWS carries binary messages only)");
      case WsOpcode.CLOSE:
      case WsOpcode.PING:
      case WsOpcode.PONG:
        if (!fin) return protocolError("fragmented control frame");
        break;
      default:
        return protocolError(`reserved opcode 0x${opcode.toString(16)}`);
    }
    if (masked !== this.#expectMasked) {
      return protocolError(
        this.#expectMasked ? "unmasked frame from a client" : "masked frame from a server",
      );
    }
    return undefined;
  }

  #join(parts: Uint8Array[], total: number): Uint8Array | undefined {
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1) return parts[0]!;
    const out = tryAllocate(this.#allocate, total);
    if (out === undefined) return undefined;
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  #tooLarge(size: number): WireError {
    const limit = this.maxMessageSize;
    let message: string;
    if (size === Number.POSITIVE_INFINITY) message = "WebSocket payload length of 2^53 or more";
    else if (limit !== undefined && limit >= 0 && size > limit) {
      message = `WebSocket message of ${size} bytes exceeds the limit of ${limit}`;
    } else message = `WebSocket payload of ${size} bytes cannot be allocated`;
    return new WireError("EMSGSIZE", "frame-too-large", message);
  }

  #fail(error: WireError): WireError {
    this.#error = error;
    this.#queue.clear();
    this.#size = -1;
    this.#body = undefined;
    this.#filled = 0;
    this.#fragments = undefined;
    this.#fragmentBytes = 0;
    return error;
  }
}

/** Bytes of a frame header for a payload of `length` bytes, with or without a mask. */
export function wsHeaderSize(length: number, masked: boolean): number {
  return (length <= 125 ? 2 : length <= 0xffff ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes a frame header at `offset` of `target` (which must have room for
 * `wsHeaderSize`) and returns the offset after it. With `mask`, the mask bit is
 * set and the 4-byte key follows the length.
 */
export function writeWsHeader(
  target: Uint8Array,
  offset: number,
  opcode: number,
  length: number,
  mask?: Uint8Array,
  fin = true,
): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new WireError("EINVAL", "invalid-argument", `invalid WebSocket payload length ${length}`);
  }
  target[offset++] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  const maskBit = mask === undefined ? 0 : 0x80;
  if (length <= 125) {
    target[offset++] = maskBit | length;
  } else if (length <= 0xffff) {
    target[offset++] = maskBit | 126;
    target[offset++] = length >>> 8;
    target[offset++] = length & 0xff;
  } else {
    const high = Math.floor(length / TWO_POW_32);
    const low = length >>> 0;
    target[offset++] = maskBit | 127;
    target[offset++] = high >>> 24;
    target[offset++] = (high >>> 16) & 0xff;
    target[offset++] = (high >>> 8) & 0xff;
    target[offset++] = high & 0xff;
    target[offset++] = low >>> 24;
    target[offset++] = (low >>> 16) & 0xff;
    target[offset++] = (low >>> 8) & 0xff;
    target[offset++] = low & 0xff;
  }
  if (mask !== undefined) {
    target.set(mask.subarray(0, 4), offset);
    offset += 4;
  }
  return offset;
}

/**
 * Encodes one whole frame whose payload is `parts` joined. Unmasked, the parts
 * are returned uncopied after the header (for a vectored write); masked, they
 * are copied into one masked payload (the caller's bytes are never changed).
 */
export function encodeWsFrame(
  opcode: number,
  parts: readonly Uint8Array[],
  mask?: Uint8Array,
  fin = true,
): Uint8Array[] {
  let length = 0;
  for (const part of parts) length += part.length;
  const headerSize = wsHeaderSize(length, mask !== undefined);
  if (mask === undefined) {
    const header = new Uint8Array(headerSize);
    writeWsHeader(header, 0, opcode, length, undefined, fin);
    return [header, ...parts.filter((p) => p.length > 0)];
  }
  const out = new Uint8Array(headerSize + length);
  let at = writeWsHeader(out, 0, opcode, length, mask, fin);
  const start = at;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  applyMask(out.subarray(start), mask);
  return [out];
}
