/**
 * The SIMD WebAssembly XSalsa20-Poly1305 that seals and opens MESSAGE boxes
 * (assembly/xsalsa20poly1305.ts), against libsodium: known answers pinned from
 * libsodium's `crypto_secretbox_easy`, byte-for-byte agreement on every length
 * up to 1,200 B and on large ones, forgeries rejected, and the committed
 * module equal to a fresh compile of its source.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import sodium from "libsodium-wrappers";
import nacl from "tweetnacl";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { messageCipher, openFrame, ready, sealFrameInto } from "../src/nacl";

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 1) & 255);
const NONCE = Uint8Array.from({ length: 24 }, (_, i) => (i * 13 + 5) & 255);
const message = (length: number) => Uint8Array.from({ length }, (_, j) => (j * 31 + length) & 255);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Seals `m` (its first byte is the MESSAGE flags byte) through the path under test. */
function seal(m: Uint8Array, nonce = NONCE, key = KEY): Uint8Array {
  const out = new Uint8Array(m.length + 16 + 3).fill(0xee);
  sealFrameInto(m[0]!, m.subarray(1), nonce, key, out, 3);
  expect(out.subarray(0, 3)).toEqual(new Uint8Array(3).fill(0xee)); // nothing before `at`
  return out.subarray(3);
}

/** Opens through the path under test; the flags byte back in front. */
function open(sealed: Uint8Array, nonce = NONCE, key = KEY, inPlace = false) {
  const copy = Uint8Array.from(sealed);
  const opened = openFrame(copy, nonce, key, (n) => new Uint8Array(n), inPlace);
  if (opened === undefined) return undefined;
  return Uint8Array.from([opened.flags, ...opened.body]);
}

beforeAll(async () => {
  await ready();
  await sodium.ready;
});

afterEach(() => {
  messageCipher("wasm-simd");
});

