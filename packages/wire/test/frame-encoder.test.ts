import { describe, expect, it } from "vitest";
import { WireError } from "../src/errors";
import { FrameFlags } from "../src/frame";
import { encodeFrame, FrameEncoder, frameHeaderSize, writeFrameHeader } from "../src/frame-encoder";
import { a, ascii, join, patterned, toHex } from "./codec-helpers";

describe("frame encoding golden vectors (zmtp-libzmq.md 1.2)", () => {
  it('"Hello" is a short frame: 00 05 48 65 6c 6c 6f', () => {
    expect(toHex(join(encodeFrame(ascii("Hello"))))).toBe("000548656c6c6f");
  });

  it('["A","BC"] sets MORE on the first frame only: 01 01 41 00 02 42 43', () => {
    const encoder = new FrameEncoder();
    encoder.message([ascii("A"), ascii("BC")]);
    expect(toHex(join(encoder.flush()))).toBe("01014100024243");
    expect(toHex(join([...encodeFrame(ascii("A"), 1), ...encodeFrame(ascii("BC"))]))).toBe(
      "01014100024243",
    );
  });

  it("a 300-byte body is a long frame: 02 00 00 00 00 00 00 01 2c ...", () => {
    const body = patterned(300, 7);
    const [header, same] = encodeFrame(body);
    expect(toHex(header)).toBe("02000000000000012c");
    expect(same).toBe(body);
    const encoder = new FrameEncoder();
    encoder.frame(body, 0);
    expect(toHex(join(encoder.flush()))).toBe(`02000000000000012c${toHex(body)}`);
  });

  it('REQ sending "hi" with its empty delimiter: 01 00 00 02 68 69', () => {
    const encoder = new FrameEncoder();
    encoder.message([new Uint8Array(0), ascii("hi")]);
    expect(toHex(join(encoder.flush()))).toBe("010000026869");
  });

  it("commands get flags 04 (short) and 06 (long), never MORE", () => {
    const encoder = new FrameEncoder();
    const ping = new Uint8Array(Buffer.from(`04${a("PING")}0000`, "hex"));
    const long = patterned(256, 1);
    encoder.command(ping);
    encoder.command(long);
    expect(toHex(join(encoder.flush()))).toBe(`0407${toHex(ping)}060000000000000100${toHex(long)}`);
  });
});

describe("frameHeaderSize / writeFrameHeader", () => {
  it("switches from short to long between 255 and 256", () => {
    expect(frameHeaderSize(0)).toBe(2);
    expect(frameHeaderSize(255)).toBe(2);
    expect(frameHeaderSize(256)).toBe(9);
  });

  it("writes at an offset, sets LONG itself, keeps only MORE and COMMAND", () => {
    const target = new Uint8Array(12).fill(0xee);
    expect(writeFrameHeader(target, 1, 255, 0xff)).toBe(3);
    expect(toHex(target.subarray(0, 4))).toBe("ee05ffee");
    expect(writeFrameHeader(target, 3, 256, FrameFlags.MORE)).toBe(12);
    expect(toHex(target)).toBe("ee05ff030000000000000100");
  });

  it("writes 64-bit sizes as two big-endian words, up to 2^53-1", () => {
    const target = new Uint8Array(9);
    writeFrameHeader(target, 0, 2 ** 53 - 1, 0);
    expect(toHex(target)).toBe("02001fffffffffffff");
    writeFrameHeader(target, 0, 0x1_0000_0001, 0);
    expect(toHex(target)).toBe("020000000100000001");
  });

  it("rejects negative, fractional and unsafe lengths with EINVAL", () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => writeFrameHeader(new Uint8Array(9), 0, bad, 0)).toThrow(WireError);
    }
    try {
      writeFrameHeader(new Uint8Array(9), 0, -1, 0);
      expect.unreachable();
    } catch (error) {
      expect((error as WireError).code).toBe("EINVAL");
      expect((error as WireError).reason).toBe("invalid-argument");
    }
  });
});

