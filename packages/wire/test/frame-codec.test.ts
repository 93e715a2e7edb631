import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameFlags } from "../src/frame";
import { encodeFrame, FrameEncoder } from "../src/frame-encoder";
import {
  cutsArb,
  decodeChunks,
  expectedFrames,
  type Item,
  itemArb,
  join,
  runs,
  splitAt,
  toHex,
} from "./codec-helpers";

const itemsArb = fc.array(itemArb, { maxLength: 8 });

function encodeWithEncodeFrame(items: readonly Item[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const item of items) {
    if (item.kind === "command") parts.push(...encodeFrame(item.body, FrameFlags.COMMAND));
    else {
      item.frames.forEach((frame, i) => {
        parts.push(...encodeFrame(frame, i < item.frames.length - 1 ? FrameFlags.MORE : 0));
      });
    }
  }
  return join(parts);
}

describe("frame round trip", () => {
  it("property: decode(encodeFrame(x)) == x for multipart messages and commands under any chunking", () => {
    fc.assert(
      fc.property(itemsArb, cutsArb, (items, cuts) => {
        const wire = encodeWithEncodeFrame(items);
        const out = decodeChunks(splitAt(wire, cuts));
        expect(out.error).toBeUndefined();
        expect(out.frames).toEqual(expectedFrames(items));
        expect(out.decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: runs(100) },
    );
  });

  it("property: decode(FrameEncoder(x)) == x with any slab size, copy threshold and flush points", () => {
    fc.assert(
      fc.property(
        itemsArb,
        cutsArb,
        fc.record({
          slabSize: fc.integer({ min: 16, max: 70_000 }),
          copyThreshold: fc.integer({ min: 0, max: 70_000 }),
        }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        (items, cuts, options, flushes) => {
          const encoder = new FrameEncoder(options);
          const flushed: { chunk: Uint8Array; copy: string }[] = [];
          const flush = () => {
            const pending = encoder.pendingBytes;
            const chunks = encoder.flush();
            expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(pending);
            expect(encoder.pendingBytes).toBe(0);
            for (const chunk of chunks) flushed.push({ chunk, copy: toHex(chunk) });
          };
          items.forEach((item, i) => {
            if (item.kind === "command") encoder.command(item.body);
            else encoder.message(item.frames);
            if (flushes[i % flushes.length]) flush();
          });
          flush();
          // Memory handed out earlier was not overwritten by later frames.
          for (const { chunk, copy } of flushed) expect(toHex(chunk)).toBe(copy);
          const wire = join(flushed.map((f) => f.chunk));
          expect(toHex(wire)).toBe(toHex(encodeWithEncodeFrame(items)));
          const out = decodeChunks(splitAt(wire, cuts));
          expect(out.error).toBeUndefined();
          expect(out.frames).toEqual(expectedFrames(items));
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("property: the 255/256 boundary picks short or long headers exactly like libzmq", () => {
    fc.assert(
      fc.property(fc.integer({ min: 250, max: 262 }), fc.boolean(), (length, more) => {
        const [header] = encodeFrame(new Uint8Array(length), more ? FrameFlags.MORE : 0);
        const expected =
          length <= 255
            ? `0${more ? 1 : 0}${length.toString(16).padStart(2, "0")}`
            : `0${more ? 3 : 2}${length.toString(16).padStart(16, "0")}`;
        expect(toHex(header)).toBe(expected);
      }),
      { numRuns: runs(50) },
    );
  });
});
