import { describe, expect, it } from "vitest";
import { DirectReads } from "../src/node/direct-reads";

/**
 * DirectReads driven by hand, as Node drives `onread`: `buffer()` names the
 * memory of the next read, `callback(nread, buffer)` reports what landed there.
 */
function harness(target: () => Uint8Array | undefined = () => undefined) {
  const reads = new DirectReads();
  const chunks: Buffer[] = [];
  reads.attach({
    read(chunk) {
      chunks.push(chunk);
      return true;
    },
    target,
  });
  /** One read of `nread` bytes (at most the room offered; all of it when omitted). */
  const read = (nread?: number, fill = 0): { room: number; chunk: Buffer | undefined } => {
    const buffer = reads.onread.buffer();
    const n = Math.min(nread ?? buffer.length, buffer.length);
    buffer.fill(fill, 0, n);
    const before = chunks.length;
    reads.onread.callback(n, buffer);
    return { room: buffer.length, chunk: chunks.length > before ? chunks.at(-1) : undefined };
  };
  return { reads, chunks, read };
}

const KiB = 1024;

describe("DirectReads", () => {
  it("offers a 64 KiB slab's rest while reads come back short", () => {
    const { read } = harness();
    expect(read(100).room).toBe(64 * KiB);
    // 104 bytes used (8-byte aligned): the rest of the same slab.
    expect(read(100).room).toBe(64 * KiB - 104);
    for (let i = 0; i < 20; i++) expect(read(3000).room).toBeLessThanOrEqual(64 * KiB);
  });

  it("moves to 256 KiB slabs once a read fills its room, and back when one falls short", () => {
    const { read } = harness();
    expect(read().room).toBe(64 * KiB); // filled: more was waiting
    expect(read().room).toBe(256 * KiB);
    expect(read(10 * KiB).room).toBe(256 * KiB); // the whole slab offered, partly used
    // Short: the rest of the big slab is offered, but at most 64 KiB of it.
    expect(read(10 * KiB).room).toBe(64 * KiB);
    expect(read(10 * KiB).room).toBeLessThanOrEqual(64 * KiB);
  });

  it("in bulk, replaces a slab whose rest is under 64 KiB rather than split a frame", () => {
    const { read } = harness();
    read(); // 64 KiB, filled: bulk
    expect(read(150 * KiB).room).toBe(256 * KiB); // short: no longer bulk
    expect(read().room).toBe(64 * KiB); // at most 64 KiB of the rest; filled: bulk again
    // 42 KiB left in the slab: too little for a bulk read, a fresh slab instead.
    expect(read().room).toBe(256 * KiB);
  });

  it("chunks are disjoint views of their slab, never written again by later reads", () => {
    const { read, chunks } = harness();
    const sizes = [64 * KiB, 5000, 256 * KiB, 70_000, 100, 131_072, 60_000];
    for (let i = 0; i < sizes.length; i++) read(sizes[i], i + 1);
    expect(chunks.length).toBe(sizes.length);
    chunks.forEach((chunk, i) => {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(sizes[i]!);
      expect(chunk.every((byte) => byte === i + 1)).toBe(true);
    });
    for (let i = 0; i < chunks.length; i++) {
      for (let j = i + 1; j < chunks.length; j++) {
        const a = chunks[i]!;
        const b = chunks[j]!;
        if (a.buffer !== b.buffer) continue;
        const disjoint =
          a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
        expect(disjoint).toBe(true);
      }
    }
  });

  it("after a read into a large target, the next read is a short header read", () => {
    let body: Uint8Array | undefined = new Uint8Array(1024 * KiB);
    const { read } = harness(() => body);
    const direct = read(600 * KiB);
    expect(direct.room).toBe(1024 * KiB);
    expect(direct.chunk!.buffer).toBe(body.buffer);
    body = undefined;
    // The next frame's header and a little of its body: 8 KiB, to be copied.
    expect(read().room).toBe(8 * KiB);
    // That says nothing about a backlog: the read after it is an ordinary one.
    expect(read().room).toBeLessThanOrEqual(64 * KiB);
  });

  it("after a read into a target of a bulk slab or less, the next read is a full one", () => {
    let body: Uint8Array | undefined = new Uint8Array(64 * KiB);
    const { read } = harness(() => body);
    body = undefined;
    read(); // a filled slab read: bulk
    body = new Uint8Array(64 * KiB);
    expect(read(40 * KiB).room).toBe(64 * KiB); // into the body
    body = undefined;
    // Whole frames come next: a full slab read, not a header read.
    expect(read().room).toBeGreaterThan(64 * KiB);
  });
});
