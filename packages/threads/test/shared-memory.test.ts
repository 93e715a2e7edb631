import { describe, expect, it } from "vitest";
import { SHARED_MIN_BYTES, type ThreadLink } from "../src/index";
import { processRegistry, shareMemory } from "../src/node";
import { attached, bytes, closed, next, readMessages, text } from "./fixtures/helpers";
import { peerWorkers, unique } from "./fixtures/spawn";

const registry = processRegistry();
const start = peerWorkers();

async function echoLink(options: { ringBytes?: number } = {}): Promise<ThreadLink> {
  const name = unique("shared-echo");
  const worker = start({ mode: "echo-bind", name });
  await next(worker, (m) => m.ready === true);
  const link = registry.connect(name, options);
  await attached(link);
  return link;
}

describe("frames in shared memory (shareMemory)", () => {
  it("cross to a worker and back by reference: the echo hands us views of our own memory", async () => {
    const pool = new SharedArrayBuffer(16 * 1024 * 1024);
    // Shared before the worker exists: its registry starts listening later and asks for it.
    const id = shareMemory(pool);
    expect(shareMemory(pool)).toBe(id);
    const link = await echoLink();
    // Sizes at the threshold, a ring's quarter, over the whole ring; each at an odd offset.
    const sizes = [SHARED_MIN_BYTES - 1, SHARED_MIN_BYTES, 65_536, 1_048_576, 5_000_000];
    let offset = 1;
    const sent = sizes.map((size, i) => {
      const view = new Uint8Array(pool, offset, size);
      for (let j = 0; j < size; j += 1) view[j] = (i * 11 + j) & 0xff;
      offset += size + 7;
      // Mixed with small copied frames.
      return [bytes(`m${i}`), view, new Uint8Array(0)];
    });
    const replies = readMessages(link, sent.length);
    for (const message of sent) expect(link.write(message)).toBe(true);
    const got = await replies;
    got.forEach((message, i) => {
      expect(text(message[0])).toBe(`m${i}`);
      expect(message[2]!.byteLength).toBe(0);
      const frame = message[1]!;
      const source = sent[i]![1]!;
      expect(Buffer.from(frame).equals(Buffer.from(source))).toBe(true);
      const byReference = source.byteLength >= SHARED_MIN_BYTES;
      expect(frame.buffer === pool).toBe(byReference);
      if (byReference) expect(frame.byteOffset).toBe(source.byteOffset);
    });
    link.close();
  }, 60_000);

  it("the receiver sees the sender's bytes (zero-copy, as zeromq.js over 128 B); copied frames are its own", async () => {
    const pool = new SharedArrayBuffer(1024 * 1024);
    shareMemory(pool);
    const link = await echoLink();
    const shared = new Uint8Array(pool, 0, 4096).fill(1);
    const plain = new Uint8Array(4096).fill(1);
    const replies = readMessages(link, 1);
    expect(link.write([shared, plain])).toBe(true);
    const [message] = await replies;
    // The sender reuses both buffers once the message is back.
    shared.fill(2);
    plain.fill(2);
    expect(message![0]![0]).toBe(2); // a view of the same memory
    expect(message![1]![0]).toBe(1); // a copy
    link.close();
  });

  it("the limit still counts messages: 5 + 3 = 8 of 1 MiB by reference to a stalled receiver, then refused", async () => {
    const pool = new SharedArrayBuffer(1024 * 1024);
    shareMemory(pool);
    const name = unique("shared-hwm");
    const worker = start({ mode: "sink", name, receiveHighWaterMark: 3 });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name, { sendHighWaterMark: 5 });
    await attached(link);
    let accepted = 0;
    while (link.write([new Uint8Array(pool)]) && accepted < 100) accepted++;
    expect(accepted).toBe(8);
    expect(link.outboundSize).toBe(8);
    link.close();
  });

  it("a worker that shares memory, sends by reference and exits: the messages arrive whole, then peer-exit", async () => {
    const name = unique("shared-exit");
    const got: Uint8Array[][] = [];
    const done = new Promise<string>((resolve) =>
      registry.bind(name, (link) =>
        link.setHandler({
          readable: () => {
            for (let m = link.read(); m !== undefined; m = link.read()) got.push(m);
          },
          closed: (_l, reason) => resolve(reason),
        }),
      ),
    );
    start({ mode: "shared-then-end", name, end: "exit" });
    expect(await done).toBe("peer-exit");
    expect(got).toHaveLength(6);
    got.forEach((message, i) => {
      expect(text(message[0])).toBe(`shared ${i}`);
      expect(message[1]!.byteLength).toBe(1024 * 1024);
      expect(message[1]!.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(message[1]!.every((b) => b === i + 1)).toBe(true);
      expect(message[2]!.every((b) => b === i)).toBe(true);
    });
  }, 30_000);

  it("a receiving worker that exits with large frames (shared and copied) in flight: we see peer-exit, writes fail, nothing hangs", async () => {
    const pool = new SharedArrayBuffer(2 * 1024 * 1024);
    shareMemory(pool);
    const name = unique("shared-sink-exit");
    const worker = start({ mode: "sink-then-end", name, end: "exit" });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name);
    await attached(link);
    await next(worker, (m) => m.connected === true);
    // Far past the 4 MiB ring: the copied ones wait in our memory.
    for (let i = 0; i < 20; i++) {
      expect(link.write([new Uint8Array(pool, 0, 1024 * 1024), new Uint8Array(1024 * 1024)])).toBe(
        true,
      );
    }
    const reason = closed(link);
    worker.postMessage("end");
    expect(await reason).toBe("peer-exit");
    expect(link.write([new Uint8Array(pool, 0, 1024)])).toBe(false);
  }, 30_000);

  it("rejects what is not a SharedArrayBuffer", () => {
    expect(() => shareMemory(new ArrayBuffer(8) as unknown as SharedArrayBuffer)).toThrow(
      /SharedArrayBuffer/,
    );
  });
});
