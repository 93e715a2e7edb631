import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireError } from "../src/errors";
import { base64Encode, sha1 } from "../src/sha1";
import {
  applyMask,
  encodeWsFrame,
  maskRange,
  WsFrameDecoder,
  type WsFrameDecoderOptions,
  WsOpcode,
} from "../src/ws-frame";
import { byteByByte, cutsArb, h, join, runs, splitAt, toHex } from "./codec-helpers";

interface Event {
  kind: "message" | "close" | "ping" | "pong";
  hex: string;
}

/** Feeds copies of `chunks` (the decoder unmasks in place) and records events and errors. */
function decode(
  chunks: readonly Uint8Array[],
  options: WsFrameDecoderOptions = { expectMasked: false },
) {
  const events: Event[] = [];
  const results: (WireError | undefined)[] = [];
  const decoder = new WsFrameDecoder(
    {
      message: (payload) => {
        events.push({ kind: "message", hex: toHex(payload) });
      },
      control: (opcode, payload) => {
        const kind = opcode === 8 ? "close" : opcode === 9 ? "ping" : "pong";
        events.push({ kind, hex: toHex(payload) });
      },
    },
    options,
  );
  for (const chunk of chunks) results.push(decoder.push(chunk.slice()));
  return { events, error: results.find((r) => r !== undefined), results, decoder };
}

const MASK = h("37fa213d");

describe("RFC 6455 §5.7 examples", () => {
  it("encodes the unmasked and masked 'Hello' text frames byte for byte", () => {
    const hello = new TextEncoder().encode("Hello");
    expect(toHex(join(encodeWsFrame(WsOpcode.TEXT, [hello])))).toBe("810548656c6c6f");
    expect(toHex(join(encodeWsFrame(WsOpcode.TEXT, [hello], MASK)))).toBe("818537fa213d7f9f4d5158");
    // The caller's bytes were not masked in place.
    expect(toHex(hello)).toBe("48656c6c6f");
  });

  it("rejects those text frames: ZWS carries binary only (as libzmq)", () => {
    expect(decode([h("810548656c6c6f")]).error?.message).toMatch(/text frame/);
    expect(decode([h("818537fa213d7f9f4d5158")], { expectMasked: true }).error?.message).toMatch(
      /text frame/,
    );
  });

  it("decodes the same frames as binary, masked (client → server) and unmasked", () => {
    expect(decode([h("820548656c6c6f")]).events).toEqual([{ kind: "message", hex: "48656c6c6f" }]);
    expect(decode([h("828537fa213d7f9f4d5158")], { expectMasked: true }).events).toEqual([
      { kind: "message", hex: "48656c6c6f" },
    ]);
  });

  it("reassembles the fragmented 'Hel' + 'lo' message (binary variant)", () => {
    expect(decode([h("020348656c 80026c6f")]).events).toEqual([
      { kind: "message", hex: "48656c6c6f" },
    ]);
  });

  it("decodes the unmasked ping and the masked pong", () => {
    expect(decode([h("890548656c6c6f")]).events).toEqual([{ kind: "ping", hex: "48656c6c6f" }]);
    expect(decode([h("8a8537fa213d7f9f4d5158")], { expectMasked: true }).events).toEqual([
      { kind: "pong", hex: "48656c6c6f" },
    ]);
  });

  it("uses 16-bit lengths for 256 bytes and 64-bit lengths for 64 KiB", () => {
    const b256 = randomBytes(256);
    const [head256] = encodeWsFrame(WsOpcode.BINARY, [b256]);
    expect(toHex(head256!)).toBe("827e0100");
    const b64k = randomBytes(65536);
    const [head64k] = encodeWsFrame(WsOpcode.BINARY, [b64k]);
    expect(toHex(head64k!)).toBe("827f0000000000010000");
    expect(toHex(encodeWsFrame(WsOpcode.BINARY, [new Uint8Array(125)])[0]!)).toBe("827d");
    expect(toHex(encodeWsFrame(WsOpcode.BINARY, [new Uint8Array(126)])[0]!)).toBe("827e007e");
    expect(toHex(encodeWsFrame(WsOpcode.BINARY, [new Uint8Array(65535)])[0]!)).toBe("827effff");
    const got = decode(byteByByte(join([head64k!, b64k])));
    expect(got.events).toEqual([{ kind: "message", hex: toHex(b64k) }]);
  });

  it("computes the §1.3 Sec-WebSocket-Accept and RFC 45's example", async () => {
    const { wsAcceptKey } = await import("../src/ws-handshake");
    expect(wsAcceptKey("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    expect(wsAcceptKey("x3JJHMbDL1EzLkh9GBhXDw==")).toBe("HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
  });
});

describe("SHA-1 and base64 without node:", () => {
  it("match node:crypto and Buffer on any input, across block boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(toHex(sha1(data))).toBe(createHash("sha1").update(data).digest("hex"));
        expect(base64Encode(data)).toBe(Buffer.from(data).toString("base64"));
      }),
      { numRuns: runs(300) },
    );
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120]) {
      const data = randomBytes(n);
      expect(toHex(sha1(data))).toBe(createHash("sha1").update(data).digest("hex"));
    }
  });
});

