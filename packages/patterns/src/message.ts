/**
 * A ZeroMQ message: one or more frames, always handled whole. Pipes queue whole
 * messages, so multipart atomicity is structural.
 *
 * Messages are treated as immutable once sent: the same array (and the same frames)
 * may be delivered to several pipes, and sockets build new arrays instead of editing
 * the ones they were given.
 */
export type Message = Uint8Array[];

/** The shared zero-length frame (delimiters, probes, STREAM notifications). */
export const EMPTY_FRAME: Uint8Array = new Uint8Array(0);

/** A binary-safe string key for a routing id, topic or group (one char per byte). */
export function bytesKey(bytes: Uint8Array): string {
  let key = "";
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

const encoder = new TextEncoder();

/** Bytes of a topic, routing id or frame given as a string (UTF-8) or bytes. */
export function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}
