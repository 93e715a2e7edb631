/**
 * Messages as the command line reads and prints them: `text` (raw bytes,
 * frames joined by a delimiter), `hex` (lower-case hex per frame, joined by a
 * space unless told otherwise) and `json` (one JSON array per message; a frame
 * is a string when it is valid UTF-8, `{"hex": "…"}` when not).
 */
import { InputError } from "./errors";

export type Format = "text" | "hex" | "json";
export const FORMATS: readonly Format[] = ["text", "hex", "json"];

export interface FrameCodec {
  /** One record (a line, a NUL-terminated string or a command-line argument) into frames. */
  decode(record: Uint8Array): Uint8Array[];
  /** A message into one record, without the record separator. */
  encode(frames: readonly Uint8Array[]): Uint8Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function split(record: Uint8Array, delimiter: Uint8Array): Uint8Array[] {
  const buffer = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  const frames: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const at = buffer.indexOf(delimiter, start);
    if (at < 0) break;
    frames.push(buffer.subarray(start, at));
    start = at + delimiter.length;
  }
  frames.push(buffer.subarray(start));
  return frames;
}

function join(frames: readonly Uint8Array[], delimiter: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  frames.forEach((frame, i) => {
    if (i > 0) parts.push(delimiter);
    parts.push(frame);
  });
  return Buffer.concat(parts);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function fromHex(text: string): Uint8Array {
  if (!HEX.test(text)) {
    throw new InputError(`bad hex frame "${clip(text)}": expected pairs of hex digits`);
  }
  return Buffer.from(text, "hex");
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function jsonFrame(value: unknown): Uint8Array {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const hex = (value as { hex?: unknown }).hex;
    if (typeof hex === "string" && Object.keys(value).length === 1) return fromHex(hex);
  }
  throw new InputError(
    `bad JSON frame ${clip(JSON.stringify(value) ?? String(value))}: expected a string or {"hex": "…"}`,
  );
}

/**
 * The codec for a format. `delimiter` splits a record into frames (text: none
 * by default, so a record is one frame; hex: a space) and joins frames on output
 * (text: a tab by default). JSON takes no delimiter.
 */
export function frameCodec(format: Format, delimiter: string | undefined): FrameCodec {
  switch (format) {
    case "text": {
      const splitBy = delimiter === undefined ? undefined : Buffer.from(delimiter, "utf8");
      const joinBy = Buffer.from(delimiter ?? "\t", "utf8");
      return {
        decode: (record) => (splitBy === undefined ? [record] : split(record, splitBy)),
        encode: (frames) => join(frames, joinBy),
      };
    }
    case "hex": {
      const by = Buffer.from(delimiter ?? " ", "utf8");
      return {
        decode: (record) => split(record, by).map((part) => fromHex(Buffer.from(part).toString())),
        encode: (frames) =>
          join(
            frames.map((f) => Buffer.from(Buffer.from(f).toString("hex"))),
            by,
          ),
      };
    }
    case "json":
      return {
        decode(record) {
          let value: unknown;
          const text = Buffer.from(record).toString("utf8");
          try {
            value = JSON.parse(text);
          } catch {
            throw new InputError(`bad JSON message "${clip(text)}"`);
          }
          return Array.isArray(value) ? value.map(jsonFrame) : [jsonFrame(value)];
        },
        encode: (frames) =>
          Buffer.from(
            JSON.stringify(
              frames.map((f) =>
                isUtf8(f)
                  ? Buffer.from(f).toString("utf8")
                  : { hex: Buffer.from(f).toString("hex") },
              ),
            ),
          ),
      };
  }
}
