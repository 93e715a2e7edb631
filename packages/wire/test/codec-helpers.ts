// Shared helpers for the codec tests (not a test file itself).
import fc from "fast-check";
import type { WireError } from "../src/errors";
import { FrameDecoder, type FrameDecoderOptions } from "../src/frame-decoder";

/** numRuns for a property: `FUZZ_RUNS` when set (see `pnpm fuzz`), else `n`. */
export const runs = (n: number): number => Number(process.env.FUZZ_RUNS ?? 0) || n;

/** Hex (whitespace ignored) to bytes, via Buffer so the tests do not trust `fromHex`. */
export const h = (hex: string): Uint8Array =>
  new Uint8Array(Buffer.from(hex.replace(/\s+/g, ""), "hex"));
/** Bytes to hex via Buffer. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
/** ASCII text as hex, to write golden vectors readably. */
export const a = (text: string): string => Buffer.from(text, "latin1").toString("hex");
export const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));
export const join = (parts: readonly Uint8Array[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts));

/** Splits `bytes` at the given cut points (taken modulo the length, deduplicated). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  if (bytes.length === 0) return [];
  const points = [...new Set(cuts.map((c) => c % bytes.length).filter((c) => c > 0))].sort(
    (x, y) => x - y,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** One byte per chunk. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Arbitrary cut points for `splitAt`. */
export const cutsArb = fc.array(fc.nat(), { maxLength: 40 });

export interface Decoded {
  frames: { body: string; flags: number }[];
  error: WireError | undefined;
  /** Results of every push, in order. */
  results: (WireError | undefined)[];
  decoder: FrameDecoder;
}

/** Feeds chunks to a fresh decoder and records frames (as hex) and errors. */
export function decodeChunks(
  chunks: readonly Uint8Array[],
  options: FrameDecoderOptions = {},
): Decoded {
  const frames: { body: string; flags: number }[] = [];
  const decoder = new FrameDecoder((body, flags) => {
    frames.push({ body: toHex(body), flags });
  }, options);
  const results = chunks.map((chunk) => decoder.push(chunk));
  const error = results.find((r) => r !== undefined);
  return { frames, error, results, decoder };
}

/**
 * A deliberately simple, non-incremental reference decoder (BigInt sizes) to check
 * the real one against.
 */
export function referenceDecode(
  input: Uint8Array,
  maxMessageSize?: number,
): { frames: { body: string; flags: number }[]; error: boolean } {
  const frames: { body: string; flags: number }[] = [];
  let i = 0;
  while (i < input.length) {
    const raw = input[i]!;
    const long = (raw & 2) !== 0;
    const headerSize = long ? 9 : 2;
    if (i + headerSize > input.length) break;
    let size = 0n;
    if (long) for (let k = 1; k < 9; k++) size = (size << 8n) | BigInt(input[i + k]!);
    else size = BigInt(input[i + 1]!);
    if (size >= 2n ** 53n) return { frames, error: true };
    if (maxMessageSize !== undefined && maxMessageSize >= 0 && size > BigInt(maxMessageSize)) {
      return { frames, error: true };
    }
    const end = i + headerSize + Number(size);
    if (end > input.length) break;
    frames.push({ body: toHex(input.subarray(i + headerSize, end)), flags: raw & 5 });
    i = end;
  }
  return { frames, error: false };
}

/** Deterministic filler for large bodies (fast-check would be slow generating 64 KiB). */
export function patterned(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Frame bodies weighted towards the interesting sizes: empty, small, around the
 * 255/256 short/long boundary, and a few over 64 KiB.
 */
export const bodyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.constant(new Uint8Array(0)), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 10 },
  { arbitrary: fc.uint8Array({ minLength: 250, maxLength: 260 }), weight: 4 },
  {
    arbitrary: fc
      .record({ length: fc.integer({ min: 65_530, max: 70_000 }), seed: fc.integer() })
      .map(({ length, seed }) => patterned(length, seed)),
    weight: 1,
  },
);

/** A message (1..4 frames) or a command, as the stream would carry them. */
export type Item =
  | { kind: "message"; frames: Uint8Array[] }
  | { kind: "command"; body: Uint8Array };

export const itemArb: fc.Arbitrary<Item> = fc.oneof(
  {
    arbitrary: fc
      .array(bodyArb, { minLength: 1, maxLength: 4 })
      .map((frames): Item => ({ kind: "message", frames })),
    weight: 4,
  },
  { arbitrary: bodyArb.map((body): Item => ({ kind: "command", body })), weight: 1 },
);

/** The (body, flags) sequence a decoder should deliver for `items`. */
export function expectedFrames(items: readonly Item[]): { body: string; flags: number }[] {
  const out: { body: string; flags: number }[] = [];
  for (const item of items) {
    if (item.kind === "command") out.push({ body: toHex(item.body), flags: 4 });
    else {
      item.frames.forEach((frame, i) => {
        out.push({ body: toHex(frame), flags: i < item.frames.length - 1 ? 1 : 0 });
      });
    }
  }
  return out;
}
