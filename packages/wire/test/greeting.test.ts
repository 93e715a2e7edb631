import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "../src/errors";
import {
  encodeGreeting,
  GREETING_SIZE,
  GreetingDecoder,
  type GreetingResult,
} from "../src/greeting";
import { a, byteByByte, cutsArb, h, join, runs, splitAt, toHex } from "./codec-helpers";

/** libzmq's 3.1 NULL greeting (zmtp-libzmq.md 1.1): padding 00×7 01, as-server 0. */
const LIBZMQ_NULL = `ff 00000000000000 01 7f 03 01 ${a("NULL")} ${"00".repeat(16)} 00 ${"00".repeat(31)}`;

/** Feeds chunks; returns the last result and the index of the chunk that settled it. */
function feed(chunks: readonly Uint8Array[]): { result: GreetingResult; at: number; rest: string } {
  const decoder = new GreetingDecoder();
  let result: GreetingResult = { status: "partial" };
  let at = -1;
  const rest: Uint8Array[] = [];
  chunks.forEach((chunk, i) => {
    const r = decoder.push(chunk);
    if (r.status !== "partial" && at < 0) at = i;
    if (r.status === "done") rest.push(r.rest);
    result = r;
  });
  return { result, at, rest: toHex(join(rest)) };
}

describe("encodeGreeting", () => {
  it("matches libzmq's NULL greeting byte for byte", () => {
    const greeting = encodeGreeting();
    expect(greeting.length).toBe(GREETING_SIZE);
    expect(toHex(greeting)).toBe(LIBZMQ_NULL.replace(/\s+/g, ""));
  });

  it("writes mechanism, as-server and minor where they belong", () => {
    const greeting = encodeGreeting({ mechanism: "CURVE", asServer: true, minor: 0 });
    expect(toHex(greeting.subarray(10, 33))).toBe(`0300${a("CURVE")}${"00".repeat(15)}01`);
    expect(greeting.subarray(33).every((b) => b === 0)).toBe(true);
  });

  it("rejects mechanisms over 20 ASCII bytes and bad minors with EINVAL", () => {
    expect(() => encodeGreeting({ mechanism: "X".repeat(21) })).toThrow(WireError);
    expect(() => encodeGreeting({ mechanism: "NÜLL" })).toThrow(WireError);
    expect(() => encodeGreeting({ minor: 256 })).toThrow(WireError);
    expect(
      encodeGreeting({ mechanism: "X".repeat(20) })
        .subarray(12, 32)
        .every((b) => b === 88),
    ).toBe(true);
  });
});

