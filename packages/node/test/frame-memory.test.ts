import { describe, expect, it } from "vitest";
import { connectionAllocator } from "../src/frame-memory";

describe("connectionAllocator", () => {
  it("cuts small frames from one slab per connection, never sharing memory between connections", () => {
    const a = connectionAllocator();
    const b = connectionAllocator();
    const a1 = a(10);
    const a2 = a(100);
    const b1 = b(10);
    expect(Buffer.isBuffer(a1)).toBe(true);
    expect(a1.buffer).toBe(a2.buffer);
    expect(b1.buffer).not.toBe(a1.buffer);
    expect(a2.byteOffset - a1.byteOffset).toBe(16); // 8-byte aligned, no overlap
    a1.fill(1);
    a2.fill(2);
    expect([...a1].every((x) => x === 1)).toBe(true);
  });

  it("gives an empty frame as the very first allocation too", () => {
    expect(connectionAllocator()(0).length).toBe(0);
  });

  it("starts a new slab when one is used up, and gives frames from 4 KiB up their own memory", () => {
    const a = connectionAllocator();
    const first = a(3000);
    const second = a(3000);
    const third = a(3000); // 9000 > 8 KiB: a new slab
    expect(second.buffer).toBe(first.buffer);
    expect(third.buffer).not.toBe(first.buffer);
    const big = a(4096);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(4096);
    expect(a(0).length).toBe(0);
  });
});
