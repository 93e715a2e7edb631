/**
 * XSalsa20-Poly1305 (NaCl `crypto_secretbox`, which is also
 * `crypto_box_afternm`) written in AssemblyScript for WebAssembly with 128-bit
 * SIMD: the cipher of CURVE's MESSAGE boxes in @zmq/curve. Compiled by
 * `scripts/build-wasm.mjs` into `src/xsalsa20poly1305-wasm.ts` (the module's
 * bytes as base64); a test recompiles it and checks the two agree.
 *
 * - Salsa20/20 runs four blocks at once, "vertically": lane b of vector i is
 *   word i of block b, so every quarter-round step is one SIMD add, two shifts,
 *   an or (the rotation) and a xor for four blocks. The four blocks are
 *   transposed back (eight shuffles per group of four words) and XORed straight
 *   into the data when a whole 256-byte run is there, through a scratch
 *   keystream buffer otherwise.
 * - HSalsa20 (the subkey from the key and the first 16 nonce bytes) is scalar.
 * - Poly1305 uses five 26-bit limbs in 64-bit integers (25 products per
 *   16-byte block). Its blocks are interleaved with the Salsa20 rounds, one
 *   after each round (`salsa4`): the stream saturates the SIMD units, the MAC
 *   the scalar multiplier, and the CPU runs both at once, so a box costs
 *   little more than its stream. Sealing MACs each 256-byte batch during the
 *   next batch's rounds, opening during its own (before the XOR).
 * - The layout is libsodium's "easy" one: MAC(16) ‖ ciphertext. Keystream
 *   bytes 0..31 are the one-time Poly1305 key; the data is XORed from byte 32.
 *
 * - A box larger than one chunk (CHUNK bytes) goes through in chunks: `begin`,
 *   `update` per chunk the caller copies in and out, `sealEnd`/`openEnd`. The
 *   caller's copies and the cipher then work on the same few KiB while they sit
 *   in the CPU's cache, and the memory never grows.
 *
 * Memory: fixed offsets below DATA hold the key, nonce and working state (wiped
 * at the end of each box); the caller writes its data at DATA + 16. No imports,
 * no allocator, no runtime.
 */

const KEY: usize = 0; // 32: the secretbox key
const NONCE: usize = 32; // 24
const SUBKEY: usize = 64; // 32: HSalsa20(key, nonce[0..16])
const POLYKEY: usize = 96; // 32: r ‖ s
const KS: usize = 128; // 256: four keystream blocks
const PAD: usize = 384; // 16: a padded last Poly1305 block
const TAG: usize = 400; // 16: computed tag
const H: usize = 416; // 40: the Poly1305 accumulator, five 26-bit limbs as u64
/** MAC(16) at DATA, message at DATA + 16 (16-byte aligned). */
const DATA: usize = 512;

const S0: u32 = 0x61707865;
const S1: u32 = 0x3320646e;
const S2: u32 = 0x79622d32;
const S3: u32 = 0x6b206574;

export function dataOffset(): usize {
  return DATA;
}

function rotl(v: u32, n: u32): u32 {
  return (v << n) | (v >>> (32 - n));
}

