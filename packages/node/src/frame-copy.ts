/**
 * The copy `send()` makes of a small frame (up to 128 bytes, as zeromq.js), cut
 * from an 8 KiB slab as `Buffer.allocUnsafe` cuts from Node's pool. The copy is
 * already a `Buffer`, so an inproc receiver gets it as is: one copy per small
 * frame, where a plain `Uint8Array` copy (on V8's heap) would be copied again
 * into a Buffer on receipt. The slab holds only this process's outgoing frames.
 */
import { Buffer } from "node:buffer";

const SLAB_BYTES = 8 * 1024;

let slab = new ArrayBuffer(0);
let used = 0;

/** A `Buffer` copy of `bytes` (at most a few hundred bytes). */
export function copySmallFrame(bytes: Uint8Array): Buffer {
  const size = bytes.length;
  if (used + size > slab.byteLength) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
    used = 0;
  }
  const out = Buffer.from(slab, used, size);
  out.set(bytes);
  used = (used + size + 7) & ~7; // 8-byte aligned, as Node's pool
  return out;
}
