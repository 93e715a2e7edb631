/**
 * XSalsa20-Poly1305 (NaCl `crypto_secretbox`, which is also `crypto_box_afternm`)
 * in plain JavaScript integer arithmetic: a candidate for CURVE's MESSAGE hot
 * path, measured against libsodium's WebAssembly in crypto.ts. It lost at 64 KiB
 * (about 0.45x libsodium's speed, tied at 16 B), so @zmq/curve does not use it;
 * it stays here, checked against tweetnacl on every bench run, as the measured
 * pure-JS alternative.
 *
 * - Salsa20/20: the 16-word state lives in local variables, the double round is
 *   written out, keystream words are XORed into the data four bytes at a time.
 * - Poly1305: the 130-bit accumulator is six 22-bit limbs held in doubles. A limb
 *   product is < 2^45 and a folded one (x 20, since 2^132 = 4 * 2^130 = 4 * 5 mod p)
 *   < 2^49.4, so a column of six stays below 2^53 and every sum is exact: 36
 *   multiplications per 16-byte block, no 64-bit emulation.
 *
 * Layout as libsodium's "easy" API: MAC(16) ‖ ciphertext. The first 32 bytes of
 * the keystream are the one-time Poly1305 key; encryption starts at byte 32.
 */

const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

function u32le(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function put32le(b: Uint8Array, i: number, v: number): void {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}

/** HSalsa20: the XSalsa20 subkey from a 32-byte key and the first 16 nonce bytes. */
function hsalsa20(key: Uint8Array, nonce: Uint8Array, out: Int32Array): void {
  let x0 = SIGMA0;
  let x1 = u32le(key, 0);
  let x2 = u32le(key, 4);
  let x3 = u32le(key, 8);
  let x4 = u32le(key, 12);
  let x5 = SIGMA1;
  let x6 = u32le(nonce, 0);
  let x7 = u32le(nonce, 4);
  let x8 = u32le(nonce, 8);
  let x9 = u32le(nonce, 12);
  let x10 = SIGMA2;
  let x11 = u32le(key, 16);
  let x12 = u32le(key, 20);
  let x13 = u32le(key, 24);
  let x14 = u32le(key, 28);
  let x15 = SIGMA3;
  let u: number;
  for (let i = 0; i < 20; i += 2) {
    u = (x0 + x12) | 0;
    x4 ^= (u << 7) | (u >>> 25);
    u = (x4 + x0) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x4) | 0;
    x12 ^= (u << 13) | (u >>> 19);
    u = (x12 + x8) | 0;
    x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x1) | 0;
    x9 ^= (u << 7) | (u >>> 25);
    u = (x9 + x5) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x9) | 0;
    x1 ^= (u << 13) | (u >>> 19);
    u = (x1 + x13) | 0;
    x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x6) | 0;
    x14 ^= (u << 7) | (u >>> 25);
    u = (x14 + x10) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x14) | 0;
    x6 ^= (u << 13) | (u >>> 19);
    u = (x6 + x2) | 0;
    x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x11) | 0;
    x3 ^= (u << 7) | (u >>> 25);
    u = (x3 + x15) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x3) | 0;
    x11 ^= (u << 13) | (u >>> 19);
    u = (x11 + x7) | 0;
    x15 ^= (u << 18) | (u >>> 14);
    u = (x0 + x3) | 0;
    x1 ^= (u << 7) | (u >>> 25);
    u = (x1 + x0) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x1) | 0;
    x3 ^= (u << 13) | (u >>> 19);
    u = (x3 + x2) | 0;
    x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x4) | 0;
    x6 ^= (u << 7) | (u >>> 25);
    u = (x6 + x5) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x6) | 0;
    x4 ^= (u << 13) | (u >>> 19);
    u = (x4 + x7) | 0;
    x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x9) | 0;
    x11 ^= (u << 7) | (u >>> 25);
    u = (x11 + x10) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x11) | 0;
    x9 ^= (u << 13) | (u >>> 19);
    u = (x9 + x8) | 0;
    x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x14) | 0;
    x12 ^= (u << 7) | (u >>> 25);
    u = (x12 + x15) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x12) | 0;
    x14 ^= (u << 13) | (u >>> 19);
    u = (x14 + x13) | 0;
    x15 ^= (u << 18) | (u >>> 14);
  }
  out[0] = x0;
  out[1] = x5;
  out[2] = x10;
  out[3] = x15;
  out[4] = x6;
  out[5] = x7;
  out[6] = x8;
  out[7] = x9;
}