function hsalsa20(): void {
  let x0 = S0,
    x5 = S1,
    x10 = S2,
    x15 = S3;
  let x1 = load<u32>(KEY),
    x2 = load<u32>(KEY, 4),
    x3 = load<u32>(KEY, 8),
    x4 = load<u32>(KEY, 12);
  let x11 = load<u32>(KEY, 16),
    x12 = load<u32>(KEY, 20),
    x13 = load<u32>(KEY, 24),
    x14 = load<u32>(KEY, 28);
  let x6 = load<u32>(NONCE),
    x7 = load<u32>(NONCE, 4),
    x8 = load<u32>(NONCE, 8),
    x9 = load<u32>(NONCE, 12);
  for (let i = 0; i < 10; i++) {
    x4 ^= rotl(x0 + x12, 7);
    x8 ^= rotl(x4 + x0, 9);
    x12 ^= rotl(x8 + x4, 13);
    x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7);
    x13 ^= rotl(x9 + x5, 9);
    x1 ^= rotl(x13 + x9, 13);
    x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7);
    x2 ^= rotl(x14 + x10, 9);
    x6 ^= rotl(x2 + x14, 13);
    x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7);
    x7 ^= rotl(x3 + x15, 9);
    x11 ^= rotl(x7 + x3, 13);
    x15 ^= rotl(x11 + x7, 18);
    x1 ^= rotl(x0 + x3, 7);
    x2 ^= rotl(x1 + x0, 9);
    x3 ^= rotl(x2 + x1, 13);
    x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7);
    x7 ^= rotl(x6 + x5, 9);
    x4 ^= rotl(x7 + x6, 13);
    x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7);
    x8 ^= rotl(x11 + x10, 9);
    x9 ^= rotl(x8 + x11, 13);
    x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7);
    x13 ^= rotl(x12 + x15, 9);
    x14 ^= rotl(x13 + x12, 13);
    x15 ^= rotl(x14 + x13, 18);
  }
  store<u32>(SUBKEY, x0);
  store<u32>(SUBKEY, x5, 4);
  store<u32>(SUBKEY, x10, 8);
  store<u32>(SUBKEY, x15, 12);
  store<u32>(SUBKEY, x6, 16);
  store<u32>(SUBKEY, x7, 20);
  store<u32>(SUBKEY, x8, 24);
  store<u32>(SUBKEY, x9, 28);
}

function vrotl(v: v128, n: i32): v128 {
  return v128.or(i32x4.shl(v, n), i32x4.shr_u(v, 32 - n));
}

function transposeStore(a: v128, b: v128, c: v128, d: v128, at: usize): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(at, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(at, v128.shuffle<i64>(t0, t1, 1, 3), 64);
  v128.store(at, v128.shuffle<i64>(t2, t3, 0, 2), 128);
  v128.store(at, v128.shuffle<i64>(t2, t3, 1, 3), 192);
}

function transposeXor(a: v128, b: v128, c: v128, d: v128, at: usize): void {
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(at, v128.xor(v128.load(at), v128.shuffle<i64>(t0, t1, 0, 2)));
  v128.store(at, v128.xor(v128.load(at, 64), v128.shuffle<i64>(t0, t1, 1, 3)), 64);
  v128.store(at, v128.xor(v128.load(at, 128), v128.shuffle<i64>(t2, t3, 0, 2)), 128);
  v128.store(at, v128.xor(v128.load(at, 192), v128.shuffle<i64>(t2, t3, 1, 3)), 192);
}

/**
 * Four Salsa20/20 blocks (counters counter..counter+3) of SUBKEY and
 * NONCE[16..24] into KS: the keystream for a box's first 256 bytes and for a
 * partial batch. `salsa4` without the MAC, and without its per-call MAC set-up
 * (which would cost a 16-byte box ~8 %).
 */
