import { PatternError } from "./errors";
import type { Message } from "./message";

/** Longest RADIO/DISH group, in bytes (libzmq `ZMQ_GROUP_MAX_LENGTH`). */
export const MAX_GROUP_LENGTH = 255;

/**
 * A DISH's JOIN or LEAVE as it travels on a pipe towards a RADIO: one frame,
 * `0x01` (join) or `0x00` (leave) followed by the group bytes. The node layer
 * turns it into a ZMTP `JOIN`/`LEAVE` command and back; inproc passes it as is;
 * a udp session drops it (the DISH filters locally).
 */
export interface GroupCommand {
  /** True for JOIN, false for LEAVE. */
  join: boolean;
  /** The group name (at most {@link MAX_GROUP_LENGTH} bytes). */
  group: Uint8Array;
}

/** The pipe message for a JOIN (`join = true`) or LEAVE of `group`. */
export function encodeGroupCommand(join: boolean, group: Uint8Array): Message {
  const frame = new Uint8Array(group.length + 1);
  frame[0] = join ? 1 : 0;
  frame.set(group, 1);
  return [frame];
}

/** Reads a JOIN/LEAVE pipe message; undefined when `msg` is not one. */
export function decodeGroupCommand(msg: Message): GroupCommand | undefined {
  if (msg.length !== 1) return undefined;
  const frame = msg[0]!;
  if (frame.length === 0 || frame.length > MAX_GROUP_LENGTH + 1) return undefined;
  const flag = frame[0];
  if (flag !== 0 && flag !== 1) return undefined;
  return { join: flag === 1, group: frame.subarray(1) };
}

/** A SERVER/PEER routing id (uint32, never 0) as the 4-byte big-endian first frame. */
export function encodeServerRoutingId(id: number): Uint8Array {
  return Uint8Array.of((id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

/** The number in a 4-byte routing-id frame; undefined for any other length. */
export function decodeServerRoutingId(frame: Uint8Array): number | undefined {
  if (frame.length !== 4) return undefined;
  return ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0;
}

/** Thread-safe draft types take single-part messages only (libzmq: EINVAL). */
export function requireSinglePart(msg: Message, type: string): void {
  if (msg.length !== 1) {
    throw new PatternError("EINVAL", `${type} sockets do not support multipart messages`);
  }
}

/** RADIO/DISH/SERVER/DGRAM messages carry exactly one address frame and one body. */
export function requireTwoParts(msg: Message, type: string, what: string): void {
  if (msg.length !== 2) {
    throw new PatternError("EINVAL", `${type} messages are [${what}, body]`);
  }
}

/**
 * Checks a RADIO/DISH group: at most 255 bytes, none of them 0 (RFC 48:
 * `group-char = %d1-255`; libzmq's groups are C strings). EINVAL otherwise.
 */
export function checkGroup(group: Uint8Array): void {
  if (group.length > MAX_GROUP_LENGTH) {
    throw new PatternError("EINVAL", `a group is at most ${MAX_GROUP_LENGTH} bytes`);
  }
  if (group.includes(0)) throw new PatternError("EINVAL", "a group cannot contain a zero byte");
}
