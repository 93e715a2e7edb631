/** A small seeded PRNG (mulberry32): the same seed gives the same sequence, so failures replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` bytes of a seeded pattern (not all zero, not periodic at any buffer size). */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  const random = seededRandom(seed);
  for (let i = 0; i < length; i += 4) {
    const word = (random() * 4294967296) >>> 0;
    out[i] = word & 0xff;
    if (i + 1 < length) out[i + 1] = (word >>> 8) & 0xff;
    if (i + 2 < length) out[i + 2] = (word >>> 16) & 0xff;
    if (i + 3 < length) out[i + 3] = word >>> 24;
  }
  return out;
}

/** Splits `data` into views at random points (sizes 0..maxChunk), using `random`. */
export function splitAtRandom(
  data: Uint8Array,
  random: () => number,
  maxChunk: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const size = Math.min(data.length - at, Math.floor(random() * (maxChunk + 1)));
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return out;
}
