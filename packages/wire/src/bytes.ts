/**
 * Byte helpers used across the package (and handy in tests): hex, concatenation,
 * comparison and UTF-8.
 */
import { WireError } from "./errors";

export { utf8Decode, utf8Encode } from "./utf8";

const HEX = "0123456789abcdef";

/** Lower-case hex, no separators: `hex(Uint8Array.of(1, 255)) === "01ff"`. */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    out += HEX[byte >> 4]! + HEX[byte & 0x0f]!;
  }
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Parses hex; whitespace is ignored, so golden vectors can be written as
 * `"04 0a 04 50 49 4e 47"`. Throws a `WireError` (EINVAL) on anything else.
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  if (digits.length % 2 !== 0) {
    throw new WireError("EINVAL", "invalid-argument", "hex string has an odd number of digits");
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = nibble(digits.charCodeAt(2 * i));
    const low = nibble(digits.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) {
      throw new WireError("EINVAL", "invalid-argument", `invalid hex digit near offset ${2 * i}`);
    }
    out[i] = (high << 4) | low;
  }
  return out;
}

/** Joins byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Gives `size` bytes whose contents the caller overwrites in full. The codec uses
 * one for every frame body it copies and every slab it packs frames into. The
 * default zero-fills (`new Uint8Array`); on Node, pass `Buffer.allocUnsafe`: a
 * zeroed allocation of 64 KiB per frame costs page faults and halves large-message
 * throughput, and a `Buffer` needs no wrapping before it reaches the application.
 */
export type Allocate = (size: number) => Uint8Array;

/** The default {@link Allocate}: a fresh zero-filled `Uint8Array` (throws RangeError when too large). */
export const allocateZeroed: Allocate = (size) => new Uint8Array(size);