/**
 * Salsa20/20 keystream from block 0, with key `k` (8 words) and the 8-byte nonce
 * `n0, n1`: the first 32 bytes go to `polyKey`, the rest is XORed from
 * `input[inAt..]` into `output[outAt..]` for `length` bytes.
 */
function salsa20Xor(
  k: Int32Array,
  n0: number,
  n1: number,
  polyKey: Uint8Array,
  input: Uint8Array,
  inAt: number,
  output: Uint8Array,
  outAt: number,
  length: number,
): void {
  const k0 = k[0]!;
  const k1 = k[1]!;
  const k2 = k[2]!;
  const k3 = k[3]!;
  const k4 = k[4]!;
  const k5 = k[5]!;
  const k6 = k[6]!;
  const k7 = k[7]!;
  // Keystream position of output byte 0 is 32 (after the Poly1305 key).
  let done = -32;
  let counter = 0;
  const ks = KEYSTREAM;
  // Long runs go through DataViews (one unaligned 32-bit access per word); short
  // ones are cheaper byte by byte than the two views are to make.
  let inView: DataView | undefined;
  let outView: DataView | undefined;
  if (length >= LONG) {
    inView = new DataView(input.buffer, input.byteOffset, input.byteLength);
    outView = new DataView(output.buffer, output.byteOffset, output.byteLength);
  }
  while (done < length) {
    let x0 = SIGMA0;
    let x1 = k0;
    let x2 = k1;
    let x3 = k2;
    let x4 = k3;
    let x5 = SIGMA1;
    let x6 = n0;
    let x7 = n1;
    let x8 = counter;
    let x9 = 0; // counter high word: 2^32 blocks (256 GiB) are never reached here
    let x10 = SIGMA2;
    let x11 = k4;
    let x12 = k5;
    let x13 = k6;
    let x14 = k7;
    let x15 = SIGMA3;
    let u: number;
    for (let i = 0; i < 20; i += 2) {
      u = (x0 + x12) | 0;
      x4 ^= (u << 7) | (u >>> 25);
      u = (x4 + x0) | 0;
      x8 ^= (u << 9) | (u >>> 23);
      u = (x8 + x4) | 0;
      x12 ^= (u << 13) | (u >>> 19);
      u = (x12 + x8) | 0;
      x0 ^= (u << 18) | (u >>> 14);
      u = (x5 + x1) | 0;
      x9 ^= (u << 7) | (u >>> 25);
      u = (x9 + x5) | 0;
      x13 ^= (u << 9) | (u >>> 23);
      u = (x13 + x9) | 0;
      x1 ^= (u << 13) | (u >>> 19);
      u = (x1 + x13) | 0;
      x5 ^= (u << 18) | (u >>> 14);
      u = (x10 + x6) | 0;
      x14 ^= (u << 7) | (u >>> 25);
      u = (x14 + x10) | 0;
      x2 ^= (u << 9) | (u >>> 23);
      u = (x2 + x14) | 0;
      x6 ^= (u << 13) | (u >>> 19);
      u = (x6 + x2) | 0;
      x10 ^= (u << 18) | (u >>> 14);
      u = (x15 + x11) | 0;
      x3 ^= (u << 7) | (u >>> 25);
      u = (x3 + x15) | 0;
      x7 ^= (u << 9) | (u >>> 23);
      u = (x7 + x3) | 0;
      x11 ^= (u << 13) | (u >>> 19);
      u = (x11 + x7) | 0;
      x15 ^= (u << 18) | (u >>> 14);
      u = (x0 + x3) | 0;
      x1 ^= (u << 7) | (u >>> 25);
      u = (x1 + x0) | 0;
      x2 ^= (u << 9) | (u >>> 23);
      u = (x2 + x1) | 0;
      x3 ^= (u << 13) | (u >>> 19);
      u = (x3 + x2) | 0;
      x0 ^= (u << 18) | (u >>> 14);
      u = (x5 + x4) | 0;
      x6 ^= (u << 7) | (u >>> 25);
      u = (x6 + x5) | 0;
      x7 ^= (u << 9) | (u >>> 23);
      u = (x7 + x6) | 0;
      x4 ^= (u << 13) | (u >>> 19);
      u = (x4 + x7) | 0;
      x5 ^= (u << 18) | (u >>> 14);
      u = (x10 + x9) | 0;
      x11 ^= (u << 7) | (u >>> 25);
      u = (x11 + x10) | 0;
      x8 ^= (u << 9) | (u >>> 23);
      u = (x8 + x11) | 0;
      x9 ^= (u << 13) | (u >>> 19);
      u = (x9 + x8) | 0;
      x10 ^= (u << 18) | (u >>> 14);
      u = (x15 + x14) | 0;
      x12 ^= (u << 7) | (u >>> 25);
      u = (x12 + x15) | 0;
      x13 ^= (u << 9) | (u >>> 23);
      u = (x13 + x12) | 0;
      x14 ^= (u << 13) | (u >>> 19);
      u = (x14 + x13) | 0;
      x15 ^= (u << 18) | (u >>> 14);
    }
    ks[0] = x0 + SIGMA0;
    ks[1] = x1 + k0;
    ks[2] = x2 + k1;
    ks[3] = x3 + k2;
    ks[4] = x4 + k3;
    ks[5] = x5 + SIGMA1;
    ks[6] = x6 + n0;
    ks[7] = x7 + n1;
    ks[8] = x8 + counter;
    ks[9] = x9;
    ks[10] = x10 + SIGMA2;
    ks[11] = x11 + k4;
    ks[12] = x12 + k5;
    ks[13] = x13 + k6;
    ks[14] = x14 + k7;
    ks[15] = x15 + SIGMA3;
    let w = 0;
    if (done < 0) {
      // Block 0: words 0..7 are the Poly1305 key.
      for (let j = 0; j < 8; j++) put32le(polyKey, 4 * j, ks[j]!);
      w = 8;
      done = 0;
    }
    // XOR whole words while 4 bytes remain, then the tail byte by byte.
    const left = length - done;
    const words = left >= 4 * (16 - w) ? 16 : w + (left >> 2);
    let i = inAt + done;
    let o = outAt + done;
    if (outView !== undefined) {
      for (; w < words; w++, i += 4, o += 4) {
        outView.setInt32(o, inView!.getInt32(i, true) ^ ks[w]!, true);
      }
    } else {
      for (; w < words; w++, i += 4, o += 4) {
        const v =
          (input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16) | (input[i + 3]! << 24)) ^
          ks[w]!;
        output[o] = v;
        output[o + 1] = v >>> 8;
        output[o + 2] = v >>> 16;
        output[o + 3] = v >>> 24;
      }
    }
    done = o - outAt;
    if (w < 16 && done < length) {
      let v = ks[w]!;
      while (done < length) {
        output[outAt + done] = input[inAt + done]! ^ v;
        v >>>= 8;
        done++;
      }
    }
    counter = (counter + 1) | 0;
  }
}

