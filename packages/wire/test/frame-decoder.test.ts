import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "../src/errors";
import { FrameDecoder } from "../src/frame-decoder";
import {
  a,
  byteByByte,
  cutsArb,
  decodeChunks,
  h,
  join,
  patterned,
  referenceDecode,
  runs,
  splitAt,
  toHex,
} from "./codec-helpers";

const BODY_300 = patterned(300, 300);

/** Golden frame streams (zmtp-libzmq.md 1.2–1.5) and what must come out of them. */
const VECTORS: { name: string; wire: string; frames: { body: string; flags: number }[] }[] = [
  { name: '"Hello"', wire: "00 05 48656c6c6f", frames: [{ body: a("Hello"), flags: 0 }] },
  {
    name: '["A","BC"]',
    wire: "01 01 41 00 02 4243",
    frames: [
      { body: a("A"), flags: 1 },
      { body: a("BC"), flags: 0 },
    ],
  },
  {
    name: "300-byte long frame",
    wire: `02 00000000 0000012c ${toHex(BODY_300)}`,
    frames: [{ body: toHex(BODY_300), flags: 0 }],
  },
  {
    name: 'REQ "hi" with its empty delimiter',
    wire: "01 00 00 02 6869",
    frames: [
      { body: "", flags: 1 },
      { body: a("hi"), flags: 0 },
    ],
  },
  {
    name: "DEALER READY (zmtp_ready_dealer, 43 bytes)",
    wire: `04 29 05 ${a("READY")} 0b ${a("Socket-Type")} 00000006 ${a("DEALER")} 08 ${a("Identity")} 00000000`,
    frames: [
      {
        body: `05${a("READY")}0b${a("Socket-Type")}00000006${a("DEALER")}08${a("Identity")}00000000`,
        flags: 4,
      },
    ],
  },
  {
    name: "legacy subscribe / cancel messages then SUBSCRIBE / CANCEL commands",
    wire: `00 02 01 41 00 02 00 41 04 0b 09 ${a("SUBSCRIBE")} 41 04 08 06 ${a("CANCEL")} 41`,
    frames: [
      { body: "0141", flags: 0 },
      { body: "0041", flags: 0 },
      { body: `09${a("SUBSCRIBE")}41`, flags: 4 },
      { body: `06${a("CANCEL")}41`, flags: 4 },
    ],
  },
  {
    name: "PING/PONG with context LOL",
    wire: `04 0a 04 ${a("PING")} 0000 ${a("LOL")} 04 08 04 ${a("PONG")} ${a("LOL")}`,
    frames: [
      { body: `04${a("PING")}0000${a("LOL")}`, flags: 4 },
      { body: `04${a("PONG")}${a("LOL")}`, flags: 4 },
    ],
  },
  {
    name: "reserved flag bits are ignored (f9 = MORE + reserved), like libzmq",
    wire: "f9 01 41 f8 00",
    frames: [
      { body: "41", flags: 1 },
      { body: "", flags: 0 },
    ],
  },
  {
    name: "a long-encoded small size is accepted",
    wire: `02 0000000000000005 ${a("Hello")} 06 0000000000000000`,
    frames: [
      { body: a("Hello"), flags: 0 },
      { body: "", flags: 4 },
    ],
  },
];

describe("FrameDecoder golden vectors", () => {
  for (const vector of VECTORS) {
    const wire = h(vector.wire);
    it(`${vector.name}: whole`, () => {
      const out = decodeChunks([wire]);
      expect(out.error).toBeUndefined();
      expect(out.frames).toEqual(vector.frames);
      expect(out.decoder.bufferedBytes).toBe(0);
    });
    it(`${vector.name}: byte by byte`, () => {
      const out = decodeChunks(byteByByte(wire));
      expect(out.error).toBeUndefined();
      expect(out.frames).toEqual(vector.frames);
    });
    it(`property: ${vector.name}: split at random points`, () => {
      fc.assert(
        fc.property(cutsArb, (cuts) => {
          const out = decodeChunks(splitAt(wire, cuts));
          expect(out.error).toBeUndefined();
          expect(out.frames).toEqual(vector.frames);
          expect(out.decoder.bufferedBytes).toBe(0);
        }),
        { numRuns: runs(50) },
      );
    });
  }
});

