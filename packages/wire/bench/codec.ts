/**
 * Codec throughput: FrameEncoder (batched, flushed per ~64 KiB) and FrameDecoder
 * over 64 KiB chunks, for 16 B, 1 KiB and 64 KiB single-frame messages.
 *
 *   pnpm --filter @zmq/wire bench
 *
 * Not a timed test: numbers depend on the machine. Each case runs for ~1 s after a
 * warm-up and reports the best of 3 rounds.
 */
import { FrameDecoder } from "../src/frame-decoder";
import { encodeFrame, FrameEncoder } from "../src/frame-encoder";

const CHUNK = 64 * 1024;
const ROUND_MS = Number(process.env.BENCH_MS ?? 1000);
const SIZES = [16, 1024, 64 * 1024];

interface Result {
  messages: number;
  bytes: number;
  seconds: number;
}

/** Runs `batch` (which returns messages and payload bytes done) until ROUND_MS elapse. */
function measure(batch: () => [number, number]): Result {
  for (let i = 0; i < 3; i++) batch(); // warm-up
  let best: Result | undefined;
  for (let round = 0; round < 3; round++) {
    let messages = 0;
    let bytes = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ROUND_MS * 1e6) {
      const [m, b] = batch();
      messages += m;
      bytes += b;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    const result = { messages, bytes, seconds: elapsed / 1e9 };
    if (best === undefined || result.messages / result.seconds > best.messages / best.seconds) {
      best = result;
    }
  }
  return best!;
}

function format(name: string, size: number, r: Result): string {
  const rate = r.messages / r.seconds;
  const mb = r.bytes / r.seconds / 1e6;
  const msgs =
    rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M msg/s` : `${(rate / 1e3).toFixed(1)} k msg/s`;
  return `${name.padEnd(34)} ${`${size} B`.padStart(8)}  ${msgs.padStart(15)}  ${mb.toFixed(0).padStart(6)} MB/s`;
}

/** Messages per batch: about 4 MiB of payload, at least 16 messages. */
function batchCount(size: number): number {
  return Math.max(16, Math.floor((4 * 1024 * 1024) / size));
}

let sink = 0;

function benchEncoder(size: number): Result {
  const body = new Uint8Array(size).fill(7);
  const count = batchCount(size);
  const frames = [body];
  const encoder = new FrameEncoder();
  return measure(() => {
    for (let i = 0; i < count; i++) {
      encoder.message(frames);
      if (encoder.pendingBytes >= CHUNK) sink += encoder.flush().length;
    }
    sink += encoder.flush().length;
    return [count, count * size];
  });
}

function benchEncodeFrame(size: number): Result {
  const body = new Uint8Array(size).fill(7);
  const count = batchCount(size);
  return measure(() => {
    for (let i = 0; i < count; i++) sink += encodeFrame(body)[0].length;
    return [count, count * size];
  });
}

function benchDecoder(size: number): Result {
  const count = batchCount(size);
  const encoder = new FrameEncoder({ slabSize: 1 << 20 });
  const body = new Uint8Array(size).fill(7);
  for (let i = 0; i < count; i++) encoder.frame(body, 0);
  const parts = encoder.flush();
  const total = parts.reduce((n, p) => n + p.length, 0);
  const stream = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    stream.set(part, at);
    at += part.length;
  }
  // What a socket delivers: 64 KiB reads, frames straddling their boundaries.
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += CHUNK) chunks.push(stream.subarray(i, i + CHUNK));
  let frames = 0;
  let bytes = 0;
  const decoder = new FrameDecoder((b) => {
    frames++;
    bytes += b.length;
  });
  return measure(() => {
    frames = 0;
    bytes = 0;
    for (const chunk of chunks) {
      const error = decoder.push(chunk);
      if (error !== undefined) throw error;
    }
    if (frames !== count) throw new Error(`decoded ${frames} of ${count} frames`);
    return [frames, bytes];
  });
}

console.log(`@zmq/wire codec benchmark, node ${process.version}, ${ROUND_MS} ms rounds\n`);
for (const size of SIZES) {
  console.log(format("FrameEncoder.message + flush", size, benchEncoder(size)));
  console.log(format("encodeFrame [header, body]", size, benchEncodeFrame(size)));
  console.log(format("FrameDecoder, 64 KiB chunks", size, benchDecoder(size)));
}
if (sink < 0) console.log(sink);
