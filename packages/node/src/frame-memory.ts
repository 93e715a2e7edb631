/**
 * Large received frames are fresh allocations the application owns and the GC
 * frees, many at a time. With glibc's default malloc settings that pattern is
 * slow: memory freed at the top of the heap goes back to the OS as soon as
 * 128 KiB of it is free, and every block over 128 KiB is its own mmap, so the
 * next frames land on new pages and pay a page fault per 4 KiB. Measured on tcp
 * PUSH/PULL between two processes: 64 KiB messages ran at 6-15k msg/s, 1 MiB at
 * 600-1000 msg/s; with the thresholds raised, 15-22k and 1400-1650 msg/s.
 *
 * glibc raises both thresholds itself when a program frees an mmapped block of up
 * to 32 MiB: the mmap threshold becomes that block's size and the trim threshold
 * twice that. One untouched 16 MiB block, dropped at once, triggers that on the
 * next garbage collection: blocks under 16 MiB then come from the heap, and up to
 * 32 MiB of freed heap stays mapped for reuse. The block costs address space only
 * (it is never written), and other allocators simply free it.
 */
import type { Allocate } from "@zmq/wire";

const NUDGE_BYTES = 16 * 1024 * 1024;

let done = false;

/** Once per process, before the first stream session receives data. */
export function tuneMallocForLargeFrames(): void {
  if (done) return;
  done = true;
  try {
    Buffer.allocUnsafeSlow(NUDGE_BYTES);
  } catch {
    // No room for it (strict overcommit, small address space): only speed is lost.
  }
}

const SLAB_BYTES = 8 * 1024;

/**
 * Memory for the frames one connection receives. Small ones are cut from an
 * 8 KiB slab of this connection's own (as `Buffer.allocUnsafe` cuts from Node's
 * shared pool, but a frame's `.buffer` then never holds another connection's
 * data); from 4 KiB up each frame is its own allocation. Nothing is zero-filled:
 * the caller overwrites every byte it asked for.
 */
export function connectionAllocator(): Allocate {
  let slab: Buffer | undefined;
  let used = SLAB_BYTES;
  return (size) => {
    if (size >= SLAB_BYTES / 2) return Buffer.allocUnsafeSlow(size);
    if (slab === undefined || used + size > SLAB_BYTES) {
      slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      used = 0;
    }
    const out = slab.subarray(used, used + size);
    used = (used + size + 7) & ~7; // 8-byte aligned, as Node's pool
    return out;
  };
}
