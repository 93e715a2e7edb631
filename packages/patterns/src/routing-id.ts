/**
 * libzmq's automatic routing id: 5 bytes, a zero byte then a big-endian uint32
 * counter (which starts from a random value per socket).
 */
export function autoRoutingId(counter: number): Uint8Array {
  return Uint8Array.of(
    0,
    (counter >>> 24) & 0xff,
    (counter >>> 16) & 0xff,
    (counter >>> 8) & 0xff,
    counter & 0xff,
  );
}
