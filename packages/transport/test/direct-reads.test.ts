import { describe, expect, it } from "vitest";
import type { ReadReuse } from "../src/connection";
import { DirectReads } from "../src/node/direct-reads";

/**
 * DirectReads driven by hand, as Node drives `onread`: `buffer()` names the
 * memory of the next read, `callback(nread, buffer)` reports what landed there.
 */
function harness(target: () => Uint8Array | undefined = () => undefined, reuse?: () => ReadReuse) {
  const reads = new DirectReads();
  const chunks: Buffer[] = [];
  reads.attach({
    read(chunk) {
      chunks.push(chunk);
      return true;
    },
    target,
    ...(reuse !== undefined && { reuse }),
  });
  /** One read of `nread` bytes (at most the room offered; all of it when omitted). */
  const read = (
    nread?: number,
    fill = 0,
  ): { room: number; chunk: Buffer | undefined; buffer: Uint8Array } => {
    const buffer = reads.onread.buffer();
    const n = Math.min(nread ?? buffer.length, buffer.length);
    buffer.fill(fill, 0, n);
    const before = chunks.length;
    reads.onread.callback(n, buffer);
    return {
      room: buffer.length,
      chunk: chunks.length > before ? chunks.at(-1) : undefined,
      buffer,
    };
  };
  return { reads, chunks, read };
}

const KiB = 1024;
/** The smallest read that is not light (moves a socket to its own slab). */
const LIGHT = 4 * KiB;

describe("DirectReads", () => {
  it("a new socket reads into the buffer new sockets share, and is handed copies of its own", () => {
    const a = harness();
    const b = harness();
    const first = a.read(100, 1);
    const second = b.read(200, 2);
    // One buffer for both: nothing is allocated per idle socket.
    expect(first.buffer).toBe(second.buffer);
    expect(first.room).toBe(64 * KiB);
    // Each chunk is a copy, untouched by the other socket's read into the same memory,
    // and no two connections' chunks share memory.
    expect(first.chunk!.buffer).not.toBe(first.buffer.buffer);
    expect(first.chunk!.buffer).not.toBe(second.chunk!.buffer);
    expect(first.chunk!.length).toBe(100);
    expect(first.chunk!.every((byte) => byte === 1)).toBe(true);
    expect(second.chunk!.length).toBe(200);
    expect(second.chunk!.every((byte) => byte === 2)).toBe(true);
    // Four light reads in all (a handshake) go there; the fifth gets a slab of its own.
    for (let i = 0; i < 3; i++) expect(a.read(LIGHT - 1).buffer).toBe(first.buffer);
    const own = a.read(100);
    expect(own.buffer.buffer).not.toBe(first.buffer.buffer);
    expect(own.room).toBe(64 * KiB);
    expect(own.chunk!.buffer).toBe(own.buffer.buffer); // a view of the slab, no copy
    for (let i = 0; i < 10; i++) expect(a.read(100).buffer.buffer).toBe(own.buffer.buffer);
  });

  it("a read of 4 KiB or more gives a new socket its own slab at once", () => {
    const { read } = harness();
    const shared = read(LIGHT).buffer;
    const own = read(100).buffer;
    expect(own.buffer).not.toBe(shared.buffer);
    expect(own.length).toBe(64 * KiB);
    expect(read(100).buffer.buffer).toBe(own.buffer);
  });

  it("chunks read before a sink is attached are copies too, delivered in order on attach", () => {
    const reads = new DirectReads();
    const other = harness();
    const buffer = reads.onread.buffer();
    buffer.fill(7, 0, 10);
    expect(reads.onread.callback(10, buffer)).toBe(false); // no sink yet: stop reading
    other.read(100, 9); // lands in the same shared memory
    const got: Buffer[] = [];
    reads.attach({
      read(chunk) {
        got.push(chunk);
        return true;
      },
      target: () => undefined,
    });
    expect(got.length).toBe(1);
    expect([...got[0]!]).toEqual(new Array(10).fill(7));
  });

  it("offers a 64 KiB slab's rest while reads come back short", () => {
    const { read } = harness();
    read(LIGHT); // out of the shared buffer
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

  it("reads into a slab again from its start once a sink that copies out holds none of it", () => {
    let reuse: ReadReuse = 0;
    const { read } = harness(undefined, () => reuse);
    read(LIGHT); // out of the shared buffer
    const before = read(1000); // a slab of its own, handed on as views: never written again
    reuse = 2;
    // The first read after the sink says it copies out goes into a new slab: the
    // old one may hold views handed on before (a handshake's).
    const first = read(3000, 7);
    expect(first.buffer.buffer).not.toBe(before.buffer.buffer);
    expect(first.buffer.byteOffset).toBe(0);
    // Nothing held: the next read starts where that one did.
    const second = read(2000, 8);
    expect(second.buffer.buffer).toBe(first.buffer.buffer);
    expect(second.buffer.byteOffset).toBe(0);
    expect(first.chunk!.subarray(0, 2000).every((byte) => byte === 8)).toBe(true);
    // The sink still holds part of it: the next read goes after it, untouched.
    reuse = 1;
    const third = read(500, 9);
    expect(third.buffer.buffer).toBe(first.buffer.buffer);
    expect(third.buffer.byteOffset).toBe(2000);
    expect(second.chunk!.every((byte) => byte === 8)).toBe(true);
    // A sink that stops copying out (closed) gets no slab read over again.
    reuse = 0;
    const fourth = read(100, 10);
    reuse = 2;
    const fifth = read(100, 11);
    expect(fourth.chunk!.every((byte) => byte === 10)).toBe(true);
    expect(fifth.buffer.buffer === fourth.buffer.buffer && fifth.buffer.byteOffset === 0).toBe(
      false,
    );
  });

  it("a reused slab grows to 256 KiB when reads turn bulk", () => {
    const { read } = harness(undefined, () => 2);
    read(LIGHT);
    const small = read();
    expect(small.room).toBe(64 * KiB); // filled: bulk
    const big = read();
    expect(big.room).toBe(256 * KiB);
    expect(read().buffer.buffer).toBe(big.buffer.buffer);
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