describe("GreetingDecoder", () => {
  it("decodes libzmq's NULL greeting whole, with an empty rest", () => {
    const { result } = feed([h(LIBZMQ_NULL)]);
    expect(result).toEqual({
      status: "done",
      greeting: { major: 3, minor: 1, mechanism: "NULL", asServer: false },
      rest: new Uint8Array(0),
    });
  });

  it("decodes it byte by byte, settling exactly on byte 64", () => {
    const { result, at } = feed(byteByByte(h(LIBZMQ_NULL)));
    expect(result.status).toBe("done");
    expect(at).toBe(63);
  });

  it("returns the bytes after the greeting as a zero-copy view", () => {
    const wire = h(`${LIBZMQ_NULL} 04 19 05`);
    const result = new GreetingDecoder().push(wire);
    if (result.status !== "done") throw new Error(`unexpected ${result.status}`);
    expect(toHex(result.rest)).toBe("041905");
    expect(result.rest.buffer).toBe(wire.buffer);
    expect(result.rest.byteOffset).toBe(wire.byteOffset + 64);
  });

  it("never validates padding or as-server, and keeps majors above 3", () => {
    const greeting = h(LIBZMQ_NULL);
    greeting.fill(0xaa, 1, 9);
    greeting[9] = 0x7f;
    greeting[10] = 4;
    greeting[32] = 0x01;
    greeting.fill(0x55, 33);
    const { result } = feed([greeting]);
    expect(result).toMatchObject({
      status: "done",
      greeting: { major: 4, minor: 1, mechanism: "NULL", asServer: true },
    });
  });

  it("trims only trailing NULs from the mechanism, so junk after a NUL still mismatches", () => {
    const greeting = encodeGreeting({ mechanism: "PLAIN" });
    greeting[20] = 0x58;
    const { result } = feed([greeting]);
    expect(result.status === "done" && result.greeting.mechanism).toBe("PLAIN\0\0\0X");
  });

  it("after done, returns done again with the whole new chunk as rest", () => {
    const decoder = new GreetingDecoder();
    decoder.push(h(LIBZMQ_NULL));
    const again = decoder.push(h("0001"));
    expect(again.status === "done" && toHex(again.rest)).toBe("0001");
  });

  it("property: any options round-trip under any chunking, with trailing bytes as rest", () => {
    fc.assert(
      fc.property(
        fc.record({
          mechanism: fc.constantFrom(
            "NULL",
            "PLAIN",
            "CURVE",
            "GSSAPI",
            "X-TEST_1.2+3",
            "A".repeat(20),
          ),
          asServer: fc.boolean(),
          minor: fc.integer({ min: 0, max: 255 }),
        }),
        fc.uint8Array({ maxLength: 40 }),
        cutsArb,
        (options, trailing, cuts) => {
          const wire = join([encodeGreeting(options), trailing]);
          const { result, rest } = feed(splitAt(wire, cuts));
          expect(result.status).toBe("done");
          if (result.status !== "done") return;
          expect(result.greeting).toEqual({ major: 3, ...options });
          expect(rest).toBe(toHex(trailing));
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe("GreetingDecoder refuses ZMTP 1.0 and 2.0 as early as libzmq can tell", () => {
  const cases = [
    // RFC 15 ZMTP/2.0 DEALER without identity: major byte 01 at offset 10.
    { name: "ZMTP 2.0 DEALER", wire: "ff 00 00 00 00 00 00 00 01 7f 01 05 00 00", failAt: 10 },
    // RFC 13 ZMTP/1.0: an empty identity frame, len 01 flags 00.
    { name: "ZMTP 1.0 (01 00)", wire: "01 00", failAt: 0 },
    { name: "signature byte 9 with LSB 0", wire: "ff 00 00 00 00 00 00 00 01 7e 03 01", failAt: 9 },
    { name: "major 0", wire: "ff 00 00 00 00 00 00 00 01 7f 00 00", failAt: 10 },
    { name: "major 2", wire: "ff 00 00 00 00 00 00 00 01 7f 02 00", failAt: 10 },
  ];
  for (const c of cases) {
    it(`${c.name}: "unsupported-version" on byte ${c.failAt}, fed byte by byte`, () => {
      const decoder = new GreetingDecoder();
      const statuses = byteByByte(h(c.wire)).map((chunk) => decoder.push(chunk));
      const firstError = statuses.findIndex((s) => s.status === "error");
      expect(firstError).toBe(c.failAt);
      expect(statuses.slice(0, c.failAt).every((s) => s.status === "partial")).toBe(true);
      const error = statuses[firstError];
      if (error?.status !== "error") throw new Error("expected an error");
      expect(error.error).toBeInstanceOf(WireError);
      expect(error.error.code).toBe("EPROTO");
      expect(error.error.reason).toBe("unsupported-version");
      // Later pushes repeat the same error.
      expect(statuses.slice(firstError).every((s) => s === error)).toBe(true);
    });
  }

  it("property: old-version greetings fail under any chunking", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.uint8Array({ maxLength: 60 }),
        cutsArb,
        (c, tail, cuts) => {
          const { result } = feed(splitAt(join([h(c.wire), tail]), cuts));
          expect(result.status === "error" && result.error.reason).toBe("unsupported-version");
        },
      ),
      { numRuns: runs(100) },
    );
  });
});