const KEYSTREAM = new Int32Array(16);
/** From this many bytes on, data is read and written through DataViews. */
const LONG = 256;
const SUBKEY = new Int32Array(8);
const POLY_KEY = new Uint8Array(32);
const TAG = new Uint8Array(16);

/**
 * Poly1305 of `data[at..at+length)` under the 32-byte one-time key `key`, into
 * `out[outAt..outAt+16)`.
 */
function poly1305(
  key: Uint8Array,
  data: Uint8Array,
  at: number,
  length: number,
  out: Uint8Array,
  outAt: number,
): void {
  const M = 4194304; // 2^22
  const INV = 1 / M; // exact: floor(d * 2^-22) is floor(d / 2^22)
  const t0 = u32le(key, 0) & 0x0fffffff;
  const t1 = u32le(key, 4) & 0x0ffffffc;
  const t2 = u32le(key, 8) & 0x0ffffffc;
  const t3 = u32le(key, 12) & 0x0ffffffc;
  // r in six 22-bit limbs (r < 2^124, so the top limb has 14 bits).
  const r0 = t0 & 0x3fffff;
  const r1 = ((t0 >>> 22) | (t1 << 10)) & 0x3fffff;
  const r2 = ((t1 >>> 12) | (t2 << 20)) & 0x3fffff;
  const r3 = (t2 >>> 2) & 0x3fffff;
  const r4 = ((t2 >>> 24) | (t3 << 8)) & 0x3fffff;
  const r5 = t3 >>> 14;
  const s1 = 20 * r1;
  const s2 = 20 * r2;
  const s3 = 20 * r3;
  const s4 = 20 * r4;
  const s5 = 20 * r5;
  let h0 = 0;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  let h5 = 0;
  let p = at;
  const end = at + length;
  const block = BLOCK;
  const view =
    length >= LONG ? new DataView(data.buffer, data.byteOffset, data.byteLength) : undefined;
  while (p < end) {
    let w0: number;
    let w1: number;
    let w2: number;
    let w3: number;
    let hibit: number;
    if (end - p >= 16) {
      if (view !== undefined) {
        w0 = view.getInt32(p, true);
        w1 = view.getInt32(p + 4, true);
        w2 = view.getInt32(p + 8, true);
        w3 = view.getInt32(p + 12, true);
      } else {
        w0 = u32le(data, p);
        w1 = u32le(data, p + 4);
        w2 = u32le(data, p + 8);
        w3 = u32le(data, p + 12);
      }
      hibit = 262144; // 2^128 lands on bit 18 of limb 5
      p += 16;
    } else {
      // The last partial block: its bytes, then 1, then zeros; no 2^128 bit.
      block.fill(0);
      const n = end - p;
      for (let j = 0; j < n; j++) block[j] = data[p + j]!;
      block[n] = 1;
      w0 = u32le(block, 0);
      w1 = u32le(block, 4);
      w2 = u32le(block, 8);
      w3 = u32le(block, 12);
      hibit = 0;
      p = end;
    }
    h0 += w0 & 0x3fffff;
    h1 += ((w0 >>> 22) | (w1 << 10)) & 0x3fffff;
    h2 += ((w1 >>> 12) | (w2 << 20)) & 0x3fffff;
    h3 += (w2 >>> 2) & 0x3fffff;
    h4 += ((w2 >>> 24) | (w3 << 8)) & 0x3fffff;
    h5 += (w3 >>> 14) + hibit;
    // h *= r (mod 2^130 - 5), columns of exact double sums.
    const d0 = h0 * r0 + h1 * s5 + h2 * s4 + h3 * s3 + h4 * s2 + h5 * s1;
    const d1 = h0 * r1 + h1 * r0 + h2 * s5 + h3 * s4 + h4 * s3 + h5 * s2;
    const d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s5 + h4 * s4 + h5 * s3;
    const d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s5 + h5 * s4;
    const d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s5;
    const d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0;
    let c = Math.floor(d0 * INV);
    h0 = d0 - c * M;
    let d = d1 + c;
    c = Math.floor(d * INV);
    h1 = d - c * M;
    d = d2 + c;
    c = Math.floor(d * INV);
    h2 = d - c * M;
    d = d3 + c;
    c = Math.floor(d * INV);
    h3 = d - c * M;
    d = d4 + c;
    c = Math.floor(d * INV);
    h4 = d - c * M;
    d = d5 + c;
    c = Math.floor(d * INV);
    h5 = d - c * M;
    h0 += c * 20;
    c = Math.floor(h0 * INV);
    h0 -= c * M;
    h1 += c;
  }
  // Full carry, then fold the bits at and above 2^130 (limb 5 bit 20) back in.
  let c = Math.floor(h1 / M);
  h1 -= c * M;
  h2 += c;
  c = Math.floor(h2 / M);
  h2 -= c * M;
  h3 += c;
  c = Math.floor(h3 / M);
  h3 -= c * M;
  h4 += c;
  c = Math.floor(h4 / M);
  h4 -= c * M;
  h5 += c;
  for (let pass = 0; pass < 2; pass++) {
    c = Math.floor(h5 / 1048576);
    h5 -= c * 1048576;
    h0 += c * 5;
    c = Math.floor(h0 * INV);
    h0 -= c * M;
    h1 += c;
    c = Math.floor(h1 / M);
    h1 -= c * M;
    h2 += c;
    c = Math.floor(h2 / M);
    h2 -= c * M;
    h3 += c;
    c = Math.floor(h3 / M);
    h3 -= c * M;
    h4 += c;
    c = Math.floor(h4 / M);
    h4 -= c * M;
    h5 += c;
  }
  // Now h < 2^130 + small; subtract p when h >= p, i.e. when h + 5 reaches 2^130.
  let g0 = h0 + 5;
  c = Math.floor(g0 / M);
  g0 -= c * M;
  let g1 = h1 + c;
  c = Math.floor(g1 / M);
  g1 -= c * M;
  let g2 = h2 + c;
  c = Math.floor(g2 / M);
  g2 -= c * M;
  let g3 = h3 + c;
  c = Math.floor(g3 / M);
  g3 -= c * M;
  let g4 = h4 + c;
  c = Math.floor(g4 / M);
  g4 -= c * M;
  let g5 = h5 + c;
  if (g5 >= 1048576) {
    g5 -= 1048576;
    h0 = g0;
    h1 = g1;
    h2 = g2;
    h3 = g3;
    h4 = g4;
    h5 = g5;
  }
  // h mod 2^128 as four words, plus s (key bytes 16..31), mod 2^128.
  const a0 = (h0 | (h1 << 22)) >>> 0;
  const a1 = ((h1 >>> 10) | (h2 << 12)) >>> 0;
  const a2 = ((h2 >>> 20) | (h3 << 2) | (h4 << 24)) >>> 0;
  const a3 = ((h4 >>> 8) | (h5 << 14)) >>> 0;
  let f = a0 + (u32le(key, 16) >>> 0);
  put32le(out, outAt, f);
  f = a1 + (u32le(key, 20) >>> 0) + (f > 0xffffffff ? 1 : 0);
  put32le(out, outAt + 4, f);
  f = a2 + (u32le(key, 24) >>> 0) + (f > 0xffffffff ? 1 : 0);
  put32le(out, outAt + 8, f);
  f = a3 + (u32le(key, 28) >>> 0) + (f > 0xffffffff ? 1 : 0);
  put32le(out, outAt + 12, f);
}