describe("FrameEncoder batching", () => {
  it("packs small frames into one chunk and reports pendingBytes", () => {
    const encoder = new FrameEncoder();
    expect(encoder.pendingBytes).toBe(0);
    expect(encoder.flush()).toEqual([]);
    for (let i = 0; i < 100; i++) encoder.frame(ascii("abc"), 0);
    expect(encoder.pendingBytes).toBe(500);
    const chunks = encoder.flush();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.length).toBe(500);
    expect(encoder.pendingBytes).toBe(0);
    expect(encoder.flush()).toEqual([]);
  });

  it("passes bodies at or above copyThreshold through zero-copy, right after their header", () => {
    const encoder = new FrameEncoder({ copyThreshold: 1000 });
    const big = patterned(1000, 3);
    encoder.frame(ascii("x"), FrameFlags.MORE);
    encoder.frame(big, FrameFlags.MORE);
    encoder.frame(ascii("y"), 0);
    expect(encoder.pendingBytes).toBe(3 + 9 + 1000 + 3);
    const chunks = encoder.flush();
    expect(chunks).toHaveLength(3);
    expect(toHex(chunks[0]!)).toBe(`010178${"0300000000000003e8"}`);
    expect(chunks[1]).toBe(big);
    expect(toHex(chunks[2]!)).toBe("000179");
  });

  it("copies bodies below copyThreshold", () => {
    const encoder = new FrameEncoder({ copyThreshold: 1001 });
    const body = patterned(1000, 3);
    encoder.frame(body, 0);
    const chunks = encoder.flush();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).not.toBe(body.buffer);
    body.fill(0);
    expect(chunks[0]!.subarray(9)).not.toEqual(body);
  });

  it("starts a new slab when a frame does not fit, including frames bigger than a slab", () => {
    const encoder = new FrameEncoder({ slabSize: 16, copyThreshold: 1 << 20 });
    const frames = [patterned(10, 1), patterned(10, 2), patterned(40, 3), patterned(3, 4)];
    for (const frame of frames) encoder.frame(frame, 0);
    const chunks = encoder.flush();
    expect(chunks.length).toBeGreaterThan(1);
    expect(toHex(join(chunks))).toBe(
      frames
        .map((f) => join(encodeFrame(f)))
        .map(toHex)
        .join(""),
    );
  });

  it("never mutates memory it returned, even though it keeps filling the same slab", () => {
    const encoder = new FrameEncoder({ slabSize: 64 });
    encoder.frame(ascii("first"), 0);
    const first = encoder.flush();
    const snapshot = toHex(join(first));
    for (let i = 0; i < 50; i++) encoder.frame(ascii("later frame"), 0);
    encoder.flush();
    expect(toHex(join(first))).toBe(snapshot);
  });

  it("keeps an idle connection's slab small and lets a big one go once traffic is light", () => {
    const encoder = new FrameEncoder();
    encoder.command(new Uint8Array(50)); // a READY-sized command
    const [ready] = encoder.flush();
    expect(ready!.buffer.byteLength).toBeLessThanOrEqual(1024);
    for (let i = 0; i < 2000; i++) encoder.frame(new Uint8Array(100), 0); // a busy batch
    const busy = encoder.flush();
    expect(Math.max(...busy.map((c) => c.buffer.byteLength))).toBe(64 * 1024);
    encoder.frame(new Uint8Array(10), 0);
    encoder.flush(); // light traffic: the 64 KiB slab is dropped after this flush
    encoder.frame(new Uint8Array(10), 0);
    const [light] = encoder.flush();
    expect(light!.buffer.byteLength).toBeLessThanOrEqual(1024);
  });

  it("reuses slabs across a steady stream of one-message flushes", () => {
    let allocations = 0;
    const encoder = new FrameEncoder({
      allocate: (n) => {
        allocations++;
        return new Uint8Array(n);
      },
    });
    const body = patterned(1024, 7);
    const expected = toHex(join(encodeFrame(body)));
    for (let i = 0; i < 1000; i++) {
      encoder.message([body]);
      const chunks = encoder.flush();
      expect(toHex(join(chunks))).toBe(expected);
    }
    // 1000 x 1027 bytes: one 16 KiB slab per 15 messages once the stream is steady,
    // where slabs sized for one batch (4 KiB) took one allocation per 3 messages.
    expect(allocations).toBeLessThan(80);
    // Light traffic keeps a slab of at most 16 KiB.
    encoder.frame(new Uint8Array(10), 0);
    const [light] = encoder.flush();
    expect(light!.buffer.byteLength).toBeLessThanOrEqual(16 * 1024);
  });

  it("rejects an empty message and bad options with EINVAL", () => {
    expect(() => new FrameEncoder().message([])).toThrow(WireError);
    expect(() => new FrameEncoder({ slabSize: 0 })).toThrow(WireError);
    expect(() => new FrameEncoder({ copyThreshold: -1 })).toThrow(WireError);
  });
});

