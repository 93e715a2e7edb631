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
export type Message = FrameTypes extends {
  /** The frame type a binding declares (`Buffer` for `@zmq/node`). */
  frame: infer F extends Uint8Array;
}
  ? F
  : Uint8Array;

const EMPTY = new Uint8Array(0);

/**
 * Binary frames up to this size are copied at `send()`, as zeromq.js (libzmq's
 * very small message optimisation): reusing such a buffer after `send()` cannot
 * change a queued message. Larger ones are sent by reference (zero-copy).
 */
export const COPY_AT_SEND_LIMIT = 128;

/**
 * The object a large frame was made from: a frame sent by reference holds on to it until
 * the frame is dropped, as zeromq.js keeps the sender's Buffer alive while libzmq uses its
 * memory (so a buffer pool that recycles on finalization cannot reuse memory in flight).
 */
const SENT_FROM: unique symbol = Symbol("sentFrom");

/**
 * Binary data as a frame of its own: a copy up to `COPY_AT_SEND_LIMIT` bytes,
 * otherwise a new view of the same memory (holding the sender's object), so a
 * receiver (inproc) never gets the very object the sender passed.
 */
function binaryFrame(
  buffer: ArrayBufferLike,
  offset: number,
  length: number,
  owner: object,
): Uint8Array {
  const view = new Uint8Array(buffer, offset, length);
  if (length <= COPY_AT_SEND_LIMIT) return view.slice();
  (view as Uint8Array & { [SENT_FROM]?: object })[SENT_FROM] = owner;
  return view;
}

/** Converts one `MessageLike` into a frame (binary data: see `binaryFrame`). */
export function toFrame(value: MessageLike, encode: (text: string) => Uint8Array): Uint8Array {
  if (typeof value === "string") return encode(value);
  if (ArrayBuffer.isView(value))
    return binaryFrame(value.buffer, value.byteOffset, value.byteLength, value);
  if (value === null) return EMPTY;
  if (typeof value === "number") return encode(String(value));
  if (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)
  )
    return binaryFrame(value, 0, value.byteLength, value);
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
