import { describe, expect, it } from "vitest";
import { copySmallFrame } from "../src/frame-copy";
import { Pair, Pull, Push } from "../src/index";

describe("copySmallFrame", () => {
  it("copies into Buffers cut from a shared slab, 8-byte aligned, never aliasing the source", () => {
    const source = Buffer.from("0123456789abcdef");
    const a = copySmallFrame(source);
    const b = copySmallFrame(source.subarray(0, 3));
    expect(Buffer.isBuffer(a)).toBe(true);
    expect(a.toString()).toBe("0123456789abcdef");
    expect(b.toString()).toBe("012");
    expect(a.buffer).not.toBe(source.buffer);
    source.fill(0x7a);
    expect(a.toString()).toBe("0123456789abcdef");
    if (b.buffer === a.buffer) expect(b.byteOffset - a.byteOffset).toBe(16);
    expect(copySmallFrame(new Uint8Array(0)).length).toBe(0);
  });

  it("starts a new slab when the current one cannot hold the frame", () => {
    let previous = copySmallFrame(new Uint8Array(128));
    let fresh = 0;
    for (let i = 0; i < 200; i++) {
      const next = copySmallFrame(new Uint8Array(128).fill(i));
      if (next.buffer !== previous.buffer) fresh++;
      expect(next[127]).toBe(i);
      previous = next;
    }
    expect(fresh).toBeGreaterThanOrEqual(2); // 200 x 128 B > 2 slabs of 8 KiB
  });
});

describe("small frames over inproc", () => {
  it("arrive as Buffers holding what was sent, whatever the sender does with its buffer after", async () => {
    const pull = new Pull();
    const push = new Push();
    try {
      await pull.bind("inproc://frame-copy-small");
      push.connect("inproc://frame-copy-small");
      const buffer = Buffer.alloc(16, 0x61);
      const words = new Uint16Array([0x6261, 0x6463]); // 4 bytes "abcd" (little-endian)
      const view = new DataView(new ArrayBuffer(4));
      view.setUint32(0, 0x31323334);
      await push.send([buffer, words, view, new Uint8Array(129).fill(0x63)]);
      buffer.fill(0x62);
      words.fill(0);
      view.setUint32(0, 0);
      const [a, b, c, d] = await pull.receive();
      expect(a!.toString()).toBe("a".repeat(16));
      expect(Buffer.isBuffer(b) && b.toString()).toBe("abcd");
      expect(c!.toString()).toBe("1234");
      expect(d!.length).toBe(129);
    } finally {
      push.close();
      pull.close();
    }
  });

  it("a received small frame is never the sender's object or memory", async () => {
    const a = new Pair();
    const b = new Pair();
    try {
      await a.bind("inproc://frame-copy-identity");
      b.connect("inproc://frame-copy-identity");
      const sent = Buffer.alloc(16, 1);
      await a.send(sent);
      const [got] = await b.receive();
      expect(got).not.toBe(sent);
      expect(got!.buffer === sent.buffer && got!.byteOffset === sent.byteOffset).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });
});