describe("SIMD XSalsa20-Poly1305 (MESSAGE boxes)", () => {
  it("is the path in use where WebAssembly SIMD is available (Node 20+)", () => {
    expect(messageCipher()).toBe("wasm-simd");
  });

  it("gives libsodium's known answers", () => {
    // Pinned from libsodium-wrappers 0.8.4 crypto_secretbox_easy(message(33), NONCE, KEY).
    expect(hex(seal(message(33)))).toBe(
      "602c6506df79159938f72e7047e77071978134c13dfe9fc0073739fa2daece60" +
        "88bfbff6c3a1c0f9d3bb372f35618c65a1",
    );
    // SHA-256 over libsodium's boxes of message(L) for lengths around every block and batch edge.
    const lengths = [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 223, 224, 225, 255, 256, 257];
    lengths.push(479, 480, 481, 1000, 4096, 65553, 1048576);
    const digest = createHash("sha256");
    for (const length of lengths) digest.update(seal(message(length)));
    expect(digest.digest("hex")).toBe(
      "7300561d13cf9235a96c6dd701a2961cef28d3150bdfb6d8056874512ed126f7",
    );
  });

  it("agrees with libsodium and tweetnacl byte for byte on 1 B to 1,200 B, both ways", () => {
    for (let length = 1; length <= 1200; length++) {
      const key = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(24));
      const m = new Uint8Array(randomBytes(length));
      const expected = sodium.crypto_secretbox_easy(m, nonce, key);
      const sealed = seal(m, nonce, key);
      expect(hex(sealed)).toBe(hex(expected));
      expect(hex(nacl.secretbox(m, nonce, key))).toBe(hex(expected));
      expect(open(expected, nonce, key)).toEqual(m);
    }
  });

  it("agrees with libsodium on large boxes (64 KiB to 3 MiB), opened in place too", () => {
    for (const length of [65536, 65537, 65536 * 3 + 5, 1 << 20, 3 << 20, 100]) {
      const m = new Uint8Array(randomBytes(length));
      const key = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(24));
      const expected = sodium.crypto_secretbox_easy(m, nonce, key);
      expect(Buffer.from(seal(m, nonce, key)).equals(Buffer.from(expected))).toBe(true);
      const opened = open(expected, nonce, key, true);
      expect(opened && Buffer.from(opened).equals(Buffer.from(m))).toBe(true);
    }
  });

  it("agrees with libsodium across the chunk edges of large boxes (16 KiB chunks)", () => {
    // The first chunk is 16,352 bytes of plaintext (flags byte included), later ones 16,384.
    const edges = [16351, 16352, 16353, 16352 + 16384 - 1, 16352 + 16384, 16352 + 16384 + 1];
    for (const length of [...edges, 16352 + 16384 * 2 + 15, 16352 + 16384 * 2 + 17]) {
      const m = new Uint8Array(randomBytes(length));
      const key = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(24));
      const expected = sodium.crypto_secretbox_easy(m, nonce, key);
      expect(Buffer.from(seal(m, nonce, key)).equals(Buffer.from(expected))).toBe(true);
      for (const inPlace of [false, true]) {
        const opened = open(expected, nonce, key, inPlace);
        expect(opened && Buffer.from(opened).equals(Buffer.from(m))).toBe(true);
      }
    }
  });

  it("agrees with libsodium at every batch edge of a later chunk (MAC interleaved with the rounds)", () => {
    // A later chunk runs in 256-byte batches from its start; sealing MACs each batch inside the
    // next one's rounds, or inside the tail's keystream block, or alone when nothing follows.
    const start = 16352 + 16384; // the third chunk begins here
    for (const tail of [0, 1, 15, 16, 17, 240, 255]) {
      for (const batches of [0, 1, 3]) {
        const length = start + 256 * batches + tail;
        const m = new Uint8Array(randomBytes(length));
        const key = new Uint8Array(randomBytes(32));
        const nonce = new Uint8Array(randomBytes(24));
        const expected = sodium.crypto_secretbox_easy(m, nonce, key);
        expect(Buffer.from(seal(m, nonce, key)).equals(Buffer.from(expected))).toBe(true);
        const opened = open(expected, nonce, key, true);
        expect(opened && Buffer.from(opened).equals(Buffer.from(m))).toBe(true);
      }
    }
  });

  it("rejects a flip in any 16-byte block of a batch, whichever round MACs it", () => {
    // 224 bytes of the first chunk (MACed inside the first batch's rounds when sealing), two
    // whole batches, a whole batch followed by a tail, and the tail itself, in the first chunk
    // and in a later one.
    const m = new Uint8Array(randomBytes(16352 + 256 * 2 + 100));
    const sealed = seal(m).slice();
    const offsets: number[] = [];
    for (const batch of [0, 224, 480, 16352 - 256 + 224, 16352, 16352 + 256]) {
      for (let block = 0; block < 16; block++) offsets.push(16 + batch + block * 16 + (block % 16));
    }
    offsets.push(sealed.length - 1, sealed.length - 100);
    for (const at of offsets.filter((at) => at < sealed.length)) {
      const bad = Uint8Array.from(sealed);
      bad[at] = bad[at]! ^ 0x01;
      expect(open(bad)).toBeUndefined();
      expect(open(bad, NONCE, KEY, true)).toBeUndefined();
    }
    expect(open(sealed)).toEqual(m);
  });

  it("rejects a large box with a flip in any chunk or in the MAC, and zeroes what it opened", () => {
    const m = new Uint8Array(randomBytes(16352 + 16384 * 3 + 100));
    const sealed = seal(m).slice();
    for (const at of [0, 15, 16, 16 + 16352, 16 + 16352 + 16384 * 2 + 7, sealed.length - 1]) {
      const bad = Uint8Array.from(sealed);
      bad[at] = bad[at]! ^ 0x10;
      for (const inPlace of [false, true]) {
        let body: Uint8Array | undefined;
        const copy = Uint8Array.from(bad);
        const opened = openFrame(copy, NONCE, KEY, (n) => (body = new Uint8Array(n)), inPlace);
        expect(opened).toBeUndefined();
        // No plaintext stays behind: neither in memory from `allocate` nor over the box.
        const written = inPlace ? copy.subarray(17) : body!;
        expect(written.every((byte) => byte === 0)).toBe(true);
      }
    }
    expect(open(sealed)).toEqual(m);
  });

  it("rejects every single-bit flip, a wrong nonce and a wrong key", () => {
    const m = message(300);
    const sealed = seal(m);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i] = bad[i]! ^ (1 << (i % 8));
      expect(open(bad)).toBeUndefined();
    }
    const otherNonce = Uint8Array.from(NONCE);
    otherNonce[23] = otherNonce[23]! ^ 1;
    expect(open(sealed, otherNonce)).toBeUndefined();
    const otherKey = Uint8Array.from(KEY);
    otherKey[0] = otherKey[0]! ^ 0x80;
    expect(open(sealed, NONCE, otherKey)).toBeUndefined();
    expect(open(sealed.subarray(0, 16))).toBeUndefined(); // no flags byte
    expect(open(sealed)).toEqual(m); // and the genuine box still opens after the failures
  });

  it("matches the libsodium path on random lengths, keys and nonces (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        (m, key, nonce) => {
          const ours = seal(m, nonce, key).slice();
          messageCipher("libsodium");
          const theirs = seal(m, nonce, key).slice();
          const back = open(ours, nonce, key);
          messageCipher("wasm-simd");
          expect(hex(ours)).toBe(hex(theirs));
          expect(back).toEqual(m);
          expect(open(theirs, nonce, key)).toEqual(m);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the committed module is a fresh compile of assembly/xsalsa20poly1305.ts", async () => {
    const script = new URL("../scripts/build-wasm.mjs", import.meta.url).href;
    const { compileWasm, moduleText, OUTPUT } = (await import(script)) as {
      compileWasm(): Promise<Uint8Array>;
      moduleText(bytes: Uint8Array): string;
      OUTPUT: string;
    };
    expect(OUTPUT).toBe(fileURLToPath(new URL("../src/xsalsa20poly1305-wasm.ts", import.meta.url)));
    const committed = readFileSync(OUTPUT, "utf8");
    expect(committed).toBe(moduleText(await compileWasm())); // else: pnpm --filter @zmq/curve build:wasm
  }, 60_000);
});
