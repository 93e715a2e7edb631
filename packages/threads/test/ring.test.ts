import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createRing,
  H,
  REWIND_AT,
  RingReader,
  RingWriter,
  SHARED_MIN_BYTES,
  type SharedMemoryTable,
} from "../src/ring";

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
        // 512 KiB: past REWIND_AT, an empty ring makes the writer go back to offset 0.
        fc.constantFrom(4096, 8192, 65536, 512 * 1024),
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

  it("go back to offset 0 when the ring has little unread past REWIND_AT (small messages stay in the first pages)", () => {
    const capacity = 1024 * 1024;
    const sab = createRing(capacity, 0);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    let highest = 0;
    let wrong = 0;
    const sent = new Uint8Array(100);
    for (let i = 0; i < 12_000; i++) {
      sent.fill(i & 255);
      if (!writer.write([sent])) throw new Error(`no room at ${i}`);
      highest = Math.max(highest, (writer.position - 1) % capacity);
      writer.publish();
      const got = reader.read()?.[0];
      if (got?.byteLength !== 100 || got[0] !== (i & 255) || got[99] !== (i & 255)) wrong++;
      // The reader publishes its position every few messages (and whenever it finds none).
      if (i % 7 === 0 && reader.read() !== undefined) wrong++;
    }
    expect(wrong).toBe(0);
    // 12,000 records of 128 bytes cover 1.5 MiB: past the end of the ring, had the writer not gone back.
    expect(writer.position).toBeGreaterThan(capacity);
    expect(highest).toBeLessThan(REWIND_AT + 128 * 64);
  });

  it("does not go back while the reader is behind (what it has not read stays where it is)", () => {
    const capacity = 1024 * 1024;
    const sab = createRing(capacity, 0);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const big = new Uint8Array(60_000);
    // Fill to past REWIND_AT without reading.
    let written = 0;
    while (writer.position < REWIND_AT + 1000) {
      big[0] = written++;
      expect(writer.write([big])).toBe(true);
    }
    const before = writer.position;
    big[0] = written++;
    expect(writer.write([big])).toBe(true);
    expect(writer.position - before).toBeLessThan(70_000); // appended, no pad to the end
    writer.publish();
    for (let i = 0; i < written; i++) expect(reader.read()?.[0]?.[0]).toBe(i & 255);
    expect(reader.read()).toBeUndefined();
  });
});

describe("ring thresholds", () => {
  /** `size` bytes, `skew` bytes into their buffer, each byte derived from (seed, index). */
  const patterned = (size: number, skew: number, seed: number): Uint8Array => {
    const out = new Uint8Array(size + skew + 1).subarray(skew, skew + size);
    for (let j = 0; j < size; j++) out[j] = (seed * 31 + j * 7 + (j >> 8)) & 0xff;
    return out;
  };

  it("frames just under, at and over the whole-record limit and the piece size keep every byte", () => {
    for (const capacity of [4096, 65536]) {
      // A message goes as one record while its encoding fits a piece (a quarter of
      // the ring, less 16): one frame of `capacity / 4 - 40` bytes is the largest
      // that does. Past it, pieces of `maxPiece` bytes; a message of k pieces ends
      // at the k-th multiple. Probe around both edges, at every alignment.
      const maxPiece = capacity / 4 - 16;
      const edges = [capacity / 4 - 40, maxPiece - 16, maxPiece, 2 * maxPiece - 16, 3 * maxPiece];
      const sizes = [...new Set(edges.flatMap((e) => [-9, -8, -1, 0, 1, 7, 8].map((d) => e + d)))];
      const sab = createRing(capacity, 0);
      const writer = new RingWriter(sab);
      const reader = new RingReader(sab);
      let seed = 0;
      for (const size of sizes) {
        for (let skew = 0; skew < 8; skew++) {
          // Alone, and in a multipart message between small frames.
          for (const shape of [[size], [3, size, 0, 17]]) {
            seed++;
            const sent = shape.map((s, k) => patterned(s, (skew + k) & 7, seed + k));
            const got: Uint8Array[][] = [];
            let steps = 0;
            while (!writer.write(sent)) {
              writer.publish();
              for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
              if (++steps > 1000) throw new Error(`no progress at ${size}`);
            }
            writer.publish();
            for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
            expect(got, `size ${size} skew ${skew}`).toHaveLength(1);
            expect(got[0]!.map((f) => f.byteLength)).toEqual(shape);
            got[0]!.forEach((f, k) => {
              expect(Buffer.from(f).equals(Buffer.from(sent[k]!)), `size ${size} frame ${k}`).toBe(
                true,
              );
            });
          }
        }
      }
      expect(reader.read()).toBeUndefined();
    }
  });
});

