/**
 * Small UTF-8 helpers, so the package needs neither `TextEncoder` (no DOM lib is
 * configured) nor `Buffer`. Behaviour matches the WHATWG encoding standard: lone
 * surrogates encode as U+FFFD, and every maximal invalid subsequence decodes as one
 * U+FFFD.
 */

const REPLACEMENT = 0xfffd;

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    } else length += 3;
  }
  return length;
}

/**
 * Writes `text` as UTF-8 into `target` at `offset` and returns the new offset. The
 * caller makes room first (see {@link utf8Length}).
 */
export function utf8Write(text: string, target: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      target[at++] = code;
      continue;
    }
    if (code < 0x800) {
      target[at++] = 0xc0 | (code >> 6);
      target[at++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        target[at++] = 0xf0 | (code >> 18);
        target[at++] = 0x80 | ((code >> 12) & 0x3f);
        target[at++] = 0x80 | ((code >> 6) & 0x3f);
        target[at++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = REPLACEMENT;
    }
    target[at++] = 0xe0 | (code >> 12);
    target[at++] = 0x80 | ((code >> 6) & 0x3f);
    target[at++] = 0x80 | (code & 0x3f);
  }
  return at;
}

/** Encodes `text` as UTF-8. */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  utf8Write(text, out, 0);
  return out;
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD like `TextDecoder`. */
export function utf8Decode(bytes: Uint8Array): string {
  let out = "";
  let units: number[] = [];
  let needed = 0;
  let seen = 0;
  let code = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte < 0x80) {
        units.push(byte);
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        code = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        code = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        code = byte & 0x07;
      } else {
        units.push(REPLACEMENT);
      }
    } else if (byte < lower || byte > upper) {
      // The sequence so far is a maximal invalid subpart: replace it, then look at
      // this byte again as the start of something new.
      needed = 0;
      seen = 0;
      code = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(REPLACEMENT);
      i--;
    } else {
      lower = 0x80;
      upper = 0xbf;
      code = (code << 6) | (byte & 0x3f);
      seen++;
      if (seen === needed) {
        if (code >= 0x10000) {
          code -= 0x10000;
          units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
        } else {
          units.push(code);
        }
        needed = 0;
        seen = 0;
        code = 0;
      }
    }
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units = [];
    }
  }
  if (needed !== 0) units.push(REPLACEMENT);
  return units.length > 0 ? out + String.fromCharCode(...units) : out;
}