function keystream4(counter: u32): void {
  let x0 = i32x4.splat(S0),
    x5 = i32x4.splat(S1),
    x10 = i32x4.splat(S2),
    x15 = i32x4.splat(S3);
  let x1 = v128.load32_splat(SUBKEY),
    x2 = v128.load32_splat(SUBKEY, 4);
  let x3 = v128.load32_splat(SUBKEY, 8),
    x4 = v128.load32_splat(SUBKEY, 12);
  let x11 = v128.load32_splat(SUBKEY, 16),
    x12 = v128.load32_splat(SUBKEY, 20);
  let x13 = v128.load32_splat(SUBKEY, 24),
    x14 = v128.load32_splat(SUBKEY, 28);
  let x6 = v128.load32_splat(NONCE, 16),
    x7 = v128.load32_splat(NONCE, 20);
  let x8 = i32x4(counter, counter + 1, counter + 2, counter + 3);
  let x9 = i32x4.splat(0);
  for (let i = 0; i < 10; i++) {
    x4 = v128.xor(x4, vrotl(i32x4.add(x0, x12), 7));
    x9 = v128.xor(x9, vrotl(i32x4.add(x5, x1), 7));
    x14 = v128.xor(x14, vrotl(i32x4.add(x10, x6), 7));
    x3 = v128.xor(x3, vrotl(i32x4.add(x15, x11), 7));
    x8 = v128.xor(x8, vrotl(i32x4.add(x4, x0), 9));
    x13 = v128.xor(x13, vrotl(i32x4.add(x9, x5), 9));
    x2 = v128.xor(x2, vrotl(i32x4.add(x14, x10), 9));
    x7 = v128.xor(x7, vrotl(i32x4.add(x3, x15), 9));
    x12 = v128.xor(x12, vrotl(i32x4.add(x8, x4), 13));
    x1 = v128.xor(x1, vrotl(i32x4.add(x13, x9), 13));
    x6 = v128.xor(x6, vrotl(i32x4.add(x2, x14), 13));
    x11 = v128.xor(x11, vrotl(i32x4.add(x7, x3), 13));
    x0 = v128.xor(x0, vrotl(i32x4.add(x12, x8), 18));
    x5 = v128.xor(x5, vrotl(i32x4.add(x1, x13), 18));
    x10 = v128.xor(x10, vrotl(i32x4.add(x6, x2), 18));
    x15 = v128.xor(x15, vrotl(i32x4.add(x11, x7), 18));

    x1 = v128.xor(x1, vrotl(i32x4.add(x0, x3), 7));
    x6 = v128.xor(x6, vrotl(i32x4.add(x5, x4), 7));
    x11 = v128.xor(x11, vrotl(i32x4.add(x10, x9), 7));
    x12 = v128.xor(x12, vrotl(i32x4.add(x15, x14), 7));
    x2 = v128.xor(x2, vrotl(i32x4.add(x1, x0), 9));
    x7 = v128.xor(x7, vrotl(i32x4.add(x6, x5), 9));
    x8 = v128.xor(x8, vrotl(i32x4.add(x11, x10), 9));
    x13 = v128.xor(x13, vrotl(i32x4.add(x12, x15), 9));
    x3 = v128.xor(x3, vrotl(i32x4.add(x2, x1), 13));
    x4 = v128.xor(x4, vrotl(i32x4.add(x7, x6), 13));
    x9 = v128.xor(x9, vrotl(i32x4.add(x8, x11), 13));
    x14 = v128.xor(x14, vrotl(i32x4.add(x13, x12), 13));
    x0 = v128.xor(x0, vrotl(i32x4.add(x3, x2), 18));
    x5 = v128.xor(x5, vrotl(i32x4.add(x4, x7), 18));
    x10 = v128.xor(x10, vrotl(i32x4.add(x9, x8), 18));
    x15 = v128.xor(x15, vrotl(i32x4.add(x14, x13), 18));
  }
  // add the input words back (reloaded: keeping them live would spill)
  x0 = i32x4.add(x0, i32x4.splat(S0));
  x5 = i32x4.add(x5, i32x4.splat(S1));
  x10 = i32x4.add(x10, i32x4.splat(S2));
  x15 = i32x4.add(x15, i32x4.splat(S3));
  x1 = i32x4.add(x1, v128.load32_splat(SUBKEY));
  x2 = i32x4.add(x2, v128.load32_splat(SUBKEY, 4));
  x3 = i32x4.add(x3, v128.load32_splat(SUBKEY, 8));
  x4 = i32x4.add(x4, v128.load32_splat(SUBKEY, 12));
  x11 = i32x4.add(x11, v128.load32_splat(SUBKEY, 16));
  x12 = i32x4.add(x12, v128.load32_splat(SUBKEY, 20));
  x13 = i32x4.add(x13, v128.load32_splat(SUBKEY, 24));
  x14 = i32x4.add(x14, v128.load32_splat(SUBKEY, 28));
  x6 = i32x4.add(x6, v128.load32_splat(NONCE, 16));
  x7 = i32x4.add(x7, v128.load32_splat(NONCE, 20));
  x8 = i32x4.add(x8, i32x4(counter, counter + 1, counter + 2, counter + 3));
  transposeStore(x0, x1, x2, x3, KS);
  transposeStore(x4, x5, x6, x7, KS + 16);
  transposeStore(x8, x9, x10, x11, KS + 32);
  transposeStore(x12, x13, x14, x15, KS + 48);
}