describe("FrameDecoder buffering", () => {
  it("delivers a frame inside one chunk as a zero-copy view", () => {
    const chunk = h("00 03 616263 00 02 6465");
    const bodies: Uint8Array[] = [];
    new FrameDecoder((body) => {
      bodies.push(body);
    }).push(chunk);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.buffer).toBe(chunk.buffer);
    expect(bodies[0]!.byteOffset).toBe(chunk.byteOffset + 2);
    expect(bodies[1]!.byteOffset).toBe(chunk.byteOffset + 7);
  });

  it("copies a frame that straddles chunks, once, and keeps partial input counted", () => {
    const bodies: Uint8Array[] = [];
    const decoder = new FrameDecoder((body) => {
      bodies.push(body);
    });
    const wire = h(`02 000000000000012c ${toHex(BODY_300)}`);
    expect(decoder.push(wire.subarray(0, 5))).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(5);
    expect(decoder.push(wire.subarray(5, 200))).toBeUndefined();
    expect(bodies).toHaveLength(0);
    expect(decoder.bufferedBytes).toBe(200 - 9);
    expect(decoder.push(wire.subarray(200))).toBeUndefined();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.buffer).not.toBe(wire.buffer);
    expect(toHex(bodies[0]!)).toBe(toHex(BODY_300));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("copies straddling frames into memory from the given allocator, filled in full", () => {
    const sizes: number[] = [];
    const given: Uint8Array[] = [];
    const allocate = (n: number) => {
      sizes.push(n);
      const out = new Uint8Array(n).fill(0xee); // stale contents, as Buffer.allocUnsafe
      given.push(out);
      return out;
    };
    const bodies: Uint8Array[] = [];
    const decoder = new FrameDecoder((body) => void bodies.push(body), { allocate });
    const wire = h(`00 03 616263 02 000000000000012c ${toHex(BODY_300)}`);
    decoder.push(wire.subarray(0, 100));
    decoder.push(wire.subarray(100));
    expect(sizes).toEqual([300]); // the first frame was a view: nothing allocated
    expect(bodies[1]).toBe(given[0]);
    expect(toHex(bodies[1]!)).toBe(toHex(BODY_300));
  });

  it("ignores empty chunks", () => {
    const out = decodeChunks([new Uint8Array(0), h("00 01"), new Uint8Array(0), h("41")]);
    expect(out.frames).toEqual([{ body: "41", flags: 0 }]);
  });

  it("accepts pushes made from inside the handler, keeping order", () => {
    const seen: string[] = [];
    const decoder: FrameDecoder = new FrameDecoder((body) => {
      seen.push(toHex(body));
      if (seen.length === 1) expect(decoder.push(h("00 01 43"))).toBeUndefined();
    });
    expect(decoder.push(h("00 01 41 00 01 42"))).toBeUndefined();
    expect(seen).toEqual(["41", "42", "43"]);
  });

  it("stays consistent when the handler throws: the rest comes on the next call", () => {
    let calls = 0;
    const seen: string[] = [];
    const decoder = new FrameDecoder((body) => {
      calls++;
      if (calls === 1) throw new Error("handler bug");
      seen.push(toHex(body));
    });
    expect(() => decoder.push(h("00 01 41 00 01 42"))).toThrow("handler bug");
    expect(decoder.resume()).toBeUndefined();
    expect(seen).toEqual(["42"]);
  });
});

