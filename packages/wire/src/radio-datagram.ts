/**
 * libzmq's RADIO/DISH datagram (`udp_engine.cpp`; RFC 48 defines none): one
 * datagram per message, `group_len(1) group body`, no flags, no framing beyond.
 */

/** Longest group (libzmq `ZMQ_GROUP_MAX_LENGTH`). */
const MAX_GROUP = 255;

/** Packs `[group, body]` into one datagram; throws RangeError for a group over 255 bytes. */
export function encodeRadioDatagram(group: Uint8Array, body: Uint8Array): Uint8Array {
  if (group.length > MAX_GROUP) throw new RangeError(`group must be at most ${MAX_GROUP} bytes`);
  const out = new Uint8Array(1 + group.length + body.length);
  out[0] = group.length;
  out.set(group, 1);
  out.set(body, 1 + group.length);
  return out;
}

/**
 * Splits a datagram into `[group, body]` (zero-copy views), or undefined when it
 * is empty or shorter than its group length says (libzmq ignores those).
 */
export function decodeRadioDatagram(datagram: Uint8Array): [Uint8Array, Uint8Array] | undefined {
  if (datagram.length === 0) return undefined;
  const length = datagram[0]!;
  if (datagram.length < 1 + length) return undefined;
  return [datagram.subarray(1, 1 + length), datagram.subarray(1 + length)];
}