/**
 * Four Salsa20/20 blocks (counters counter..counter+3) of SUBKEY and
 * NONCE[16..24]: XORed into the 256 bytes at `dst`, or, when `dst` is 0,
 * stored in KS. Meanwhile `blocks` (at most 20) whole 16-byte Poly1305 blocks
 * at `poly` are absorbed into H, one after each of the 20 rounds.
 *
 * The two are interleaved on purpose: the rounds keep the SIMD units busy and
 * the MAC's 64-bit multiplies run on the scalar ones, so an out-of-order core
 * overlaps them (measured: a seal costs the stream alone plus ~20 %, not the
 * stream plus the MAC). `poly` must not be bytes this call changes before
 * they are read, except `dst` itself when opening: the MAC reads `dst` during
 * the rounds, before the keystream is XORed in at the end.
 */
function salsa4(counter: u32, dst: usize, poly: usize, blocks: i32): void {
  let x0 = i32x4.splat(S0),
    x5 = i32x4.splat(S1),
    x10 = i32x4.splat(S2),
    x15 = i32x4.splat(S3);
  let x1 = v128.load32_splat(SUBKEY),
    x2 = v128.load32_splat(SUBKEY, 4);
  let x3 = v128.load32_splat(SUBKEY, 8),
    x4 = v128.load32_splat(SUBKEY, 12);
  let x11 = v128.load32_splat(SUBKEY, 16),
    x12 = v128.load32_splat(SUBKEY, 20);
  let x13 = v128.load32_splat(SUBKEY, 24),
    x14 = v128.load32_splat(SUBKEY, 28);
  let x6 = v128.load32_splat(NONCE, 16),
    x7 = v128.load32_splat(NONCE, 20);
  let x8 = i32x4(counter, counter + 1, counter + 2, counter + 3);
  let x9 = i32x4.splat(0);
  const r0: u64 = load<u32>(POLYKEY) & 0x3ffffff;
  const r1: u64 = (load<u32>(POLYKEY, 3) >>> 2) & 0x3ffff03;
  const r2: u64 = (load<u32>(POLYKEY, 6) >>> 4) & 0x3ffc0ff;
  const r3: u64 = (load<u32>(POLYKEY, 9) >>> 6) & 0x3f03fff;
  const r4: u64 = (load<u32>(POLYKEY, 12) >>> 8) & 0x00fffff;
  const s1 = r1 * 5,
    s2 = r2 * 5,
    s3 = r3 * 5,
    s4 = r4 * 5;
  let h0 = load<u64>(H),
    h1 = load<u64>(H, 8),
    h2 = load<u64>(H, 16),
    h3 = load<u64>(H, 24),
    h4 = load<u64>(H, 32);
  let p = poly;
  for (let j = 0; j < 20; j++) {
    if ((j & 1) === 0) {
      x4 = v128.xor(x4, vrotl(i32x4.add(x0, x12), 7));
      x9 = v128.xor(x9, vrotl(i32x4.add(x5, x1), 7));
      x14 = v128.xor(x14, vrotl(i32x4.add(x10, x6), 7));
      x3 = v128.xor(x3, vrotl(i32x4.add(x15, x11), 7));
      x8 = v128.xor(x8, vrotl(i32x4.add(x4, x0), 9));
      x13 = v128.xor(x13, vrotl(i32x4.add(x9, x5), 9));
      x2 = v128.xor(x2, vrotl(i32x4.add(x14, x10), 9));
      x7 = v128.xor(x7, vrotl(i32x4.add(x3, x15), 9));
      x12 = v128.xor(x12, vrotl(i32x4.add(x8, x4), 13));
      x1 = v128.xor(x1, vrotl(i32x4.add(x13, x9), 13));
      x6 = v128.xor(x6, vrotl(i32x4.add(x2, x14), 13));
      x11 = v128.xor(x11, vrotl(i32x4.add(x7, x3), 13));
      x0 = v128.xor(x0, vrotl(i32x4.add(x12, x8), 18));
      x5 = v128.xor(x5, vrotl(i32x4.add(x1, x13), 18));
      x10 = v128.xor(x10, vrotl(i32x4.add(x6, x2), 18));
      x15 = v128.xor(x15, vrotl(i32x4.add(x11, x7), 18));
    } else {
      x1 = v128.xor(x1, vrotl(i32x4.add(x0, x3), 7));
      x6 = v128.xor(x6, vrotl(i32x4.add(x5, x4), 7));
      x11 = v128.xor(x11, vrotl(i32x4.add(x10, x9), 7));
      x12 = v128.xor(x12, vrotl(i32x4.add(x15, x14), 7));
      x2 = v128.xor(x2, vrotl(i32x4.add(x1, x0), 9));
      x7 = v128.xor(x7, vrotl(i32x4.add(x6, x5), 9));
      x8 = v128.xor(x8, vrotl(i32x4.add(x11, x10), 9));
      x13 = v128.xor(x13, vrotl(i32x4.add(x12, x15), 9));
      x3 = v128.xor(x3, vrotl(i32x4.add(x2, x1), 13));
      x4 = v128.xor(x4, vrotl(i32x4.add(x7, x6), 13));
      x9 = v128.xor(x9, vrotl(i32x4.add(x8, x11), 13));
      x14 = v128.xor(x14, vrotl(i32x4.add(x13, x12), 13));
      x0 = v128.xor(x0, vrotl(i32x4.add(x3, x2), 18));
      x5 = v128.xor(x5, vrotl(i32x4.add(x4, x7), 18));
      x10 = v128.xor(x10, vrotl(i32x4.add(x9, x8), 18));
      x15 = v128.xor(x15, vrotl(i32x4.add(x14, x13), 18));
    }
    if (j < blocks) {
      h0 += (load<u32>(p) & 0x3ffffff) as u64;
      h1 += ((load<u32>(p, 3) >>> 2) & 0x3ffffff) as u64;
      h2 += ((load<u32>(p, 6) >>> 4) & 0x3ffffff) as u64;
      h3 += ((load<u32>(p, 9) >>> 6) & 0x3ffffff) as u64;
      h4 += ((load<u32>(p, 12) >>> 8) as u64) | (1 << 24);
      const d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
      let d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
      let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
      let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
      let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
      let c = d0 >> 26;
      h0 = d0 & 0x3ffffff;
      d1 += c;
      c = d1 >> 26;
      h1 = d1 & 0x3ffffff;
      d2 += c;
      c = d2 >> 26;
      h2 = d2 & 0x3ffffff;
      d3 += c;
      c = d3 >> 26;
      h3 = d3 & 0x3ffffff;
      d4 += c;
      c = d4 >> 26;
      h4 = d4 & 0x3ffffff;
      h0 += c * 5;
      c = h0 >> 26;
      h0 &= 0x3ffffff;
      h1 += c;
      p += 16;
    }
  }
  store<u64>(H, h0);
  store<u64>(H, h1, 8);
  store<u64>(H, h2, 16);
  store<u64>(H, h3, 24);
  store<u64>(H, h4, 32);
  // add the input words back (reloaded: keeping them live would spill)
  x0 = i32x4.add(x0, i32x4.splat(S0));
  x5 = i32x4.add(x5, i32x4.splat(S1));
  x10 = i32x4.add(x10, i32x4.splat(S2));
  x15 = i32x4.add(x15, i32x4.splat(S3));
  x1 = i32x4.add(x1, v128.load32_splat(SUBKEY));
  x2 = i32x4.add(x2, v128.load32_splat(SUBKEY, 4));
  x3 = i32x4.add(x3, v128.load32_splat(SUBKEY, 8));
  x4 = i32x4.add(x4, v128.load32_splat(SUBKEY, 12));
  x11 = i32x4.add(x11, v128.load32_splat(SUBKEY, 16));
  x12 = i32x4.add(x12, v128.load32_splat(SUBKEY, 20));
  x13 = i32x4.add(x13, v128.load32_splat(SUBKEY, 24));
  x14 = i32x4.add(x14, v128.load32_splat(SUBKEY, 28));
  x6 = i32x4.add(x6, v128.load32_splat(NONCE, 16));
  x7 = i32x4.add(x7, v128.load32_splat(NONCE, 20));
  x8 = i32x4.add(x8, i32x4(counter, counter + 1, counter + 2, counter + 3));
  if (dst !== 0) {
    transposeXor(x0, x1, x2, x3, dst);
    transposeXor(x4, x5, x6, x7, dst + 16);
    transposeXor(x8, x9, x10, x11, dst + 32);
    transposeXor(x12, x13, x14, x15, dst + 48);
    return;
  }
  transposeStore(x0, x1, x2, x3, KS);
  transposeStore(x4, x5, x6, x7, KS + 16);
  transposeStore(x8, x9, x10, x11, KS + 32);
  transposeStore(x12, x13, x14, x15, KS + 48);
}

