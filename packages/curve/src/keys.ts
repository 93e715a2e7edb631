/**
 * CURVE keys as the options take them: 40 Z85 characters or 32 raw bytes.
 */
import { WireError, z85Decode, z85Encode } from "@zmq/wire";

/** Decodes a key given as 40 Z85 characters or 32 bytes; throws a `WireError` (EINVAL) otherwise. */
export function decodeCurveKey(key: string | Uint8Array): Uint8Array {
  if (typeof key === "string") {
    if (key.length !== 40) {
      throw new WireError(
        "EINVAL",
        "invalid-argument",
        `a Z85 CURVE key has 40 characters, got ${key.length}`,
      );
    }
    return z85Decode(key);
  }
  if (key instanceof Uint8Array && key.length === 32) return new Uint8Array(key);
  throw new WireError("EINVAL", "invalid-argument", "a CURVE key is 40 Z85 characters or 32 bytes");
}

/** The 40-character Z85 form of a 32-byte key. */
export function encodeCurveKey(key: Uint8Array): string {
  return z85Encode(key);
}
