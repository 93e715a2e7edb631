/**
 * Conversions between what users pass to `send` (zeromq.js's `MessageLike`) and
 * frames. Received frames reach the application through the runtime's
 * `toMessage` (Node: `Buffer`s), and their static type is `Message`.
 */

/** What `send` accepts for one frame, as in zeromq.js. */
export type MessageLike =
  | ArrayBufferView
  | ArrayBuffer
  | SharedArrayBuffer
  | string
  | number
  | null;

/**
 * The static type of received frames. A binding widens it by module augmentation
 * (`@zmq/node` declares `frame: Buffer`, since its runtime hands out Buffers); with
 * no binding it is `Uint8Array`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by module augmentation
export interface FrameTypes {}

/** One received frame. */
export type Message = FrameTypes extends { frame: infer F extends Uint8Array } ? F : Uint8Array;

const EMPTY = new Uint8Array(0);

/** Converts one `MessageLike` into a frame without copying binary data. */
export function toFrame(value: MessageLike, encode: (text: string) => Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encode(value);
  if (value === null) return EMPTY;
  if (typeof value === "number") return encode(String(value));
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)
  )
    return new Uint8Array(value);
  // Anything else is sent as its string form, as zeromq.js does (a Symbol throws TypeError).
  return encode(`${value as { toString(): string }}`);
}

/** Converts `send`'s argument (one frame or an array of frames) into a message. */
export function toFrames(
  message: MessageLike | MessageLike[],
  encode: (text: string) => Uint8Array,
): Uint8Array[] {
  if (Array.isArray(message)) {
    const frames = new Array<Uint8Array>(message.length);
    for (let i = 0; i < message.length; i++) frames[i] = toFrame(message[i] as MessageLike, encode);
    return frames;
  }
  if (message === undefined) throw new TypeError("Message must be present");
  return [toFrame(message, encode)];
}