function xorInto(dst: usize, ks: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(dst + i, v128.xor(v128.load(dst + i), v128.load(ks + i)));
  }
  for (; i < n; i++) store<u8>(dst + i, load<u8>(dst + i) ^ load<u8>(ks + i));
}

/**
 * Absorbs the 16-byte blocks of `len` bytes at `m` into the Poly1305 state H
 * under POLYKEY; a last partial block (only when `len` is not a multiple of 16)
 * is padded with 0x01 and zeros and absorbed without the high bit.
 */
function polyBlocks(m: usize, len: usize): void {
  const r0: u64 = load<u32>(POLYKEY) & 0x3ffffff;
  const r1: u64 = (load<u32>(POLYKEY, 3) >>> 2) & 0x3ffff03;
  const r2: u64 = (load<u32>(POLYKEY, 6) >>> 4) & 0x3ffc0ff;
  const r3: u64 = (load<u32>(POLYKEY, 9) >>> 6) & 0x3f03fff;
  const r4: u64 = (load<u32>(POLYKEY, 12) >>> 8) & 0x00fffff;
  const s1 = r1 * 5,
    s2 = r2 * 5,
    s3 = r3 * 5,
    s4 = r4 * 5;
  let h0 = load<u64>(H),
    h1 = load<u64>(H, 8),
    h2 = load<u64>(H, 16),
    h3 = load<u64>(H, 24),
    h4 = load<u64>(H, 32);
  let hibit: u64 = 1 << 24;
  let p = m;
  const end = m + len;
  while (p < end) {
    if (end - p < 16) {
      v128.store(PAD, i32x4.splat(0));
      const rest = end - p;
      memory.copy(PAD, p, rest);
      store<u8>(PAD + rest, 1);
      p = PAD;
      hibit = 0;
    }
    h0 += (load<u32>(p) & 0x3ffffff) as u64;
    h1 += ((load<u32>(p, 3) >>> 2) & 0x3ffffff) as u64;
    h2 += ((load<u32>(p, 6) >>> 4) & 0x3ffffff) as u64;
    h3 += ((load<u32>(p, 9) >>> 6) & 0x3ffffff) as u64;
    h4 += ((load<u32>(p, 12) >>> 8) as u64) | hibit;
    const d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
    let d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
    let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
    let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
    let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
    let c = d0 >> 26;
    h0 = d0 & 0x3ffffff;
    d1 += c;
    c = d1 >> 26;
    h1 = d1 & 0x3ffffff;
    d2 += c;
    c = d2 >> 26;
    h2 = d2 & 0x3ffffff;
    d3 += c;
    c = d3 >> 26;
    h3 = d3 & 0x3ffffff;
    d4 += c;
    c = d4 >> 26;
    h4 = d4 & 0x3ffffff;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= 0x3ffffff;
    h1 += c;
    if (hibit === 0) break;
    p += 16;
  }
  store<u64>(H, h0);
  store<u64>(H, h1, 8);
  store<u64>(H, h2, 16);
  store<u64>(H, h3, 24);
  store<u64>(H, h4, 32);
}

