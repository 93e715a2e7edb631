/**
 * Z85 (RFC 32): 4 bytes (uint32 BE) ↔ 5 characters of a base-85 alphabet, most
 * significant first. Used for CURVE keys (32 bytes ↔ 40 characters).
 */
import { WireError } from "./errors";

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Character code → digit value, 0xff for characters outside the alphabet. */
const DIGITS = new Uint8Array(128).fill(0xff);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

function invalid(message: string): WireError {
  return new WireError("EINVAL", "invalid-argument", message);
}

/** Encodes bytes as Z85; the length must be a multiple of 4 (throws EINVAL). */
export function z85Encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) {
    throw invalid(`Z85 input length must be a multiple of 4, got ${data.length}`);
  }
  let out = "";
  for (let i = 0; i < data.length; i += 4) {
    let value =
      ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0;
    const d4 = value % 85;
    value = (value - d4) / 85;
    const d3 = value % 85;
    value = (value - d3) / 85;
    const d2 = value % 85;
    value = (value - d2) / 85;
    const d1 = value % 85;
    const d0 = (value - d1) / 85;
    out += ALPHABET[d0]! + ALPHABET[d1]! + ALPHABET[d2]! + ALPHABET[d3]! + ALPHABET[d4]!;
  }
  return out;
}

/**
 * Decodes Z85. Throws a `WireError` (EINVAL) when the length is not a multiple of
 * 5, a character is outside the alphabet, or a group exceeds 2^32-1 (as libzmq).
 */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw invalid(`Z85 text length must be a multiple of 5, got ${text.length}`);
  }
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code]! : 0xff;
      if (digit === 0xff) throw invalid(`invalid Z85 character at offset ${i + j}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw invalid(`Z85 group at offset ${i} exceeds 2^32-1`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}