describe("ring frames by reference", () => {
  /** A table knowing `known` (id → memory); ids of other memory are unknown. */
  const table = (known: Map<number, SharedArrayBuffer>): SharedMemoryTable => ({
    idOf: (buffer) => {
      for (const [id, memory] of known) if (memory === buffer) return id;
      return undefined;
    },
    get: (id) => known.get(id),
  });

  it("frames in shared memory cross as views of it (no copy), mixed with copied frames, whole and in pieces", () => {
    const pool = new SharedArrayBuffer(4 * 1024 * 1024);
    const memory = table(new Map([[7, pool]]));
    const fill = (view: Uint8Array, seed: number) => {
      for (let j = 0; j < view.byteLength; j += 1) view[j] = (seed + j * 3) & 0xff;
      return view;
    };
    for (const capacity of [4096, 65536]) {
      const sab = createRing(capacity, 0);
      const writer = new RingWriter(sab, memory);
      const reader = new RingReader(sab, undefined, memory);
      // Small copied frames sized to push the message past a piece, shared frames at the threshold and far above the ring.
      const shapes: [number, boolean][][] = [
        [[SHARED_MIN_BYTES, true]],
        [[SHARED_MIN_BYTES - 1, true]],
        [
          [5, false],
          [3_000_000, true],
          [0, false],
          [capacity / 4, false],
          [200, true],
        ],
        [
          [capacity, false],
          [100_000, true],
          [17, false],
        ],
      ];
      let offset = 8;
      for (const [n, shape] of shapes.entries()) {
        const sent = shape.map(([size, shared], k) => {
          if (!shared) return fill(new Uint8Array(size + 3).subarray(3), n * 10 + k);
          const view = fill(new Uint8Array(pool, offset, size), n * 10 + k);
          offset += size + 5;
          return view;
        });
        const got: Uint8Array[][] = [];
        let steps = 0;
        while (!writer.write(sent)) {
          writer.publish();
          for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
          if (++steps > 10_000) throw new Error("no progress");
        }
        writer.publish();
        for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
        expect(got).toHaveLength(1);
        got[0]!.forEach((frame, k) => {
          const source = sent[k]!;
          expect(Buffer.from(frame).equals(Buffer.from(source))).toBe(true);
          // Over the threshold in shared memory: the same bytes, not a copy.
          const byReference = shape[k]![1] && source.byteLength >= SHARED_MIN_BYTES;
          expect(frame.buffer === pool).toBe(byReference);
          if (byReference) expect(frame.byteOffset).toBe(source.byteOffset);
        });
      }
    }
  });

  it("(property) messages mixing copied frames and frames by reference arrive whole and in order, through wrap-around, padding and pieces", () => {
    const pool = new SharedArrayBuffer(1 << 20);
    new Uint8Array(pool).forEach((_, j, all) => {
      all[j] = (j * 7 + (j >> 9)) & 0xff;
    });
    const memory = table(new Map([[9, pool]]));
    const sharedFrame = fc
      .tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: (1 << 20) - 30_000 }))
      .map(([size, offset]) => new Uint8Array(pool, offset, size));
    const mixed = fc.array(fc.oneof(frame, sharedFrame), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(mixed, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(4096, 8192, 65536),
        fc.integer({ min: 1, max: 7 }),
        (messages, capacity, readEvery) => {
          const sab = createRing(capacity, 0);
          const writer = new RingWriter(sab, memory);
          const reader = new RingReader(sab, undefined, memory);
          const got: Uint8Array[][] = [];
          let next = 0;
          let steps = 0;
          while (got.length < messages.length) {
            if (++steps > 100_000) throw new Error("no progress");
            for (let i = 0; i < readEvery && next < messages.length; i++) {
              if (!writer.write(messages[next]!)) break;
              next++;
            }
            writer.publish();
            for (let m = reader.read(); m !== undefined; m = reader.read()) got.push(m);
          }
          got.forEach((m, i) => {
            const sent = messages[i]!;
            expect(m.length).toBe(sent.length);
            m.forEach((f, j) => {
              const source = sent[j]!;
              expect(Buffer.from(f).equals(Buffer.from(source))).toBe(true);
              const byReference = source.buffer === pool && source.byteLength >= SHARED_MIN_BYTES;
              expect(f.buffer === pool).toBe(byReference);
            });
          });
          expect(reader.read()).toBeUndefined();
        },
      ),
      { numRuns: runs },
    );
  });

  it("a message referring to memory the reader does not know yet stays unread until it does", () => {
    const pool = new SharedArrayBuffer(1 << 20);
    const known = new Map<number, SharedArrayBuffer>();
    for (const capacity of [4096, 1 << 20]) {
      const sab = createRing(capacity, 0);
      const writer = new RingWriter(sab, table(new Map([[3, pool]])));
      const reader = new RingReader(sab, undefined, table(known));
      known.delete(3);
      // Whole record (small ring: in pieces) and then a plain message behind it.
      expect(writer.write([new Uint8Array(10).fill(1), new Uint8Array(pool, 0, 60_000)])).toBe(
        true,
      );
      expect(writer.write([new Uint8Array(8).fill(2)])).toBe(true);
      writer.publish();
      expect(reader.read()).toBeUndefined();
      expect(reader.blockedOn).toBe(3);
      expect(reader.empty).toBe(false);
      expect(reader.read()).toBeUndefined();
      known.set(3, pool);
      const first = reader.read()!;
      expect(first[1]!.buffer).toBe(pool);
      expect(first[1]!.byteLength).toBe(60_000);
      expect(reader.blockedOn).toBeUndefined();
      expect(reader.read()![0]![0]).toBe(2);
      expect(reader.read()).toBeUndefined();
    }
  });

  it("a reference past the end of its memory is refused as corrupt", () => {
    const small = new SharedArrayBuffer(1024);
    const big = new SharedArrayBuffer(4096);
    const sab = createRing(4096, 0);
    // The writer knows id 1 as the big memory, the reader as the small one.
    const writer = new RingWriter(sab, table(new Map([[1, big]])));
    const reader = new RingReader(sab, undefined, table(new Map([[1, small]])));
    expect(writer.write([new Uint8Array(big, 2000, 1000)])).toBe(true);
    writer.publish();
    expect(() => reader.read()).toThrow(/reference range/);
  });
});