/** The Poly1305 tag of state H under POLYKEY into TAG. */
function polyFinish(): void {
  let a0 = load<u64>(H) as u32,
    a1 = load<u64>(H, 8) as u32,
    a2 = load<u64>(H, 16) as u32;
  let a3 = load<u64>(H, 24) as u32,
    a4 = load<u64>(H, 32) as u32;
  let k: u32 = a1 >>> 26;
  a1 &= 0x3ffffff;
  a2 += k;
  k = a2 >>> 26;
  a2 &= 0x3ffffff;
  a3 += k;
  k = a3 >>> 26;
  a3 &= 0x3ffffff;
  a4 += k;
  k = a4 >>> 26;
  a4 &= 0x3ffffff;
  a0 += k * 5;
  k = a0 >>> 26;
  a0 &= 0x3ffffff;
  a1 += k;
  // h - p when h >= p, chosen without a branch
  let g0 = a0 + 5;
  k = g0 >>> 26;
  g0 &= 0x3ffffff;
  let g1 = a1 + k;
  k = g1 >>> 26;
  g1 &= 0x3ffffff;
  let g2 = a2 + k;
  k = g2 >>> 26;
  g2 &= 0x3ffffff;
  let g3 = a3 + k;
  k = g3 >>> 26;
  g3 &= 0x3ffffff;
  let g4 = a4 + k - (1 << 26);
  let mask = (g4 >>> 31) - 1;
  g0 &= mask;
  g1 &= mask;
  g2 &= mask;
  g3 &= mask;
  g4 &= mask;
  mask = ~mask;
  a0 = (a0 & mask) | g0;
  a1 = (a1 & mask) | g1;
  a2 = (a2 & mask) | g2;
  a3 = (a3 & mask) | g3;
  a4 = (a4 & mask) | g4;
  const w0 = (a0 | (a1 << 26)) as u64;
  const w1 = ((a1 >>> 6) | (a2 << 20)) as u64;
  const w2 = ((a2 >>> 12) | (a3 << 14)) as u64;
  const w3 = ((a3 >>> 18) | (a4 << 8)) as u64;
  let f = w0 + (load<u32>(POLYKEY, 16) as u64);
  store<u32>(TAG, f as u32);
  f = w1 + (load<u32>(POLYKEY, 20) as u64) + (f >> 32);
  store<u32>(TAG, f as u32, 4);
  f = w2 + (load<u32>(POLYKEY, 24) as u64) + (f >> 32);
  store<u32>(TAG, f as u32, 8);
  f = w3 + (load<u32>(POLYKEY, 28) as u64) + (f >> 32);
  store<u32>(TAG, f as u32, 12);
}

