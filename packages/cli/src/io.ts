/**
 * Streams of records: stdin split at a separator byte (newline or NUL), and
 * stdout written with backpressure.
 */
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { InputError } from "./errors";

/** A record longer than this on stdin is refused rather than buffered without end. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/**
 * The records of `input`, split at `separator` (the separator is dropped; with
 * a newline, a trailing carriage return too). A last record without separator
 * counts; an empty input yields nothing.
 */
export async function* records(
  input: AsyncIterable<Uint8Array | string>,
  separator: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const finish = (tail: Buffer): Buffer => {
    let record = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    if (separator === 10 && record.length > 0 && record[record.length - 1] === 13) {
      record = record.subarray(0, record.length - 1);
    }
    return record;
  };
  for await (const chunk of input) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk);
    let start = 0;
    for (;;) {
      const at = buffer.indexOf(separator, start);
      if (at < 0) break;
      yield finish(buffer.subarray(start, at));
      start = at + 1;
    }
    if (start < buffer.length) {
      pendingBytes += buffer.length - start;
      if (pendingBytes > MAX_RECORD_BYTES) {
        throw new InputError(`a record on stdin is longer than ${MAX_RECORD_BYTES} bytes`);
      }
      pending.push(buffer.subarray(start));
    }
  }
  if (pendingBytes > 0) yield finish(Buffer.alloc(0));
}

/** Writes records to a stream, waiting for `drain` when it is full. */
export class RecordWriter {
  readonly #stream: Writable;
  readonly #separator: Uint8Array;

  constructor(stream: Writable, separator: number) {
    this.#stream = stream;
    this.#separator = Uint8Array.of(separator);
  }

  async write(record: Uint8Array): Promise<void> {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) return;
    stream.write(record);
    if (!stream.write(this.#separator)) await once(stream, "drain");
  }
}

/** What the command line reads from and writes to (the process's streams, or a test's). */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}
