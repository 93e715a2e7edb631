/**
 * The queue of received chunks a stream decoder reads from (the ZMTP frame
 * decoder and the WebSocket frame decoder): bytes are consumed as zero-copy
 * views when they lie in one chunk and copied only across chunk boundaries.
 */
import type { Allocate } from "./bytes";

const EMPTY = new Uint8Array(0);

/** Queued chunks, read from `chunks[head]` at `offset`. The fields are read directly by hot loops. */
export class ChunkQueue {
  /** The chunks; those before `head` are consumed (and replaced by an empty array). */
  chunks: Uint8Array[] = [];
  /** Index of the current chunk. */
  head = 0;
  /** Read position in the current chunk. */
  offset = 0;
  /** Unconsumed bytes in the queue. */
  buffered = 0;

  /** Appends a chunk (not copied); compacts the array once most of it is consumed. */
  push(chunk: Uint8Array): void {
    const chunks = this.chunks;
    if (this.head > 32 && this.head * 2 > chunks.length) {
      chunks.copyWithin(0, this.head);
      chunks.length -= this.head;
      this.head = 0;
    }
    chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Moves to the next chunk, dropping the reference to the current one. */
  nextChunk(): void {
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    }
  }

  /**
   * The next `n` (<= buffered, <= scratch.length) bytes, unconsumed: a view when
   * they lie in the current chunk, else copied into `scratch`.
   */
  peek(n: number, scratch: Uint8Array): Uint8Array {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) return first.subarray(this.offset, this.offset + n);
    let index = this.head;
    let offset = this.offset;
    for (let i = 0; i < n; i++) {
      let chunk = this.chunks[index]!;
      while (offset >= chunk.length) {
        index++;
        offset = 0;
        chunk = this.chunks[index]!;
      }
      scratch[i] = chunk[offset++]!;
    }
    return scratch;
  }

  /** Drops the next `n` (<= buffered) bytes. */
  skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const available = chunk.length - this.offset;
      if (n < available) {
        this.offset += n;
        return;
      }
      n -= available;
      this.nextChunk();
    }
  }

  /**
   * Consumes the next `n` (> 0, <= buffered) bytes: a view when they lie in one
   * chunk, else one copy into memory from `allocate`; `undefined` (nothing
   * consumed) when `allocate` throws a RangeError (the memory cannot be had).
   */
  take(n: number, allocate: Allocate): Uint8Array | undefined {
    const first = this.chunks[this.head]!;
    const offset = this.offset;
    if (first.length - offset >= n) {
      this.skip(n);
      return first.subarray(offset, offset + n);
    }
    const out = tryAllocate(allocate, n);
    if (out !== undefined) this.fill(out, 0);
    return out;
  }

  /**
   * Moves queued bytes into `body` from index `filled` on, up to its end or until
   * the queue is empty; returns how much of `body` is filled now.
   */
  fill(body: Uint8Array, filled: number): number {
    const n = body.length;
    while (filled < n && this.buffered > 0) {
      const chunk = this.chunks[this.head]!;
      const start = this.offset;
      const count = Math.min(n - filled, chunk.length - start);
      body.set(
        start === 0 && count === chunk.length ? chunk : chunk.subarray(start, start + count),
        filled,
      );
      filled += count;
      this.skip(count);
    }
    return filled;
  }

  /** Drops everything queued. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.buffered = 0;
  }
}

/** `allocate(n)`, or `undefined` when it throws a RangeError (other errors propagate). */
export function tryAllocate(allocate: Allocate, n: number): Uint8Array | undefined {
  try {
    return allocate(n);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
