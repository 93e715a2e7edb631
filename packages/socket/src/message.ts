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

/** A large frame sent by reference: a view of the sender's memory that holds `owner`. */
function byReference(view: Uint8Array, owner: object): Uint8Array {
  (view as Uint8Array & { [SENT_FROM]?: object })[SENT_FROM] = owner;
  return view;
}

/** A copy of a small frame in a fresh `Uint8Array` (the default `copy`). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/**
 * Converts one `MessageLike` into a frame. Binary data up to `COPY_AT_SEND_LIMIT`
 * bytes is copied by `copy` (a runtime can put the copy where its receivers use
 * it as is: Node cuts it from a Buffer slab); larger data becomes a new view of
 * the same memory, so a receiver (inproc) never gets the very object the sender
 * passed. A `Uint8Array` (or `Buffer`) is copied from directly, without a view.
 */
export function toFrame(
  value: MessageLike,
  encode: (text: string) => Uint8Array,
  copy: (bytes: Uint8Array) => Uint8Array = copyBytes,
): Uint8Array {
  if (typeof value === "string") return encode(value);
  if (ArrayBuffer.isView(value)) {
    const length = value.byteLength;
    if (length > COPY_AT_SEND_LIMIT) {
      return byReference(new Uint8Array(value.buffer, value.byteOffset, length), value);
    }
    // Reading `.buffer` of a small typed array on V8's heap moves it off the
    // heap (~1 µs): a Uint8Array is copied without it.
    return copy(
      value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, length),
    );
  }
  if (value === null) return EMPTY;
  if (typeof value === "number") return encode(String(value));
  if (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)
  ) {
    const view = new Uint8Array(value, 0, value.byteLength);
    return view.length > COPY_AT_SEND_LIMIT ? byReference(view, value) : copy(view);
  }
  // Anything else is sent as its string form, as zeromq.js does (a Symbol throws TypeError).
  return encode(`${value as { toString(): string }}`);
}

/** Converts `send`'s argument (one frame or an array of frames) into a message. */
export function toFrames(
  message: MessageLike | MessageLike[],
  encode: (text: string) => Uint8Array,
  copy: (bytes: Uint8Array) => Uint8Array = copyBytes,
): Uint8Array[] {
  if (Array.isArray(message)) {
    const frames = new Array<Uint8Array>(message.length);
    for (let i = 0; i < message.length; i++) {
      frames[i] = toFrame(message[i] as MessageLike, encode, copy);
    }
    return frames;
  }
  if (message === undefined) throw new TypeError("Message must be present");
  return [toFrame(message, encode, copy)];
}
