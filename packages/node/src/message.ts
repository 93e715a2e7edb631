/**
 * Conversions between what users pass to `send` (zeromq.js's `MessageLike`)
 * and frames, and from received frames to Buffers.
 */
import { Buffer } from "node:buffer";

/** What `send` accepts for one frame, as in zeromq.js. */
export type MessageLike =
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer
  | string
  | number
  | null;

/** One received frame. */
export type Message = Buffer;

/** Converts one `MessageLike` into a frame without copying binary data. */
export function toFrame(value: MessageLike): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value === null) return EMPTY;
  if (typeof value === "number") return Buffer.from(String(value), "utf8");
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
    return new Uint8Array(value);
  // Anything else is sent as its string form, as zeromq.js does (a Symbol throws TypeError).
  return Buffer.from(`${value as unknown as string}`, "utf8");
}

const EMPTY = new Uint8Array(0);

/** Converts `send`'s argument (one frame or an array of frames) into a message. */
export function toFrames(message: MessageLike | MessageLike[]): Uint8Array[] {
  if (Array.isArray(message)) {
    const frames = new Array<Uint8Array>(message.length);
    for (let i = 0; i < message.length; i++) frames[i] = toFrame(message[i] as MessageLike);
    return frames;
  }
  if (message === undefined) throw new TypeError("Message must be present");
  return [toFrame(message)];
}

/** Views a received frame as a Buffer (no copy). */
export function toBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame)
    ? frame
    : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** Views every frame of a received message as a Buffer, in place. */
export function toBuffers(frames: Uint8Array[]): Buffer[] {
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (!Buffer.isBuffer(f)) frames[i] = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  }
  return frames as Buffer[];
}