/**
 * Bytes of message one `update` call takes at most (the caller's chunk), a
 * multiple of 256. The first chunk of a box is 32 bytes shorter, so that every
 * later one starts on a keystream block boundary (keystream bytes 0..31 are the
 * Poly1305 key). Memory holds DATA + 16 + CHUNK bytes without growing.
 */
const CHUNK: usize = 16384;

/** The next keystream block for `update`; 0 while the box's first chunk is pending. */
let counter: u32 = 0;

export function chunkSize(): usize {
  return CHUNK;
}

/**
 * Starts a box under KEY and NONCE: the subkey, the Poly1305 key (keystream
 * bytes 0..31), an empty MAC state; KS keeps keystream bytes 32..255 for the
 * first chunk.
 */
export function begin(): void {
  hsalsa20();
  keystream4(0);
  v128.store(POLYKEY, v128.load(KS));
  v128.store(POLYKEY, v128.load(KS, 16), 16);
  memory.fill(H, 0, 40);
  counter = 0;
}

/**
 * Seals or opens the next `len` bytes of the box, at DATA + 16, in place:
 * keystream XORed in, Poly1305 over the ciphertext. Sealing MACs each 256-byte
 * batch inside the rounds of the next one (the ciphertext exists only after its
 * own batch's XOR); opening MACs a batch inside its own rounds (the rounds read
 * the ciphertext before they XOR it). A box's first chunk is CHUNK - 32 bytes
 * and every later one CHUNK, except its last, which may be shorter (and is the
 * only one that may end inside a 16-byte block).
 */