describe("FrameDecoder limits", () => {
  it("refuses a 2^62-byte claim with no limit set, before allocating anything", () => {
    const decoder = new FrameDecoder(() => {
      throw new Error("no frame expected");
    });
    const error = decoder.push(h("02 40 00 00 00 00 00 00 00"));
    expect(error).toBeInstanceOf(WireError);
    expect(error?.code).toBe("EMSGSIZE");
    expect(error?.reason).toBe("frame-too-large");
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("refuses a size of exactly 2^53, accepts the header of 2^53-1 with no limit", () => {
    expect(decodeChunks([h("02 0020000000000000")]).error?.reason).toBe("frame-too-large");
    const ok = decodeChunks([h("02 001fffffffffffff 41 42")]);
    expect(ok.error).toBeUndefined();
    expect(ok.decoder.bufferedBytes).toBe(2);
  });

  it("buffers only what arrived for a large claim under no limit (no up-front allocation)", () => {
    const decoder = new FrameDecoder(() => {});
    expect(decoder.push(h("02 0000010000000000"))).toBeUndefined(); // 2^40 bytes claimed
    for (let i = 0; i < 10; i++) expect(decoder.push(new Uint8Array(1000))).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(10_000);
  });

  it("checks maxMessageSize per frame, with -1 and undefined meaning unlimited", () => {
    expect(decodeChunks([h("00 03 414243")], { maxMessageSize: 3 }).error).toBeUndefined();
    const over = decodeChunks([h("00 01 41 00 04 41424344")], { maxMessageSize: 3 });
    expect(over.frames).toEqual([{ body: "41", flags: 0 }]);
    expect(over.error?.code).toBe("EMSGSIZE");
    expect(over.error?.reason).toBe("frame-too-large");
    expect(over.decoder.bufferedBytes).toBe(0);
    expect(decodeChunks([h("00 04 41424344")], { maxMessageSize: -1 }).error).toBeUndefined();
    const zero = decodeChunks([h("00 00 00 01 41")], { maxMessageSize: 0 });
    expect(zero.frames).toEqual([{ body: "", flags: 0 }]);
    expect(zero.error?.reason).toBe("frame-too-large");
  });

  it("applies a maxMessageSize changed at runtime to the next header", () => {
    const decoder = new FrameDecoder(() => {
      decoder.maxMessageSize = 1;
    });
    expect(decoder.push(h("00 02 4142"))).toBeUndefined();
    expect(decoder.push(h("00 02 4142"))?.reason).toBe("frame-too-large");
  });

  it("fails for good: later calls return the same error and deliver nothing", () => {
    const out = decodeChunks([h("02 ff"), h("ffffffffffffff")], { maxMessageSize: 10 });
    expect(out.results[0]).toBeUndefined();
    const error = out.results[1];
    expect(error?.reason).toBe("frame-too-large");
    expect(out.decoder.push(h("00 01 41"))).toBe(error);
    expect(out.decoder.resume()).toBe(error);
    expect(out.frames).toEqual([]);
  });

  it("property: oversize claims are refused when the header completes, before any body byte", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        cutsArb,
        (max, claim, cuts) => {
          fc.pre(claim > BigInt(max));
          const header = new Uint8Array(9);
          header[0] = 2;
          new DataView(header.buffer).setBigUint64(1, claim);
          const wire = new Uint8Array(9 + 64);
          wire.set(header);
          const decoder = new FrameDecoder(
            () => {
              throw new Error("no frame expected");
            },
            { maxMessageSize: max },
          );
          let fed = 0;
          let before = 0;
          let error: WireError | undefined;
          for (const chunk of splitAt(wire, cuts)) {
            before = fed;
            error = decoder.push(chunk);
            fed += chunk.length;
            if (error !== undefined) break;
            expect(decoder.bufferedBytes).toBeLessThan(9);
          }
          // The push that completed the 9-byte header is the one that failed.
          expect(before).toBeLessThan(9);
          expect(fed).toBeGreaterThanOrEqual(9);
          expect(error?.code).toBe("EMSGSIZE");
          expect(error?.reason).toBe("frame-too-large");
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe("FrameDecoder on hostile input", () => {
  it("property: random bytes never throw and end in the reference frames or exactly one typed error", () => {
    const junk = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      // Mostly valid-looking short headers, so that frames actually come out.
      fc
        .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 12 })))
        .map((parts) => new Uint8Array(parts.flatMap(([f, b]) => [f & ~2, b.length, ...b]))),
    );
    fc.assert(
      fc.property(
        junk,
        cutsArb,
        fc.option(fc.integer({ min: -1, max: 300 }), { nil: undefined }),
        (input, cuts, max) => {
          const options = max === undefined ? {} : { maxMessageSize: max };
          const out = decodeChunks(splitAt(input, cuts), options);
          const expected = referenceDecode(input, max);
          expect(out.frames).toEqual(expected.frames);
          const errors = out.results.filter((r) => r !== undefined);
          if (expected.error) {
            expect(new Set(errors).size).toBe(1);
            expect(errors[0]).toBeInstanceOf(WireError);
            expect(errors[0]!.code).toBe("EMSGSIZE");
            // The error is reported by the push that completed the bad header, then repeated.
            const first = out.results.findIndex((r) => r !== undefined);
            expect(out.results.slice(first).every((r) => r === errors[0])).toBe(true);
          } else {
            expect(errors).toEqual([]);
          }
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe("FrameDecoder pause/resume", () => {
  it("buffers while paused and delivers the rest on resume", () => {
    const seen: string[] = [];
    const decoder = new FrameDecoder((body) => {
      seen.push(toHex(body));
      return false;
    });
    expect(decoder.push(h("00 01 41 00 01 42"))).toBeUndefined();
    expect(seen).toEqual(["41"]);
    expect(decoder.paused).toBe(true);
    expect(decoder.bufferedBytes).toBe(3);
    expect(decoder.push(h("00 01 43"))).toBeUndefined();
    expect(seen).toEqual(["41"]);
    expect(decoder.bufferedBytes).toBe(6);
    expect(decoder.resume()).toBeUndefined();
    expect(seen).toEqual(["41", "42"]);
    expect(decoder.resume()).toBeUndefined();
    expect(seen).toEqual(["41", "42", "43"]);
    expect(decoder.paused).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.resume()).toBeUndefined();
    expect(decoder.paused).toBe(false);
    expect(seen).toHaveLength(3);
  });

  it("property: pausing and resuming at random delivers the same frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }),
        cutsArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        (bodies, cuts, pauses) => {
          const wire = Buffer.concat(
            bodies.flatMap((b, i) => {
              const header = b.length > 255 ? Buffer.alloc(9) : Buffer.alloc(2);
              header[0] = (i % 2) | (b.length > 255 ? 2 : 0);
              if (b.length > 255) header.writeBigUInt64BE(BigInt(b.length), 1);
              else header[1] = b.length;
              return [header, Buffer.from(b)];
            }),
          );
          const seen: string[] = [];
          let calls = 0;
          let deliveredWhilePaused = false;
          let pausedNow = false;
          const decoder = new FrameDecoder((body) => {
            if (pausedNow) deliveredWhilePaused = true;
            seen.push(toHex(body));
            const pause = pauses[calls++ % pauses.length]!;
            pausedNow = pause;
            return pause ? false : undefined;
          });
          for (const chunk of splitAt(new Uint8Array(wire), cuts)) {
            expect(decoder.push(chunk)).toBeUndefined();
            if (decoder.paused && calls % 3 === 0) {
              pausedNow = false;
              decoder.resume();
            }
          }
          let guard = 0;
          while (seen.length < bodies.length && guard++ < 1000) {
            expect(decoder.paused).toBe(true);
            pausedNow = false;
            expect(decoder.resume()).toBeUndefined();
          }
          expect(deliveredWhilePaused).toBe(false);
          expect(seen).toEqual(bodies.map(toHex));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

/** A frame's wire bytes (long form over 255 bytes). */
function frameWire(body: Uint8Array, flags = 0): Uint8Array {
  const long = body.length > 255;
  const out = new Uint8Array((long ? 9 : 2) + body.length);
  out[0] = flags | (long ? 2 : 0);
  if (long) new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  else out[1] = body.length;
  out.set(body, long ? 9 : 2);
  return out;
}

/** The decoder's bound: an allocation is at most this many times the bytes pushed so far. */
const CLAIM_RATIO = 64;

describe("FrameDecoder big frames", () => {
  it("receives a straddling body into its final buffer as chunks arrive, keeping none of them", () => {
    const body = patterned(64 * 1024, 7);
    const wire = frameWire(body);
    const given: Uint8Array[] = [];
    const bodies: Uint8Array[] = [];
    const decoder = new FrameDecoder((b) => void bodies.push(b), {
      allocate: (n) => {
        const out = new Uint8Array(n);
        given.push(out);
        return out;
      },
    });
    // 9 + 1023 bytes: under 1/64 of the body, held as chunks.
    expect(decoder.push(wire.subarray(0, 1032))).toBeUndefined();
    expect(given).toHaveLength(0);
    expect(decoder.bufferedBytes).toBe(1023);
    // One more byte reaches 1/64: the body's buffer is allocated and filled so far.
    expect(decoder.push(wire.subarray(1032, 1033))).toBeUndefined();
    expect(given.map((g) => g.length)).toEqual([body.length]);
    expect(toHex(given[0]!.subarray(0, 1024))).toBe(toHex(body.subarray(0, 1024)));
    expect(decoder.bufferedBytes).toBe(1024);
    // Later chunks are written straight into it.
    expect(decoder.push(wire.subarray(1033, 40_000))).toBeUndefined();
    expect(toHex(given[0]!.subarray(0, 40_000 - 9))).toBe(toHex(body.subarray(0, 40_000 - 9)));
    expect(decoder.bufferedBytes).toBe(40_000 - 9);
    const tail = h("00 02 4142");
    const rest = new Uint8Array(wire.length - 40_000 + tail.length);
    rest.set(wire.subarray(40_000));
    rest.set(tail, wire.length - 40_000);
    expect(decoder.push(rest)).toBeUndefined();
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(given[0]);
    expect(toHex(bodies[0]!)).toBe(toHex(body));
    expect(toHex(bodies[1]!)).toBe("4142");
    expect(given).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("never allocates a claim with a few bytes sent, under no limit", () => {
    for (const claim of [1 << 20, 2 ** 32, 2 ** 40, 2 ** 53 - 1]) {
      const sizes: number[] = [];
      const decoder = new FrameDecoder(() => {}, {
        allocate: (n) => {
          sizes.push(n);
          return new Uint8Array(n);
        },
      });
      const header = new Uint8Array(9);
      header[0] = 2;
      new DataView(header.buffer).setBigUint64(1, BigInt(claim));
      expect(decoder.push(header)).toBeUndefined();
      // Just under 1/64 of the claim, or 64 KiB at most, in 1000-byte chunks.
      const budget = Math.min(Math.ceil(claim / CLAIM_RATIO) - 1, 64 * 1024);
      for (let sent = 0; sent < budget; sent += 1000) {
        expect(decoder.push(new Uint8Array(Math.min(1000, budget - sent)))).toBeUndefined();
      }
      expect(sizes).toEqual([]);
      expect(decoder.bufferedBytes).toBe(budget);
    }
  });

  it("reports EMSGSIZE when the body's buffer cannot be allocated", () => {
    const decoder = new FrameDecoder(() => {}, {
      allocate: () => {
        throw new RangeError("Array buffer allocation failed");
      },
    });
    const header = h("02 0000000000100000"); // 1 MiB
    expect(decoder.push(header)).toBeUndefined();
    const error = decoder.push(new Uint8Array(1 << 16));
    expect(error?.code).toBe("EMSGSIZE");
    expect(error?.message).toContain("cannot be allocated");
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("property: any chunking and pausing decodes big frames identically, allocating at most 64x what arrived, once per copied frame", () => {
    const bigBody = fc
      .record({ length: fc.integer({ min: 0, max: 40_000 }), seed: fc.integer() })
      .map(({ length, seed }) => patterned(length, seed));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(bigBody, fc.uint8Array({ maxLength: 300 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        (bodies, sizes, pauses) => {
          const wire = join(bodies.map((b, i) => frameWire(b, i % 2)));
          let pushed = 0;
          const allocations: { size: number; pushed: number }[] = [];
          const seen: string[] = [];
          let calls = 0;
          const decoder = new FrameDecoder(
            (body) => {
              seen.push(toHex(body));
              return pauses[calls++ % pauses.length] ? false : undefined;
            },
            {
              allocate: (n) => {
                allocations.push({ size: n, pushed });
                return new Uint8Array(n).fill(0xee);
              },
            },
          );
          let at = 0;
          let i = 0;
          while (at < wire.length) {
            const end = Math.min(wire.length, at + sizes[i++ % sizes.length]!);
            pushed += end - at;
            expect(decoder.push(wire.subarray(at, end))).toBeUndefined();
            at = end;
            if (decoder.paused && i % 2 === 0) expect(decoder.resume()).toBeUndefined();
          }
          let guard = 0;
          while (seen.length < bodies.length && guard++ < 100) {
            expect(decoder.resume()).toBeUndefined();
          }
          expect(seen).toEqual(bodies.map(toHex));
          expect(decoder.bufferedBytes).toBe(0);
          for (const { size, pushed: before } of allocations) {
            expect(size).toBeLessThanOrEqual(CLAIM_RATIO * before);
          }
          // Every allocation became a delivered frame: no chunk was copied twice.
          expect(allocations.length).toBeLessThanOrEqual(bodies.length);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe("FrameDecoder direct reads (readTarget)", () => {
  /** A long-frame header for `size` body bytes with `flags`. */
  function longHeader(size: number, flags = 0): Uint8Array {
    const header = new Uint8Array(9);
    header[0] = 0x02 | flags;
    new DataView(header.buffer).setBigUint64(1, BigInt(size));
    return header;
  }

  /** Feeds `data` the way a transport with direct reads would: into readTarget() when offered. */
  function feed(decoder: FrameDecoder, data: Uint8Array, readSize: number): number {
    let direct = 0;
    let at = 0;
    while (at < data.length) {
      const target = decoder.readTarget();
      const n = Math.min(readSize, data.length - at, target?.length ?? readSize);
      let chunk: Uint8Array;
      if (target !== undefined) {
        target.set(data.subarray(at, at + n));
        chunk = target.subarray(0, n);
        direct += n;
      } else {
        chunk = data.slice(at, at + n);
      }
      expect(decoder.push(chunk)).toBeUndefined();
      at += n;
    }
    return direct;
  }

  it("offers the rest of a body once allocated and takes bytes written there without a copy", () => {
    const frames: Uint8Array[] = [];
    const decoder = new FrameDecoder((body) => {
      frames.push(body);
    });
    const body = patterned(1 << 20, 7);
    const wire = join([longHeader(body.length), body, h("00 01 41")]);
    const direct = feed(decoder, wire, 65536);
    expect(frames.map((f) => f.length)).toEqual([body.length, 1]);
    expect(toHex(frames[0]!) === toHex(body)).toBe(true);
    // Everything after the first 1/64 arrived (and the first read) went straight in.
    expect(direct).toBeGreaterThan(body.length - 65536 - (body.length >> 6));
    expect(decoder.readTarget()).toBeUndefined();
  });

  it("with a maxMessageSize, a body within it is allocated when its header is read", () => {
    let allocated = 0;
    const decoder = new FrameDecoder(() => {}, {
      maxMessageSize: 1 << 20,
      allocate: (size) => {
        allocated += size;
        return new Uint8Array(size);
      },
    });
    expect(decoder.push(longHeader(1 << 20))).toBeUndefined();
    expect(allocated).toBe(1 << 20);
    expect(decoder.readTarget()?.length).toBe(1 << 20);
  });

  it("with no limit, holds a large claim's chunks until 1/64 of it has arrived", () => {
    let allocated = 0;
    const decoder = new FrameDecoder(() => {}, {
      allocate: (size) => {
        allocated += size;
        return new Uint8Array(size);
      },
    });
    const size = 64 * 100_000;
    expect(decoder.push(longHeader(size))).toBeUndefined();
    expect(decoder.readTarget()).toBeUndefined();
    expect(decoder.push(new Uint8Array(99_999))).toBeUndefined();
    expect(allocated).toBe(0);
    expect(decoder.readTarget()).toBeUndefined();
    expect(decoder.push(new Uint8Array(1))).toBeUndefined();
    expect(allocated).toBe(size);
    expect(decoder.readTarget()?.length).toBe(size - 100_000);
    expect(decoder.bufferedBytes).toBe(100_000);
  });

  it("offers nothing for a small rest, while other input is queued, or after a failure", () => {
    const decoder = new FrameDecoder(() => {}, { maxMessageSize: 100_000 });
    expect(decoder.push(join([longHeader(10_000), new Uint8Array(5000)]))).toBeUndefined();
    expect(decoder.readTarget()).toBeUndefined(); // 5000 bytes to go: under 8 KiB
    const other = new FrameDecoder(() => {}, { maxMessageSize: 100_000 });
    other.push(longHeader(50_000));
    expect(other.readTarget()?.length).toBe(50_000);
    expect(other.push(longHeader(200_000))).toBeUndefined(); // body bytes, by a copy
    expect(other.readTarget()?.length).toBe(50_000 - 9);
    const failed = new FrameDecoder(() => {}, { maxMessageSize: 10 });
    expect(failed.push(longHeader(50_000))?.reason).toBe("frame-too-large");
    expect(failed.readTarget()).toBeUndefined();
  });

  it("a chunk that is not the offered memory is copied as usual", () => {
    const frames: Uint8Array[] = [];
    const decoder = new FrameDecoder(
      (body) => {
        frames.push(body);
      },
      { maxMessageSize: 1 << 20 },
    );
    decoder.push(longHeader(20_000));
    const target = decoder.readTarget()!;
    // Same buffer, wrong offset: must not be taken as in place.
    const wrong = target.subarray(1, 1 + 10_000);
    wrong.fill(5);
    decoder.push(wrong);
    decoder.push(new Uint8Array(10_000).fill(6));
    expect(frames.length).toBe(1);
    expect(frames[0]![0]).toBe(5);
    expect(frames[0]![9_999]).toBe(5);
    expect(frames[0]![10_000]).toBe(6);
  });

  it("property: any mix of direct and copied reads gives the same frames as the reference", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40_000 }),
        fc.boolean(),
        (sizes, readSize, limited) => {
          const bodies = sizes.map((size, i) => patterned(size, i + 1));
          const wire = join(
            bodies.map((body, i) =>
              join([
                body.length <= 255
                  ? Uint8Array.of(i < bodies.length - 1 ? 1 : 0, body.length)
                  : longHeader(body.length, i < bodies.length - 1 ? 1 : 0),
                body,
              ]),
            ),
          );
          const frames: string[] = [];
          const decoder = new FrameDecoder(
            (body) => {
              frames.push(toHex(body));
            },
            limited ? { maxMessageSize: 70_000 } : {},
          );
          feed(decoder, wire, readSize);
          expect(frames).toEqual(bodies.map((body) => toHex(body)));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: runs(60) },
    );
  });
});
