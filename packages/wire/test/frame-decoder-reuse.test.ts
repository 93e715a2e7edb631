import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder } from "../src/frame-decoder";
import { join, patterned, runs, splitAt, toHex } from "./codec-helpers";

/** One ZMTP frame on the wire: short header up to 255 bytes, long above. */
function wireFrame(body: Uint8Array, more: boolean): Uint8Array {
  const flags = more ? 1 : 0;
  if (body.length <= 255) return join([Uint8Array.of(flags, body.length), body]);
  const header = new Uint8Array(9);
  header[0] = flags | 2;
  new DataView(header.buffer).setBigUint64(1, BigInt(body.length));
  return join([header, body]);
}

interface Delivery {
  body: Uint8Array;
  flags: number;
  reused: boolean;
}

/** A decoder in `reuseBodies()` mode whose handler records every delivery as given (no copy). */
function recording() {
  const deliveries: Delivery[] = [];
  const decoder = new FrameDecoder((body, flags, reused) => {
    deliveries.push({ body, flags, reused });
  });
  decoder.reuseBodies();
  return { decoder, deliveries };
}

describe("FrameDecoder.reuseBodies", () => {
  it("assembles straddling bodies in one reused buffer and says so", () => {
    const { decoder, deliveries } = recording();
    const a = patterned(10_000, 1);
    const b = patterned(9_000, 2);
    const wire = join([wireFrame(a, false), wireFrame(b, false)]);
    // Every frame split across chunks: both bodies are assembled.
    for (const chunk of splitAt(wire, [5_000, 10_009 + 3_000])) decoder.push(chunk);
    expect(deliveries.map((d) => d.reused)).toEqual([true, true]);
    // One buffer: the second body went where the first was.
    expect(deliveries[1]!.body.buffer).toBe(deliveries[0]!.body.buffer);
    expect(toHex(deliveries[1]!.body)).toBe(toHex(b));
  });

  it("a view of a pushed chunk is reused too; a body larger than 256 KiB gets memory of its own", () => {
    const { decoder, deliveries } = recording();
    const small = patterned(300, 3);
    const large = patterned(300 * 1024, 4);
    const chunk = join([wireFrame(small, false), wireFrame(large, false).subarray(0, 100_000)]);
    decoder.push(chunk);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.reused).toBe(true);
    expect(deliveries[0]!.body.buffer).toBe(chunk.buffer);
    expect(decoder.largeBodies).toBe(false);
    decoder.push(wireFrame(large, false).subarray(100_000));
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]!.reused).toBe(false);
    expect(decoder.largeBodies).toBe(true);
    expect(deliveries[1]!.body.length).toBe(large.length);
    // Kept without a copy, it stays intact through later frames.
    decoder.push(join([wireFrame(patterned(20_000, 5), false)]).subarray(0, 9_000));
    decoder.push(join([wireFrame(patterned(20_000, 5), false)]).subarray(9_000));
    expect(deliveries[2]!.reused).toBe(true);
    expect(decoder.largeBodies).toBe(false);
    expect(toHex(deliveries[1]!.body)).toBe(toHex(large));
  });

  it("holdsChunks is true exactly while pushed bytes wait in the decoder", () => {
    const { decoder } = recording();
    const frame = wireFrame(patterned(100_000, 6), false);
    expect(decoder.holdsChunks).toBe(false);
    decoder.push(frame.subarray(0, 1_000)); // under 1/64 of the body: the chunk is held
    expect(decoder.holdsChunks).toBe(true);
    decoder.push(frame.subarray(1_000, 3_000)); // enough: the body is allocated, the chunks copied in
    expect(decoder.holdsChunks).toBe(false);
    decoder.pause();
    decoder.push(frame.subarray(3_000)); // paused: queued
    expect(decoder.holdsChunks).toBe(true);
  });

  it("without reuseBodies, nothing is marked reused and straddling bodies are fresh", () => {
    const deliveries: Delivery[] = [];
    const decoder = new FrameDecoder((body, flags, reused) => {
      deliveries.push({ body, flags, reused });
    });
    const wire = join([
      wireFrame(patterned(10_000, 7), false),
      wireFrame(patterned(10_000, 8), false),
    ]);
    for (const chunk of splitAt(wire, [5_000, 15_000])) decoder.push(chunk);
    expect(deliveries.map((d) => d.reused)).toEqual([false, false]);
    expect(deliveries[1]!.body.buffer).not.toBe(deliveries[0]!.body.buffer);
    expect(decoder.largeBodies).toBe(false);
  });

  it("property: a handler that copies out reused bodies gets every frame intact, though released chunks are overwritten", () => {
    const sizeArb = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 4_000, max: 70_000 }),
      fc.integer({ min: 262_000, max: 270_000 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sizeArb, fc.boolean()), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 90_000 }), { minLength: 1, maxLength: 30 }),
        fc.integer(),
        (frames, chunkSizes, seed) => {
          const bodies = frames.map(([size], i) => patterned(size, seed + i));
          const wire = join(bodies.map((body, i) => wireFrame(body, frames[i]![1])));
          const kept: Uint8Array[] = [];
          const decoder = new FrameDecoder((body, _flags, reused) => {
            // What a copying codec does: keep a copy of a reused body, the body itself otherwise.
            kept.push(reused ? body.slice() : body);
          });
          decoder.reuseBodies();
          // Each chunk in memory of its own, overwritten as soon as the decoder
          // holds none (the transport reading into it again).
          const released: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < wire.length; i++) {
            const size = chunkSizes[i % chunkSizes.length]!;
            const chunk = wire.slice(at, at + size);
            at += chunk.length;
            decoder.push(chunk);
            released.push(chunk);
            if (!decoder.holdsChunks) {
              for (const old of released) old.fill(0xee);
              released.length = 0;
            }
          }
          expect(kept.map(toHex)).toEqual(bodies.map(toHex));
        },
      ),
      { numRuns: runs(60) },
    );
  });
});
