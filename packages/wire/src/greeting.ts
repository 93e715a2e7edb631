/**
 * The 64-byte ZMTP 3.x greeting (RFC 37 "Formal Grammar", libzmq
 * `zmtp_engine.cpp`): signature, version, mechanism, as-server, filler.
 */
import { WireError } from "./errors";

/** A peer's greeting, as decoded. */
export interface Greeting {
  /** The major version (3 for every greeting the decoder accepts). */
  major: number;
  /** The minor version: 0 (ZMTP 3.0) or 1 (ZMTP 3.1; higher values are read as 3.1 by the connection). */
  minor: number;
  /** The mechanism with trailing NULs removed, e.g. "NULL". */
  mechanism: string;
  /** The as-server byte (non-zero). libzmq always sends 0 and never reads it. */
  asServer: boolean;
}

/** What {@link encodeGreeting} writes. */
export interface GreetingOptions {
  /** ASCII, at most 20 bytes. Default "NULL". */
  mechanism?: string;
  /** Default false. Must be false for NULL. */
  asServer?: boolean;
  /** Default 1 (ZMTP 3.1). */
  minor?: number;
}

/** Size of a ZMTP 3.x greeting. */
export const GREETING_SIZE = 64;

const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;
const AS_SERVER_OFFSET = 32;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0 || code > 0x7f) return false;
  }
  return true;
}

/**
 * Encodes a greeting byte for byte like libzmq: `FF`, padding `00×7 01`, `7F`,
 * `03`, minor, mechanism NUL-padded to 20, as-server, 31 zero bytes.
 */
export function encodeGreeting(options: GreetingOptions = {}): Uint8Array {
  const mechanism = options.mechanism ?? "NULL";
  const minor = options.minor ?? 1;
  if (mechanism.length > MECHANISM_SIZE || !isAscii(mechanism)) {
    throw new WireError(
      "EINVAL",
      "invalid-argument",
      `mechanism must be at most ${MECHANISM_SIZE} ASCII characters`,
    );
  }
  if (!Number.isInteger(minor) || minor < 0 || minor > 255) {
    throw new WireError("EINVAL", "invalid-argument", `invalid minor version ${minor}`);
  }
  const out = new Uint8Array(GREETING_SIZE);
  out[0] = 0xff;
  // libzmq puts uint64 BE (routing-id size + 1) in the padding, for ZMTP 1.0 peers.
  out[8] = 0x01;
  out[9] = 0x7f;
  out[10] = 3;
  out[11] = minor;
  for (let i = 0; i < mechanism.length; i++) {
    out[MECHANISM_OFFSET + i] = mechanism.charCodeAt(i);
  }
  out[AS_SERVER_OFFSET] = options.asServer === true ? 1 : 0;
  return out;
}

/** What {@link GreetingDecoder.push} returns. */
export type GreetingResult =
  | {
      /** More bytes are needed. */
      status: "partial";
    }
  | {
      /** The greeting is complete. */
      status: "done";
      /** The decoded greeting. */
      greeting: Greeting;
      /** The bytes of the chunk after the greeting (the handshake's start), possibly empty. */
      rest: Uint8Array;
    }
  | {
      /** Not a ZMTP 3.x greeting; the connection must close. */
      status: "error";
      /** Why (a `WireError` with code EPROTO). */
      error: WireError;
    };

const PARTIAL: GreetingResult = { status: "partial" };

/**
 * Reads a peer's greeting incrementally. It fails as early as libzmq can tell: a
 * first byte other than `FF`, or a byte 9 with LSB 0, means an unversioned ZMTP 1.0
 * peer; a major version below 3 means ZMTP 1.0/2.0. Neither is supported. Padding
 * and as-server are never validated; the mechanism is not checked here.
 *
 * After "done", a further `push()` returns "done" again with the whole chunk as
 * `rest`; after "error", it returns the same error.
 */
export class GreetingDecoder {
  readonly #buffer = new Uint8Array(GREETING_SIZE);
  #filled = 0;
  #result: GreetingResult | undefined;

  /** Feeds the next received bytes; returns whether the greeting is complete, incomplete or invalid. */
  push(chunk: Uint8Array): GreetingResult {
    const done = this.#result;
    if (done !== undefined) {
      return done.status === "done" ? { ...done, rest: chunk } : done;
    }
    const start = this.#filled;
    const count = Math.min(GREETING_SIZE - start, chunk.length);
    this.#buffer.set(count === chunk.length ? chunk : chunk.subarray(0, count), start);
    const filled = start + count;
    this.#filled = filled;
    const buffer = this.#buffer;

    if (filled >= 1 && buffer[0] !== 0xff) {
      return this.#fail("peer is unversioned ZMTP 1.0 (signature does not start with FF)");
    }
    if (filled >= 10 && (buffer[9]! & 1) === 0) {
      return this.#fail("peer is unversioned ZMTP 1.0 (signature byte 9 has LSB 0)");
    }
    if (filled >= 11 && buffer[10]! < 3) {
      const version = buffer[10] === 1 ? "ZMTP 2.0" : "ZMTP 1.0";
      return this.#fail(`peer speaks ${version} (major ${buffer[10]}); 3.x is required`);
    }
    if (filled < GREETING_SIZE) return PARTIAL;

    let end = MECHANISM_OFFSET + MECHANISM_SIZE;
    while (end > MECHANISM_OFFSET && buffer[end - 1] === 0) end--;
    let mechanism = "";
    for (let i = MECHANISM_OFFSET; i < end; i++) mechanism += String.fromCharCode(buffer[i]!);
    const result: GreetingResult = {
      status: "done",
      greeting: {
        major: buffer[10]!,
        minor: buffer[11]!,
        mechanism,
        asServer: buffer[AS_SERVER_OFFSET] !== 0,
      },
      rest: chunk.subarray(count),
    };
    this.#result = result;
    return result;
  }

  #fail(message: string): GreetingResult {
    const result: GreetingResult = {
      status: "error",
      error: new WireError("EPROTO", "unsupported-version", message),
    };
    this.#result = result;
    return result;
  }
}
