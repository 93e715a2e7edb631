/**
 * The data phase of CURVE: every frame, and every command after READY, travels
 * as `\x07MESSAGE short-nonce(8) Box[flags(1) ‖ body]` under the precomputed
 * connection key (libzmq `curve_encoding_t`).
 *
 * - Nonces: 16-byte prefix `CurveZMQMESSAGEC` (client → server) or
 *   `CurveZMQMESSAGES` (server → client) ‖ a 64-bit big-endian counter.
 * - Inner flags are libzmq's msg_t bits: 0x01 MORE, **0x02 COMMAND** (not ZMTP's 0x04).
 * - [!] The outer ZMTP frame is a *message* frame (flags 00, or 02 when long),
 *   as libzmq sends it; the decoder accepts it whatever the frame flags say.
 * - The receiver requires each short nonce to be strictly greater than the last
 *   (gaps allowed): a replayed or reordered MESSAGE fails the connection with
 *   `ZMTP_INVALID_SEQUENCE`; one that does not authenticate with `ZMTP_CRYPTOGRAPHIC`.
 */
import {
  type Allocate,
  allocateZeroed,
  FrameFlags,
  type FrameTransform,
  ProtocolError,
  type TransformedFrame,
  WireError,
} from "@zmq/wire";
import { openFrame, sealFrameInto } from "./nacl";

const MESSAGE = [7, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45]; // \x07MESSAGE
const HEADER = 16; // "\x07MESSAGE" + short nonce
const MAC = 16;
const INNER_MORE = 0x01;
const INNER_COMMAND = 0x02;
/**
 * MESSAGE bodies from this size up are opened in place, the plaintext left as a
 * view of the received frame; smaller ones get memory of their own (a small
 * view could keep a shared read buffer alive).
 */
const IN_PLACE_BYTES = 4096;
/**
 * Sealed MESSAGE frames from this size up are kept for reuse once written
 * (`release`): a fresh allocation per large frame costs page faults and garbage
 * collections that, on the sending side, weighed as much as the cipher.
 */
const REUSE_BYTES = 4096;
/**
 * What one connection keeps for reuse at most: buffers and bytes. A tcp
 * connection buffers up to 1 MiB of writes before it pushes back, and a pump turn
 * seals 256 KiB more, so some 20 sealed 64 KiB frames can be out at once: with
 * room for only 16, every burst dropped a few on release and sealed a few into
 * fresh memory (~200 fresh 64 KiB frames a second, 16 page faults each).
 */
const POOL_BUFFERS = 64;
const POOL_BYTES = 8 * 1024 * 1024;

export function nonceWithPrefix(prefix: string): Uint8Array {
  const nonce = new Uint8Array(24);
  for (let i = 0; i < 16; i++) nonce[i] = prefix.charCodeAt(i);
  return nonce;
}

/** A 64-bit counter as two 32-bit halves, so it never loses precision. */
export class NonceCounter {
  hi = 0;
  lo = 0;
  constructor(start = 0) {
    this.lo = start;
  }
  /** Returns the current value written to `out[at..at+8)` and increments. */
  next(out: Uint8Array, at: number): void {
    writeU64(out, at, this.hi, this.lo);
    this.lo = (this.lo + 1) >>> 0;
    if (this.lo === 0) this.hi = (this.hi + 1) >>> 0;
  }
}