describe("WsFrameDecoder rules", () => {
  const cases: [string, string, boolean, RegExp][] = [
    ["continuation without a start", "80026c6f", false, /continuation/],
    ["binary inside a fragmented message", "0201aa 8201bb", false, /new message/],
    ["reserved bits", "c201aa", false, /reserved bits/],
    ["reserved data opcode", "8301aa", false, /reserved opcode 0x3/],
    ["reserved control opcode", "8b00", false, /reserved opcode 0xb/],
    ["fragmented ping", "0900", false, /fragmented control/],
    ["control frame over 125 bytes", `897e007e${"00".repeat(126)}`, false, /control frame/],
    ["masked frame from a server", "828100000000aa", false, /masked frame from a server/],
    ["unmasked frame from a client", "8201aa", true, /unmasked frame from a client/],
    ["64-bit length with the high bit", "827f8000000000000000", false, /high bit/],
  ];
  for (const [name, bytes, expectMasked, pattern] of cases) {
    it(`fails on ${name}, also byte by byte`, () => {
      for (const chunks of [[h(bytes)], byteByByte(h(bytes))]) {
        const got = decode(chunks, { expectMasked });
        expect(got.error?.message).toMatch(pattern);
        expect(got.error?.code).toBe("EPROTO");
        expect(got.events.filter((e) => e.kind === "message")).toEqual([]);
      }
    });
  }

  it("keeps failing with the same error once failed", () => {
    const got = decode([h("8301aa"), h("820100")]);
    expect(got.results[1]).toBe(got.results[0]);
    expect(got.decoder.bufferedBytes).toBe(0);
  });

  it("passes control frames through between the fragments of a message", () => {
    const got = decode([h("0201aa 8900 0001bb 8a0101 8801cc 8001dd")]);
    expect(got.events).toEqual([
      { kind: "ping", hex: "" },
      { kind: "pong", hex: "01" },
      { kind: "close", hex: "cc" },
      { kind: "message", hex: "aabbdd" },
    ]);
  });

  it("delivers empty binary messages and empty fragments (the ZWS layer rejects empty messages)", () => {
    expect(decode([h("8200 0200 8000")]).events).toEqual([
      { kind: "message", hex: "" },
      { kind: "message", hex: "" },
    ]);
  });

  it("checks 2^53 and maxMessageSize before allocating anything", () => {
    const calls: number[] = [];
    const allocate = (n: number) => {
      calls.push(n);
      return new Uint8Array(n);
    };
    const huge = decode([h("827f0020000000000000")], { expectMasked: false, allocate });
    expect(huge.error?.code).toBe("EMSGSIZE");
    expect(huge.error?.message).toMatch(/2\^53/);
    const big = decode([h("827f7fffffffffffffff")], { expectMasked: false, allocate });
    expect(big.error?.code).toBe("EMSGSIZE");
    const limited = decode([h("827e0401")], {
      expectMasked: false,
      allocate,
      maxMessageSize: 1024,
    });
    expect(limited.error?.code).toBe("EMSGSIZE");
    expect(limited.error?.message).toMatch(/1025 bytes exceeds the limit of 1024/);
    // The limit counts all the fragments of a message together.
    const fragments = decode([h(`027e0200${"00".repeat(512)}`), h("807e0201")], {
      expectMasked: false,
      allocate,
      maxMessageSize: 1024,
    });
    expect(fragments.error?.message).toMatch(/1025 bytes/);
    expect(calls).toEqual([]);
  });

  it("pauses when a handler returns false and resumes where it stopped", () => {
    const seen: string[] = [];
    const decoder = new WsFrameDecoder(
      {
        message: (p) => {
          seen.push(toHex(p));
          return false;
        },
        control: () => {},
      },
      { expectMasked: false },
    );
    expect(decoder.push(h("8201aa 8201bb 8201cc"))).toBeUndefined();
    expect(seen).toEqual(["aa"]);
    expect(decoder.paused).toBe(true);
    decoder.resume();
    expect(seen).toEqual(["aa", "bb"]);
    decoder.resume();
    decoder.resume();
    expect(seen).toEqual(["aa", "bb", "cc"]);
  });

  it("masks with any key at any offset like a plain XOR, at any alignment and length", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(3),
        fc.nat(7),
        (bytes, mask, start, skew) => {
          const backing = new Uint8Array(bytes.length + skew);
          backing.set(bytes, skew);
          const data = backing.subarray(skew);
          applyMask(data, mask, start);
          expect(Array.from(data)).toEqual(Array.from(bytes, (b, i) => b ^ mask[(start + i) & 3]!));
          expect(Array.from(backing.subarray(0, skew))).toEqual(new Array(skew).fill(0));
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe("maskRange", () => {
  it("masks exactly data[from..to) and nothing else", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (bytes, a, b, mask) => {
          const from = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const to = from + (bytes.length === 0 ? 0 : b % (bytes.length - from + 1));
          const data = bytes.slice();
          maskRange(data, from, to, mask);
          expect(Array.from(data)).toEqual(
            Array.from(bytes, (x, i) => (i >= from && i < to ? x ^ mask[(i - from) & 3]! : x)),
          );
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

/** A message as the test sends it: payload, how to split it into fragments, and pings in between. */
const messageArb = fc.record({
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 65530, max: 65600 }).map((n) => new Uint8Array(n).fill(7)),
  ),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  pings: fc.array(fc.uint8Array({ maxLength: 125 }), { maxLength: 2 }),
});

function encodeAll(
  messages: { payload: Uint8Array; cuts: number[]; pings: Uint8Array[] }[],
  masked: boolean,
): { wire: Uint8Array; expected: Event[] } {
  const out: Uint8Array[] = [];
  const expected: Event[] = [];
  let seed = 1;
  const mask = () => (masked ? Uint8Array.of(seed++, 0x5a, seed * 7, 0xff) : undefined);
  for (const { payload, cuts, pings } of messages) {
    const parts = payload.length === 0 ? [payload] : splitAt(payload, cuts);
    const last = parts.length - 1;
    const pingFrames = pings.map((ping) => encodeWsFrame(WsOpcode.PING, [ping], mask()));
    const pingEvents = pings.map((ping): Event => ({ kind: "ping", hex: toHex(ping) }));
    parts.forEach((part, i) => {
      const opcode = i === 0 ? WsOpcode.BINARY : WsOpcode.CONTINUATION;
      out.push(...encodeWsFrame(opcode, [part], mask(), i === last));
      // With fragments, the pings go between the first and the second one.
      if (i === 0 && last > 0) for (const frame of pingFrames) out.push(...frame);
    });
    if (last === 0) for (const frame of pingFrames) out.push(...frame);
    if (last > 0) expected.push(...pingEvents);
    expected.push({ kind: "message", hex: toHex(payload) });
    if (last === 0) expected.push(...pingEvents);
  }
  return { wire: join(out), expected };
}

describe("WsFrameDecoder properties", () => {
  it("decode(encode(x)) == x under any fragmentation, interleaved pings and chunking, both roles", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 6 }),
        fc.boolean(),
        cutsArb,
        (messages, masked, cuts) => {
          const { wire, expected } = encodeAll(messages, masked);
          const got = decode(splitAt(wire, cuts), { expectMasked: masked });
          expect(got.error).toBeUndefined();
          expect(got.events).toEqual(expected);
          expect(got.decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("random bytes end in messages or one typed error, never a throw or an allocation past the limit", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        cutsArb,
        (data, masked, cuts) => {
          let largest = 0;
          const got = decode(splitAt(data, cuts), {
            expectMasked: masked,
            maxMessageSize: 64,
            allocate: (n) => {
              largest = Math.max(largest, n);
              return new Uint8Array(n);
            },
          });
          expect(largest).toBeLessThanOrEqual(125);
          if (got.error) expect(["EPROTO", "EMSGSIZE"]).toContain(got.error.code);
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it("hostile 16/64-bit lengths never allocate before the bytes arrive", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .integer({ min: 126, max: 0xffff })
            .map((n) => `827e${n.toString(16).padStart(4, "0")}`),
          fc
            .bigInt({ min: 0x10000n, max: (1n << 63n) - 1n })
            .map((n) => `827f${n.toString(16).padStart(16, "0")}`),
        ),
        (header) => {
          const calls: number[] = [];
          const got = decode([h(header), h("00112233")], {
            expectMasked: false,
            allocate: (n) => {
              calls.push(n);
              return new Uint8Array(n);
            },
          });
          // At most 64x the 4 payload bytes that arrived (a 126..256-byte claim may
          // get its buffer; nothing bigger does).
          expect(calls.every((n) => n <= 64 * 4)).toBe(true);
          expect(got.events).toEqual([]);
          if (got.error) expect(got.error.code).toBe("EMSGSIZE");
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

describe("WsFrameDecoder: big payloads at ~1x their size", () => {
  const SIZE = 1024 * 1024;
  function payload(): Uint8Array {
    const out = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i++) out[i] = (i * 7 + (i >> 9)) & 0xff;
    return out;
  }
  /** The frame's bytes (a masked copy of the payload when `mask`), in `chunkSize` chunks. */
  function chunksOf(body: Uint8Array, mask: Uint8Array | undefined, chunkSize: number) {
    const bytes = join(encodeWsFrame(WsOpcode.BINARY, [body], mask));
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += chunkSize) out.push(bytes.slice(i, i + chunkSize));
    return out;
  }
  function recorder(options: Omit<WsFrameDecoderOptions, "allocate">) {
    const calls: number[] = [];
    const messages: Uint8Array[] = [];
    const decoder = new WsFrameDecoder(
      {
        message: (m) => {
          messages.push(m);
        },
        control: () => {},
      },
      {
        ...options,
        allocate: (n) => {
          calls.push(n);
          return new Uint8Array(n);
        },
      },
    );
    return { decoder, calls, messages };
  }

  for (const masked of [false, true]) {
    it(`${masked ? "masked" : "unmasked"}: one allocation of the payload's size, filled as chunks arrive; chunks are not held`, () => {
      const body = payload();
      const { decoder, calls, messages } = recorder({ expectMasked: masked });
      const chunks = chunksOf(body, masked ? MASK : undefined, 16 * 1024);
      let maxBuffered = 0;
      for (const chunk of chunks) {
        expect(decoder.push(chunk)).toBeUndefined();
        if (messages.length === 0) maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
      }
      expect(calls).toEqual([SIZE]);
      expect(messages).toHaveLength(1);
      expect(Buffer.compare(Buffer.from(messages[0]!), Buffer.from(body))).toBe(0);
      expect(decoder.bufferedBytes).toBe(0);
      expect(maxBuffered).toBeLessThan(SIZE);
    });
  }

  it("without a limit the buffer waits for 1/64 of the payload; with one it comes with the header", () => {
    const body = payload();
    const chunks = chunksOf(body, undefined, 1024);
    const open = recorder({ expectMasked: false });
    let pushed = 0;
    for (const chunk of chunks) {
      open.decoder.push(chunk);
      pushed += chunk.length;
      if (open.calls.length > 0) break;
    }
    // Allocated only once 16 KiB (1/64 of 1 MiB) had arrived, not before.
    expect(open.calls).toEqual([SIZE]);
    expect(pushed).toBeGreaterThanOrEqual(SIZE / 64);
    expect(pushed).toBeLessThan(SIZE / 64 + 2048);
    const limited = recorder({ expectMasked: false, maxMessageSize: SIZE });
    limited.decoder.push(chunks[0]!);
    expect(limited.calls).toEqual([SIZE]);
  });

  for (const masked of [false, true]) {
    it(`${masked ? "masked" : "unmasked"}: readTarget offers the payload's rest; bytes written there are taken without a copy`, () => {
      const body = payload();
      const { decoder, calls, messages } = recorder({ expectMasked: masked });
      const wire = join(chunksOf(body, masked ? MASK : undefined, SIZE * 2));
      let at = 0;
      let direct = 0;
      // Ordinary 16 KiB reads until the decoder names its memory, then reads into it.
      while (at < wire.length) {
        const target = decoder.readTarget();
        if (target === undefined) {
          const n = Math.min(16 * 1024, wire.length - at);
          decoder.push(wire.slice(at, at + n));
          at += n;
        } else {
          const n = Math.min(target.length, 100_000, wire.length - at);
          target.set(wire.subarray(at, at + n));
          decoder.push(target.subarray(0, n));
          at += n;
          direct += n;
        }
      }
      expect(calls).toEqual([SIZE]);
      expect(direct).toBeGreaterThan(SIZE * 0.9);
      expect(messages).toHaveLength(1);
      expect(Buffer.compare(Buffer.from(messages[0]!), Buffer.from(body))).toBe(0);
      expect(decoder.readTarget()).toBeUndefined();
    });
  }

  it("a payload over maxMessageSize fails at its header, before any allocation", () => {
    const { decoder, calls } = recorder({ expectMasked: false, maxMessageSize: SIZE - 1 });
    const error = decoder.push(chunksOf(payload(), undefined, 4096)[0]!);
    expect(error?.code).toBe("EMSGSIZE");
    expect(calls).toEqual([]);
  });

  it("under any chunking, big and small messages come out intact and in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70_000 }),
        fc.boolean(),
        cutsArb,
        (big, masked, cuts) => {
          const a = new Uint8Array(big).map((_, i) => (i * 13) & 0xff);
          const b = Uint8Array.of(1, 2, 3);
          const mask = masked ? MASK : undefined;
          const wire = join([
            ...encodeWsFrame(WsOpcode.BINARY, [a], mask),
            ...encodeWsFrame(WsOpcode.PING, [b], mask),
            ...encodeWsFrame(WsOpcode.BINARY, [b], mask),
          ]);
          const got = decode(splitAt(wire, cuts), { expectMasked: masked });
          expect(got.error).toBeUndefined();
          expect(got.events).toEqual([
            { kind: "message", hex: toHex(a) },
            { kind: "ping", hex: "010203" },
            { kind: "message", hex: "010203" },
          ]);
        },
      ),
      { numRuns: runs(100) },
    );
  });
});