describe("FrameEncoder memory", () => {
  it("packs small frames into slabs from the given allocator, handing out only written bytes", () => {
    const slabs: Uint8Array[] = [];
    const encoder = new FrameEncoder({
      allocate: (n) => {
        const slab = new Uint8Array(n).fill(0xee); // stale contents, as Buffer.allocUnsafe
        slabs.push(slab);
        return slab;
      },
    });
    encoder.message([ascii("A"), ascii("BC")]);
    const chunks = encoder.flush();
    expect(slabs).toHaveLength(1);
    expect(chunks.every((c) => c.buffer === slabs[0]!.buffer)).toBe(true);
    expect(toHex(join(chunks))).toBe("01014100024243");
  });
});

describe("FrameEncoder.frameBody (a body the caller writes in place)", () => {
  const stale = (n: number) => new Uint8Array(n).fill(0xee);

  it("encodes exactly as frame() would, interleaved with it, at every header size and slab change", () => {
    const encoder = new FrameEncoder({ slabSize: 600, copyThreshold: 1000, allocate: stale });
    const reference: Uint8Array[] = [];
    // Short/long header edge (255/256), empty, larger than a slab, and a pass-through body between.
    const plan: [number, number, boolean][] = [
      [0, 0, true],
      [5, FrameFlags.MORE, false],
      [255, FrameFlags.MORE, true],
      [256, 0, true],
      [3, FrameFlags.COMMAND, false],
      [700, FrameFlags.MORE, true],
      [1200, 0, false],
      [40, 0, true],
    ];
    for (const [length, flags, inPlace] of plan) {
      const body = patterned(length, length % 251);
      reference.push(...encodeFrame(body, flags));
      if (inPlace) {
        const target = encoder.frameBody(length, flags);
        expect(target.length).toBe(length);
        target.set(body);
      } else encoder.frame(body, flags);
    }
    expect(encoder.pendingBytes).toBe(join(reference).length);
    expect(toHex(join(encoder.flush()))).toBe(toHex(join(reference)));
  });

  it("hands out only slab memory that flush() has not returned", () => {
    const encoder = new FrameEncoder({ allocate: stale });
    encoder.frame(ascii("a"), 0);
    const [first] = encoder.flush();
    const copy = first!.slice();
    encoder.frameBody(10, 0).fill(0x55);
    expect(first).toEqual(copy);
    expect(toHex(join(encoder.flush()))).toBe(`000a${"55".repeat(10)}`);
  });

  it("reports its copyThreshold and rejects a bad length with EINVAL", () => {
    expect(new FrameEncoder().copyThreshold).toBe(16 * 1024);
    expect(new FrameEncoder({ copyThreshold: 7 }).copyThreshold).toBe(7);
    expect(() => new FrameEncoder().frameBody(-1, 0)).toThrow(WireError);
    expect(() => new FrameEncoder().frameBody(1.5, 0)).toThrow(WireError);
  });
});
