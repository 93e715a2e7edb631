/**
 * Z85 (ZeroMQ RFC 32) decoding, for comparing the CURVE keys given on the
 * command line with the 32-byte keys a ZAP request carries.
 */
const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Z85 text (a multiple of 5 characters) into bytes; throws RangeError on bad input. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new RangeError("Z85 text must be a multiple of 5 characters");
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = i; j < i + 5; j++) {
      const digit = VALUES.get(text[j]!);
      if (digit === undefined) throw new RangeError(`bad Z85 character "${text[j]}"`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new RangeError("Z85 group out of range");
    view.setUint32((i / 5) * 4, value);
  }
  return out;
}