export function update(len: usize, sealing: bool): void {
  const data = DATA + 16;
  let at: usize = 0;
  // sealing: ciphertext not yet MACed, `pending` 16-byte blocks at `from`
  let from: usize = 0;
  let pending: i32 = 0;
  if (counter === 0) {
    const first = len < 224 ? len : 224;
    if (!sealing) polyBlocks(data, first);
    xorInto(data, KS + 32, first);
    if (sealing) {
      if (first === 224) {
        from = data;
        pending = 14;
      } else polyBlocks(data, first);
    }
    counter = 4;
    at = 224;
  }
  for (; at + 256 <= len; at += 256) {
    if (sealing) {
      salsa4(counter, data + at, from, pending);
      from = data + at;
      pending = 16;
    } else salsa4(counter, data + at, data + at, 16);
    counter += 4;
  }
  if (at < len) {
    if (sealing) {
      salsa4(counter, 0, from, pending);
      xorInto(data + at, KS, len - at);
      polyBlocks(data + at, len - at);
    } else {
      polyBlocks(data + at, len - at);
      keystream4(counter);
      xorInto(data + at, KS, len - at);
    }
    counter += 4;
  } else if (pending !== 0) polyBlocks(from, (pending as usize) * 16);
}

function wipe(): void {
  memory.fill(0, 0, DATA);
}

/** Ends a sealed box: its MAC into DATA (in front of the last chunk), the state wiped. */
export function sealEnd(): void {
  polyFinish();
  v128.store(DATA, v128.load(TAG));
  wipe();
}

/**
 * Ends an opened box: returns 0 when the MAC at DATA (the caller put the box's
 * MAC there) verifies, else -1 with the last chunk zeroed. The state is wiped.
 */
export function openEnd(): i32 {
  polyFinish();
  const ok = !v128.any_true(v128.xor(v128.load(TAG), v128.load(DATA)));
  wipe();
  if (ok) return 0;
  memory.fill(DATA, 0, CHUNK + 16);
  return -1;
}

/**
 * Seals the `len` bytes (at most CHUNK - 32) at DATA + 16 under KEY and NONCE:
 * afterwards DATA holds MAC(16) ‖ ciphertext(len).
 */
export function seal(len: usize): void {
  begin();
  update(len, true);
  sealEnd();
}

/**
 * Opens MAC(16) ‖ ciphertext(len) (len at most CHUNK - 32) at DATA under KEY
 * and NONCE. Returns 0 and leaves the plaintext at DATA + 16, or returns -1
 * when the MAC does not verify (the data is then zeroed).
 */
export function open(len: usize): i32 {
  begin();
  update(len, false);
  return openEnd();
}
