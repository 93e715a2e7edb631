/**
 * Received frames are `Buffer`s on Node (zeromq.js's API): the runtime turns
 * them into Buffer views in place, and this module tells the socket layer's
 * types so (`Message` is `Buffer` wherever @zmq/node is loaded).
 */
import { Buffer } from "node:buffer";

declare module "@zmq/socket" {
  interface FrameTypes {
    /** Received frames are Node `Buffer`s. */
    frame: Buffer;
  }
}

export type { MessageLike } from "@zmq/socket";

/** One received frame. */
export type Message = Buffer;

/** Views every frame of a received message as a Buffer, in place (no copy). */
export function toBuffers(frames: Uint8Array[]): Buffer[] {
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (Buffer.isBuffer(f)) continue;
    // Small frames sent here are Buffers already (frame-copy.ts). One made
    // elsewhere (a cross-thread message) may live on V8's heap: reading its
    // `.buffer` would move it off-heap (~0.7 µs), so a copy of up to 128 bytes
    // into a pooled Buffer is cheaper. Larger frames are viewed in place.
    frames[i] =
      f.byteLength <= 128 ? Buffer.from(f) : Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  }
  return frames as Buffer[];
}