export function writeU64(out: Uint8Array, at: number, hi: number, lo: number): void {
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 0xff;
  out[at + 2] = (hi >>> 8) & 0xff;
  out[at + 3] = hi & 0xff;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

function malformed(message: string, protocolError: number, reason: WireError["reason"]): WireError {
  return new WireError("EPROTO", reason, message, { protocolError });
}

export class CurveCodec implements FrameTransform {
  readonly #key: Uint8Array;
  readonly #sendNonce: Uint8Array;
  readonly #receiveNonce: Uint8Array;
  readonly #counter: NonceCounter;
  #peerHi: number;
  #peerLo: number;
  readonly #allocate: Allocate;
  /** Written sealed frames whose memory `encode` may reuse, and their total size. */
  #free: Uint8Array[] = [];
  #freeBytes = 0;
  /** Sealed frames handed out for writing (the view `encode` returned → its whole buffer). */
  readonly #lent = new WeakMap<Uint8Array, Uint8Array>();
  /** `decode` opens every frame into memory of its own (see `copyOut`). */
  #copyOut = false;

  /**
   * `key`: the precomputed connection key. `sendPrefix`/`receivePrefix`: the
   * nonce prefixes by direction. `nextNonce`: the next short nonce to send.
   * `peerHi/peerLo`: the last short nonce the peer used (its READY or INITIATE).
   * `allocate`: memory for sealed frames and opened bodies (see @zmq/wire `Allocate`).
   */
  constructor(
    key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    counter: NonceCounter,
    peerHi: number,
    peerLo: number,
    allocate: Allocate = allocateZeroed,
  ) {
    this.#allocate = allocate;
    this.#key = key;
    this.#sendNonce = nonceWithPrefix(sendPrefix);
    this.#receiveNonce = nonceWithPrefix(receivePrefix);
    this.#counter = counter;
    this.#peerHi = peerHi;
    this.#peerLo = peerLo;
  }

  /**
   * From now on a large MESSAGE whose memory the connection reuses (`decode`'s
   * `reused`) is opened into memory of its own, as small ones always are,
   * instead of over its ciphertext (`FrameTransform.copyOut`).
   */
  copyOut(): void {
    this.#copyOut = true;
  }

  /** Seals one frame into a CURVE MESSAGE command (the MORE/COMMAND flags travel inside it). */
  encode(body: Uint8Array, flags: number): TransformedFrame {
    const size = this.encodedLength(body.length);
    const out = size >= REUSE_BYTES ? this.#lend(size) : this.#allocate(size);
    this.encodeInto(body, flags, out);
    return { body: out, flags: 0 };
  }

  /** The size of the MESSAGE command sealing a frame of `length` bytes. */
  encodedLength(length: number): number {
    return HEADER + MAC + 1 + length;
  }

  /**
   * Seals one frame into `target` (exactly `encodedLength(body.length)` bytes,
   * e.g. the connection's output slab): no memory of its own and no copy of
   * the sealed frame.
   */
  encodeInto(body: Uint8Array, flags: number, target: Uint8Array): void {
    const inner =
      ((flags & FrameFlags.MORE) !== 0 ? INNER_MORE : 0) |
      ((flags & FrameFlags.COMMAND) !== 0 ? INNER_COMMAND : 0);
    const nonce = this.#sendNonce;
    this.#counter.next(nonce, 16);
    for (let i = 0; i < 8; i++) target[i] = MESSAGE[i]!;
    for (let i = 16; i < 24; i++) target[i - 8] = nonce[i]!;
    sealFrameInto(inner, body, nonce, this.#key, target, HEADER);
  }

  /**
   * The connection wrote these chunks: the sealed frames among them go back to
   * the pool (up to its limits; the rest is left to the garbage collector).
   */
  release(chunks: readonly Uint8Array[]): void {
    for (let i = 0; i < chunks.length; i++) {
      const whole = this.#lent.get(chunks[i]!);
      if (whole === undefined) continue;
      this.#lent.delete(chunks[i]!);
      const full = this.#free.length >= POOL_BUFFERS || this.#freeBytes + whole.length > POOL_BYTES;
      if (full) continue;
      this.#free.push(whole);
      this.#freeBytes += whole.length;
    }
  }

  /** Memory for a sealed frame of `size` bytes: a written one of about that size, or new. */
  #lend(size: number): Uint8Array {
    const free = this.#free;
    let whole: Uint8Array | undefined;
    for (let i = free.length - 1; i >= 0; i--) {
      const candidate = free[i]!;
      // Not more than twice the size: a small frame does not pin a large buffer.
      if (candidate.length >= size && candidate.length <= 2 * size) {
        whole = candidate;
        free[i] = free[free.length - 1]!;
        free.pop();
        this.#freeBytes -= candidate.length;
        break;
      }
    }
    whole ??= this.#allocate(size);
    const out = whole.length === size ? whole : whole.subarray(0, size);
    this.#lent.set(out, whole);
    return out;
  }

  /**
   * Opens a CURVE MESSAGE command into the frame it carries and its flags, or
   * returns a `WireError` for a malformed, forged or replayed message. Takes
   * ownership of `body`: a large one (4 KiB and up) is decrypted over itself
   * and the frame returned is a view of it; after `copyOut()`, one whose memory
   * is `reused` goes into memory of its own (as a small one always does), and
   * nothing of it is kept.
   */
  decode(body: Uint8Array, _flags?: number, reused = false): TransformedFrame | WireError {
    for (let i = 0; i < 8; i++) {
      if (body[i] !== MESSAGE[i]) {
        return malformed(
          "expected a MESSAGE after the CURVE handshake",
          ProtocolError.ZMTP_UNEXPECTED_COMMAND,
          "unexpected-command",
        );
      }
    }
    if (body.length < HEADER + MAC + 1) {
      return malformed(
        `MESSAGE of ${body.length} bytes is too short`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_MESSAGE,
        "malformed-command",
      );
    }
    const hi = readU32(body, 8);
    const lo = readU32(body, 12);
    if (hi < this.#peerHi || (hi === this.#peerHi && lo <= this.#peerLo)) {
      return malformed(
        "MESSAGE nonce is not greater than the last one (replayed or reordered)",
        ProtocolError.ZMTP_INVALID_SEQUENCE,
        "invalid-sequence",
      );
    }
    // libzmq records the nonce before opening the box; a failure closes the connection anyway.
    this.#peerHi = hi;
    this.#peerLo = lo;
    this.#receiveNonce.set(body.subarray(8, 16), 16);
    let opened: ReturnType<typeof openFrame>;
    try {
      // A large frame is opened over its own ciphertext (the decoder's memory, ours
      // to reuse): a fresh 64 KiB buffer per frame costs ~10-30 us in page faults.
      opened = openFrame(
        body.subarray(HEADER),
        this.#receiveNonce,
        this.#key,
        this.#allocate,
        !(reused && this.#copyOut) && body.length >= IN_PLACE_BYTES,
      );
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // No room for it (WebAssembly heap or frame memory): this connection fails, nothing else.
      return new WireError(
        "EMSGSIZE",
        "frame-too-large",
        `MESSAGE of ${body.length} bytes cannot be opened: out of memory`,
      );
    }
    if (opened === undefined) {
      return malformed(
        "MESSAGE does not authenticate",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
        "cryptographic",
      );
    }
    const inner = opened.flags;
    return {
      body: opened.body,
      flags:
        ((inner & INNER_MORE) !== 0 ? FrameFlags.MORE : 0) |
        ((inner & INNER_COMMAND) !== 0 ? FrameFlags.COMMAND : 0),
    };
  }
}