const BLOCK = new Uint8Array(16);

function subkeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== 32) throw new RangeError("key must be 32 bytes");
  if (nonce.length !== 24) throw new RangeError("nonce must be 24 bytes");
  hsalsa20(key, nonce, SUBKEY);
}

/**
 * Seals `message[at..at+length)` (default: all of it) and writes MAC ‖ ciphertext
 * (`length + 16` bytes) into `out` at `outAt`. `out` may not overlap the message.
 */
export function secretboxSealInto(
  message: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  out: Uint8Array,
  outAt: number,
  at = 0,
  length = message.length - at,
): void {
  subkeyAndNonce(key, nonce);
  salsa20Xor(
    SUBKEY,
    u32le(nonce, 16),
    u32le(nonce, 20),
    POLY_KEY,
    message,
    at,
    out,
    outAt + 16,
    length,
  );
  poly1305(POLY_KEY, out, outAt + 16, length, out, outAt);
  POLY_KEY.fill(0);
}

/**
 * Opens MAC ‖ ciphertext (`sealed`, at least 16 bytes) into `out` at `outAt`
 * (`sealed.length - 16` bytes). Returns false, leaving `out` untouched, when the
 * box does not authenticate.
 */
export function secretboxOpenInto(
  sealed: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  out: Uint8Array,
  outAt: number,
): boolean {
  if (sealed.length < 16) return false;
  subkeyAndNonce(key, nonce);
  const n0 = u32le(nonce, 16);
  const n1 = u32le(nonce, 20);
  const length = sealed.length - 16;
  // The Poly1305 key alone first (no data), to check the MAC before decrypting.
  salsa20Xor(SUBKEY, n0, n1, POLY_KEY, sealed, 16, out, outAt, 0);
  poly1305(POLY_KEY, sealed, 16, length, TAG, 0);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= TAG[i]! ^ sealed[i]!;
  if (diff !== 0) {
    POLY_KEY.fill(0);
    return false;
  }
  salsa20Xor(SUBKEY, n0, n1, POLY_KEY, sealed, 16, out, outAt, length);
  POLY_KEY.fill(0);
  return true;
}

/** `crypto_secretbox_easy`: a new array holding MAC ‖ ciphertext. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + 16);
  secretboxSealInto(message, nonce, key, out, 0);
  return out;
}

/** `crypto_secretbox_open_easy`: the plaintext, or undefined when it does not authenticate. */
export function secretboxOpen(
  sealed: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  const out = new Uint8Array(sealed.length - 16);
  return secretboxOpenInto(sealed, nonce, key, out, 0) ? out : undefined;
}
