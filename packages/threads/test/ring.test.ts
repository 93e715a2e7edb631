import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRing, H, RingReader, RingWriter } from "../src/ring";

const runs = Number(process.env.FUZZ_RUNS ?? 100);

/** A frame at any alignment: a view starting 0-7 bytes into its buffer. */
const frame = fc
  .tuple(
    fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ minLength: 500, maxLength: 3000 }),
      fc.uint8Array({ minLength: 5000, maxLength: 20000 }),
    ),
    fc.integer({ min: 0, max: 7 }),
  )
  .map(([bytes, skew]) => {
    const out = new Uint8Array(bytes.byteLength + skew).subarray(skew);
    out.set(bytes);
    return out;
  });
const message = fc.array(frame, { minLength: 0, maxLength: 5 });

describe("ring (property)", () => {
  it("delivers every message whole and in order, through wrap-around, padding and pieces", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(4096, 8192, 65536),
        fc.integer({ min: 1, max: 7 }),
        // Positions are wrapping 32-bit counters: start near 2^31 (sign change) and 2^32.
        fc.constantFrom(0, 2 ** 31 - 8192, 2 ** 32 - 8192),
        (messages, capacity, readEvery, start) => {
          const sab = createRing(capacity, 0);
          const header = new Int32Array(sab, 0, 128);
          Atomics.store(header, H.W_POS, start | 0);
          Atomics.store(header, H.R_POS, start | 0);
          const writer = new RingWriter(sab);
          const reader = new RingReader(sab);
          const got: Uint8Array[][] = [];
          let next = 0;
          let steps = 0;
          while (got.length < messages.length) {
            if (++steps > 100_000) throw new Error("no progress");
            // Write some, as far as room allows (a refused message is retried as is).
            for (let i = 0; i < readEvery && next < messages.length; i++) {
              if (!writer.write(messages[next]!)) break;
              next++;
            }
            writer.publish();
            for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
          }
          expect(got.length).toBe(messages.length);
          got.forEach((m, i) => {
            const sent = messages[i]!;
            expect(m.length).toBe(sent.length);
            m.forEach((f, j) => {
              expect(Buffer.from(f.buffer, f.byteOffset, f.byteLength).equals(sent[j]!)).toBe(true);
              // Copied out at the source's alignment (word-wise copies both ways).
              expect(f.byteOffset & 7).toBe(sent[j]!.byteOffset & 7);
            });
          });
          expect(reader.read()).toBeUndefined();
        },
      ),
      { numRuns: runs },
    );
  });
});

describe("ring positions", () => {
  it("keep going past 2^31 bytes (positions compared as unsigned counters)", () => {
    const sab = createRing(4096, 0);
    const header = new Int32Array(sab, 0, 128);
    Atomics.store(header, H.W_POS, (2 ** 31 - 2048) | 0);
    Atomics.store(header, H.R_POS, (2 ** 31 - 2048) | 0);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    for (let i = 0; i < 20; i++) {
      const sent = new Uint8Array(900).fill(i);
      expect(writer.write([sent])).toBe(true);
      writer.publish();
      const got = reader.read();
      expect(got?.[0]).toEqual(sent);
      expect(reader.read()).toBeUndefined();
      expect(reader.empty).toBe(true);
    }
  });
});
