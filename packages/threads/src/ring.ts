/**
 * One direction of a link: a byte ring in a SharedArrayBuffer, written by one
 * thread and read by another. The header holds the positions, the end flags,
 * the message limit and the "bells" (Int32 words the two threads wait on with
 * `Atomics.waitAsync` and ring with `Atomics.notify`).
 *
 * Records are 8-byte aligned: `[u32 length][u32 kind] body`, length counting
 * what follows the 8-byte record head. A message is one or more records: the
 * first (`START`) begins with `[u32 length of the encoded message][u32 0]`, the
 * last carries `END`; every piece but the last holds a multiple of 8 bytes, so
 * byte k of the encoded message always sits at a ring offset ≡ k (mod 8). The
 * encoded message is `[u32 frame count][u32 0]`, then per frame `[u32 length][u32
 * gap]`, then the frames, each after `gap` filler bytes that put it at the
 * same alignment (mod 8) as its source. V8 copies between a SharedArrayBuffer
 * and an ordinary one word by word only when both sides share that alignment,
 * and byte by byte (several times slower) otherwise; so each frame is copied
 * in word by word, and copied out into memory of the same alignment.
 * A record never wraps: a `PAD` record fills the tail of the ring instead.
 * A writer past `REWIND_AT` that finds little unread pads to the end and
 * starts again at offset 0, so a link carrying small messages keeps to the
 * first pages of a large ring (the rest is only touched by bursts and large
 * messages; a SharedArrayBuffer's untouched pages cost no memory).
 * Positions are 32-bit counters that wrap; the capacity is a power of two far
 * below 2^31.
 */

/** Int32 indexes into the header. Words written by different threads sit on different cache lines. */
export const H = {
  /** Bytes published by the writer. */
  W_POS: 0,
  /** Writer's end: 0 open, 1 ended after its last message, 2 aborted (drop what is unread). */
  W_END: 2,
  /** The writer's SNDHWM (its part of the limit; 0 = no limit). */
  SND_PART: 3,
  /** Bytes consumed by the reader. */
  R_POS: 16,
  /** Messages consumed by the reader. */
  R_MSGS: 17,
  /** Reader's end: 0 reading, 1 gone (the writer drops everything). */
  R_END: 18,
  /** The reader's RCVHWM (its part of the limit; 0 = no limit, -1 = no reader yet). */
  RCV_PART: 19,
  /** 1 while the reader waits on W_BELL. */
  R_SLEEP: 32,
  /** Rung by the writer when it publishes to a sleeping reader. */
  W_BELL: 33,
  /** 1 while the writer waits on R_BELL. */
  W_SLEEP: 48,
  /** Rung by the reader (or the attaching thread) to wake a sleeping writer. */
  R_BELL: 49,
  /** Wake the writer once R_MSGS reaches this (signed distance). */
  W_WANT_MSGS: 50,
  /** Wake the writer once R_POS reaches this (signed distance). */
  W_WANT_POS: 51,
  /** Bumped on every end-of-link change; the reading end watches it. */
  STATE_BELL: 64,
} as const;

/** Header size in bytes. */
export const HEADER_BYTES = 512;
const KIND_START = 1;
const KIND_END = 2;
const KIND_PAD = 8;
/** A writer at or past this offset goes back to offset 0 when at most `REWIND_SLACK` bytes are unread. */
export const REWIND_AT = 256 * 1024;
const REWIND_SLACK = 32 * 1024;
/** The reader publishes its position at least every this many messages. */
const COMMIT_EVERY = 32;
/** Signed 32-bit distance `a - b` of two wrapping counters. */
export const distance = (a: number, b: number): number => (a - b) | 0;

/** Smallest ring: room for the header plus a few records. */
export const MIN_RING_BYTES = 4096;
/** Largest ring (keeps every position distance well inside 31 bits). */
export const MAX_RING_BYTES = 1 << 28;

/**
 * Allocates one direction's ring: `capacity` data bytes (a power of two) after
 * the header, with the writer's SNDHWM and the reader's RCVHWM (-1: that end is not
 * there yet, the limit is the other's part alone).
 */
export function createRing(capacity: number, send: number, receive = -1): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(HEADER_BYTES + capacity);
  const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
  Atomics.store(header, H.SND_PART, send);
  Atomics.store(header, H.RCV_PART, receive);
  return sab;
}

/**
 * Messages allowed in flight in a direction (0 = no limit): the writer's
 * SNDHWM plus the reader's RCVHWM, libzmq's inproc sum. Each end sets its own
 * part (at any time: high-water marks changed after connect apply), so the sum
 * is made on every read.
 */
export function ringLimit(header: Int32Array): number {
  const send = Atomics.load(header, H.SND_PART);
  const receive = Atomics.load(header, H.RCV_PART);
  if (receive < 0) return send;
  if (send < 0) return receive;
  return send === 0 || receive === 0 ? 0 : send + receive;
}

/** Data bytes of a ring made by `createRing`. */
export function ringCapacity(sab: SharedArrayBuffer): number {
  return sab.byteLength - HEADER_BYTES;
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Filler bytes before a frame at offset `at` of the encoded message, to match its source's alignment. */
const gapBefore = (at: number, frame: Uint8Array): number => (frame.byteOffset - at) & 7;
const FILLER = new Uint8Array(8);

/** Memory for received messages: `size` bytes, 8-byte aligned, contents to be overwritten. */
export type RingAllocate = (size: number) => Uint8Array;

/**
 * SharedArrayBuffers every thread of the process knows by a number (see
 * `ThreadRegistry.shareMemory`). A frame over `SHARED_MIN_BYTES` that lies in
 * one travels as a reference: the ring carries the memory's number, the offset
 * and the length, and the reader hands out a view of the same bytes (no copy
 * on either side, as zeromq.js passes large frames by pointer).
 */
export interface SharedMemoryTable {
  /** The number of a shared `buffer`, or undefined when it is not shared. */
  idOf(buffer: ArrayBufferLike): number | undefined;
  /** Memory `id`, or undefined while this thread does not know it (yet). */
  get(id: number): SharedArrayBuffer | undefined;
  /** The frame a reader hands out for `length` bytes at `offset` of `memory` (default: a Uint8Array view). */
  view?(memory: SharedArrayBuffer, offset: number, length: number): Uint8Array;
}

/** Frames of shared memory from this size up travel by reference (zeromq.js's zero-copy threshold is over 128 B). */
export const SHARED_MIN_BYTES = 129;
/** Flag in a frame's gap word: the frame is a reference (`[u32 id][u32 0][u32 offset low][u32 offset high]`). */
const GAP_SHARED = 0x80000000;
const REF_BYTES = 16;
const defaultAllocate: RingAllocate = (size) => new Uint8Array(size);

/** The writing half. Writes records into the ring; `publish()` makes them visible. */
export class RingWriter {
  readonly header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #capacity: number;
  readonly #mask: number;
  /** Largest piece of a message written at once (a multiple of 8): under a quarter of the ring, so pieces pipeline. */
  readonly #maxPiece: number;
  #pos = 0;
  #published = 0;
  #readCache = 0;
  /** The message being written piece by piece, when it did not fit at once. */
  #segments: Uint8Array[] | undefined;
  #segIndex = 0;
  #segOffset = 0;
  #left = 0;
  #started = false;
  readonly #memory: SharedMemoryTable | undefined;
  /** Per frame of the message being written: the shared memory's id, or -1 (copied). */
  #refs: number[] | undefined;

  constructor(sab: SharedArrayBuffer, memory?: SharedMemoryTable) {
    this.#memory = memory;
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.#capacity = ringCapacity(sab);
    this.#bytes = new Uint8Array(sab, HEADER_BYTES, this.#capacity);
    this.#view = new DataView(sab, HEADER_BYTES, this.#capacity);
    this.#mask = this.#capacity - 1;
    this.#maxPiece = this.#capacity / 4 - 16;
    this.#pos = Atomics.load(this.header, H.W_POS) >>> 0;
    this.#published = this.#pos;
    this.#readCache = Atomics.load(this.header, H.R_POS) >>> 0;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Bytes written but not yet published. */
  get unpublished(): boolean {
    return this.#pos !== this.#published;
  }

  /** The local write position (published or not). */
  get position(): number {
    return this.#pos;
  }

  /** A message is partly written (its first pieces are in the ring, the rest waits for room). */
  get partial(): boolean {
    return this.#segments !== undefined;
  }

  /** Makes written records visible to the reader. Returns true when something new was published. */
  publish(): boolean {
    if (this.#pos === this.#published) return false;
    this.#published = this.#pos;
    Atomics.store(this.header, H.W_POS, this.#pos);
    return true;
  }

  /**
   * Writes `frames` (or continues the message started by an earlier call that
   * returned false — pass the same frames). Returns true once the whole message
   * is in the ring, false when the ring is full (call again when it has room).
   */
  write(frames: Uint8Array[]): boolean {
    if (this.#segments === undefined) {
      if ((this.#pos & this.#mask) >= REWIND_AT) this.#rewind();
      const n = frames.length;
      const refs = this.#memory === undefined ? undefined : this.#sharedRefs(frames);
      this.#refs = refs;
      let body = 8 + 8 * n;
      for (let i = 0; i < n; i++) {
        const frame = frames[i]!;
        if (refs !== undefined && refs[i]! >= 0) body += (-body & 7) + REF_BYTES;
        else body += gapBefore(body, frame) + frame.byteLength;
      }
      if (body + 8 <= this.#maxPiece) return this.#writeWhole(frames, body);
      const table = new Uint8Array(8 + 8 * n);
      const view = new DataView(table.buffer);
      view.setUint32(0, n, true);
      const segments: Uint8Array[] = [table];
      let at = table.byteLength;
      for (let i = 0; i < n; i++) {
        const frame = frames[i]!;
        const shared = refs !== undefined && refs[i]! >= 0;
        const gap = shared ? -at & 7 : gapBefore(at, frame);
        view.setUint32(8 + 8 * i, frame.byteLength, true);
        view.setUint32(12 + 8 * i, shared ? gap | GAP_SHARED : gap, true);
        if (gap > 0) segments.push(FILLER.subarray(0, gap));
        if (shared) {
          const ref = new Uint8Array(REF_BYTES);
          writeRef(new DataView(ref.buffer), 0, refs[i]!, frame.byteOffset);
          segments.push(ref);
          at += gap + REF_BYTES;
        } else {
          segments.push(frame);
          at += gap + frame.byteLength;
        }
      }
      this.#segments = segments;
      this.#segIndex = 0;
      this.#segOffset = 0;
      this.#left = body;
      this.#started = false;
    }
    return this.#writePieces();
  }

  /** Which frames go by reference: -1 for each copied one; undefined when none goes by reference. */
  #sharedRefs(frames: Uint8Array[]): number[] | undefined {
    let refs: number[] | undefined;
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      if (frame.byteLength < SHARED_MIN_BYTES) continue;
      const buffer = frame.buffer;
      if (!(buffer instanceof SharedArrayBuffer)) continue;
      const id = this.#memory!.idOf(buffer);
      if (id === undefined) continue;
      refs ??= new Array<number>(frames.length).fill(-1);
      refs[i] = id;
    }
    return refs;
  }

  /**
   * Little is unread: pad to the end so the next record goes to offset 0. The
   * reader reads what is left, skips the pad and follows; the room before
   * what it has not read (at least `REWIND_AT - REWIND_SLACK`) is free to the
   * writer at once.
   */
  #rewind(): void {
    if ((this.#pos - this.#readCache) >>> 0 > REWIND_SLACK) {
      this.#readCache = Atomics.load(this.header, H.R_POS) >>> 0;
      if ((this.#pos - this.#readCache) >>> 0 > REWIND_SLACK) return;
    }
    const offset = this.#pos & this.#mask;
    const toEnd = this.#capacity - offset;
    this.#view.setUint32(offset, toEnd - 8, true);
    this.#view.setUint32(offset + 4, KIND_PAD, true);
    this.#pos = (this.#pos + toEnd) >>> 0;
  }

  /** Reserves `record` contiguous bytes; returns the ring offset or -1 when there is no room. */
  #reserve(record: number): number {
    const capacity = this.#capacity;
    let offset = this.#pos & this.#mask;
    const toEnd = capacity - offset;
    const need = record <= toEnd ? record : toEnd + record;
    if (capacity - ((this.#pos - this.#readCache) >>> 0) < need) {
      this.#readCache = Atomics.load(this.header, H.R_POS) >>> 0;
      if (capacity - ((this.#pos - this.#readCache) >>> 0) < need) return -1;
    }
    if (record > toEnd) {
      this.#view.setUint32(offset, toEnd - 8, true);
      this.#view.setUint32(offset + 4, KIND_PAD, true);
      this.#pos = (this.#pos + toEnd) >>> 0;
      offset = 0;
    }
    return offset;
  }

  #writeWhole(frames: Uint8Array[], body: number): boolean {
    const length = body + 8;
    const record = align8(8 + length);
    const offset = this.#reserve(record);
    if (offset < 0) return false;
    const view = this.#view;
    const n = frames.length;
    view.setUint32(offset, length, true);
    view.setUint32(offset + 4, KIND_START | KIND_END, true);
    view.setUint32(offset + 8, body, true);
    view.setUint32(offset + 16, n, true);
    const start = offset + 16;
    let at = start + 8 + 8 * n;
    const bytes = this.#bytes;
    const refs = this.#refs;
    for (let i = 0; i < n; i++) {
      const frame = frames[i]!;
      const size = frame.byteLength;
      if (refs !== undefined && refs[i]! >= 0) {
        const gap = (start - at) & 7;
        view.setUint32(start + 8 + 8 * i, size, true);
        view.setUint32(start + 12 + 8 * i, gap | GAP_SHARED, true);
        at += gap;
        writeRef(view, at, refs[i]!, frame.byteOffset);
        at += REF_BYTES;
        continue;
      }
      const gap = gapBefore(at - start, frame);
      view.setUint32(start + 8 + 8 * i, size, true);
      view.setUint32(start + 12 + 8 * i, gap, true);
      at += gap;
      if (size <= 32) {
        for (let j = 0; j < size; j++) bytes[at + j] = frame[j]!;
      } else {
        bytes.set(frame, at);
      }
      at += size;
    }
    this.#pos = (this.#pos + record) >>> 0;
    return true;
  }

  #writePieces(): boolean {
    const segments = this.#segments!;
    const bytes = this.#bytes;
    while (this.#left > 0) {
      const head = this.#started ? 0 : 8;
      // Every piece but the last a multiple of 8 (maxPiece is), to keep the alignment.
      const piece = Math.min(this.#left, this.#maxPiece);
      const record = align8(8 + head + piece);
      const offset = this.#reserve(record);
      if (offset < 0) return false;
      const view = this.#view;
      const last = piece === this.#left;
      view.setUint32(offset, head + piece, true);
      view.setUint32(offset + 4, (this.#started ? 0 : KIND_START) | (last ? KIND_END : 0), true);
      let at = offset + 8;
      if (!this.#started) {
        view.setUint32(at, this.#left, true);
        view.setUint32(at + 4, 0, true);
        at += 8;
        this.#started = true;
      }
      let todo = piece;
      while (todo > 0) {
        const segment = segments[this.#segIndex]!;
        const take = Math.min(todo, segment.byteLength - this.#segOffset);
        bytes.set(segment.subarray(this.#segOffset, this.#segOffset + take), at);
        at += take;
        todo -= take;
        this.#segOffset += take;
        if (this.#segOffset === segment.byteLength) {
          this.#segIndex++;
          this.#segOffset = 0;
        }
      }
      this.#left -= piece;
      this.#pos = (this.#pos + record) >>> 0;
    }
    this.#segments = undefined;
    return true;
  }
}

function writeRef(view: DataView, at: number, id: number, offset: number): void {
  view.setUint32(at, id, true);
  view.setUint32(at + 4, 0, true);
  view.setUint32(at + 8, offset >>> 0, true);
  view.setUint32(at + 12, Math.floor(offset / 2 ** 32), true);
}

/** Thrown when a ring holds something no writer could have written (a bug, not a peer). */
export class RingCorruptError extends Error {
  constructor(message: string) {
    super(`@zmq/threads ring corrupt: ${message}`);
    this.name = "RingCorruptError";
  }
}

/** The reading half. `read()` returns whole messages; pieces of a large one are assembled. */
export class RingReader {
  readonly header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #capacity: number;
  readonly #mask: number;
  #pos: number;
  #messages: number;
  #writeCache: number;
  #assembly: Uint8Array | undefined;
  #assembled = 0;
  #uncommitted = 0;
  #committedPos: number;
  #manual = false;
  #released = 0;
  readonly #allocate: RingAllocate;
  readonly #memory: SharedMemoryTable | undefined;
  /** A message assembled from pieces that refers to memory this thread does not know yet. */
  #parked: Uint8Array | undefined;
  #blockedOn: number | undefined;
  /** Called after each piece of a large message is consumed (the link wakes a waiting writer). */
  onPiece: (() => void) | undefined;

  /**
   * `allocate` gives the memory received messages are copied into (default:
   * `new Uint8Array`); `memory` resolves frames that travel by reference.
   */
  constructor(
    sab: SharedArrayBuffer,
    allocate: RingAllocate = defaultAllocate,
    memory?: SharedMemoryTable,
  ) {
    this.#allocate = allocate;
    this.#memory = memory;
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.#capacity = ringCapacity(sab);
    this.#bytes = new Uint8Array(sab, HEADER_BYTES, this.#capacity);
    this.#view = new DataView(sab, HEADER_BYTES, this.#capacity);
    this.#mask = this.#capacity - 1;
    // A reader may take over a ring another thread read before (it died): go on from there.
    this.#pos = Atomics.load(this.header, H.R_POS) >>> 0;
    this.#messages = Atomics.load(this.header, H.R_MSGS);
    this.#writeCache = this.#pos;
    this.#committedPos = this.#pos;
  }

  /** Bytes consumed. */
  get position(): number {
    return this.#pos;
  }

  /** Messages read. */
  get messages(): number {
    return this.#messages;
  }

  /**
   * Messages counted as consumed towards the writer's limit: those read, or in
   * manual mode those given back with `release`.
   */
  get consumed(): number {
    return this.#manual ? this.#released : this.#messages;
  }

  /** From now on a message counts as consumed only once `release`d (see `ThreadLink.deferRelease`). */
  manualRelease(): void {
    if (this.#manual) return;
    this.#manual = true;
    this.#released = this.#messages;
  }

  /** Counts `count` more read messages as consumed (manual mode). */
  release(count: number): void {
    if (!this.#manual || count <= 0) return;
    this.#released = (this.#released + count) | 0;
    this.#uncommitted++;
    this.commit();
  }

  /**
   * The shared memory the next message refers to and this thread does not know
   * yet (`read()` returns undefined until it does), or undefined.
   */
  get blockedOn(): number | undefined {
    return this.#blockedOn;
  }

  /** True when every published byte has been consumed. */
  get empty(): boolean {
    if (this.#parked !== undefined) return false;
    if (this.#pos !== this.#writeCache) return false;
    this.#writeCache = Atomics.load(this.header, H.W_POS) >>> 0;
    return this.#pos === this.#writeCache;
  }

  /** The next whole message, or undefined when none is complete yet. */
  read(): Uint8Array[] | undefined {
    this.#blockedOn = undefined;
    if (this.#parked !== undefined) {
      const frames = this.#decodeAssembled(this.#parked);
      if (frames === undefined) return undefined;
      this.#parked = undefined;
      this.#counted();
      this.commit();
      return frames;
    }
    const view = this.#view;
    const capacity = this.#capacity;
    for (;;) {
      if (this.#pos === this.#writeCache) {
        this.#writeCache = Atomics.load(this.header, H.W_POS) >>> 0;
        if (this.#pos === this.#writeCache) {
          this.commit();
          return undefined;
        }
      }
      const offset = this.#pos & this.#mask;
      const length = view.getUint32(offset, true);
      const kind = view.getUint32(offset + 4, true);
      if (offset + 8 + length > capacity) throw new RingCorruptError(`record of ${length} bytes`);
      if (kind === KIND_PAD) {
        this.#advance(capacity - offset);
        continue;
      }
      let at = offset + 8;
      let size = length;
      if ((kind & KIND_START) !== 0) {
        const total = view.getUint32(at, true);
        at += 8;
        size -= 8;
        if ((kind & KIND_END) !== 0) {
          if (size !== total) throw new RingCorruptError("single record length");
          const frames = this.#decodeInRing(at, size);
          if (frames === undefined) {
            // Refers to shared memory not known here yet: leave it in the ring.
            this.commit();
            return undefined;
          }
          this.#advance(align8(8 + length));
          this.#counted();
          return frames;
        }
        this.#assembly = this.#allocate(total);
        this.#assembled = 0;
      } else if (this.#assembly === undefined) {
        // The rest of a message whose start an earlier reader took: skip it.
        this.#advance(align8(8 + length));
        continue;
      }
      const assembly = this.#assembly;
      if (this.#assembled + size > assembly.byteLength)
        throw new RingCorruptError("piece overflow");
      assembly.set(this.#bytes.subarray(at, at + size), this.#assembled);
      this.#assembled += size;
      this.#advance(align8(8 + length));
      if ((kind & KIND_END) !== 0) {
        this.#assembly = undefined;
        if (this.#assembled !== assembly.byteLength) throw new RingCorruptError("short message");
        const frames = this.#decodeAssembled(assembly);
        if (frames === undefined) {
          this.#parked = assembly;
          this.commit();
          return undefined;
        }
        this.#counted();
        this.commit();
        return frames;
      }
      // Free the piece's room at once, and wake the writer if it waits for it:
      // it writes the next pieces while this thread copies these out.
      this.commit();
      this.onPiece?.();
    }
  }

  /** Publishes the consumed position and message count (done every few messages and before sleeping). */
  commit(): void {
    if (this.#uncommitted === 0 && this.#committedPos === this.#pos) return;
    this.#uncommitted = 0;
    this.#committedPos = this.#pos;
    Atomics.store(this.header, H.R_POS, this.#pos);
    Atomics.store(this.header, H.R_MSGS, this.consumed);
  }

  #advance(bytes: number): void {
    this.#pos = (this.#pos + bytes) >>> 0;
  }

  #counted(): void {
    this.#messages = (this.#messages + 1) | 0;
    if (++this.#uncommitted >= COMMIT_EVERY) this.commit();
  }

  /**
   * Copies a message out of the ring: the frames share one fresh buffer, each at
   * its source's alignment (a frame that started a buffer is a whole buffer).
   */
  #decodeInRing(at: number, size: number): Uint8Array[] | undefined {
    const view = this.#view;
    const n = view.getUint32(at, true);
    const head = 8 + 8 * n;
    if (head > size) throw new RingCorruptError("frame count");
    if (n === 0) return [];
    if (this.#memory !== undefined) {
      for (let i = 0; i < n; i++) {
        if ((view.getUint32(at + 12 + 8 * i, true) & GAP_SHARED) !== 0) {
          return this.#decodeWithRefs(this.#bytes, view, at, size, false);
        }
      }
    }
    // The frames lie between the first one's start and the end, gaps included.
    const first = head + view.getUint32(at + 12, true);
    const lead = first & 7;
    const span = size - first;
    if (span < 0) throw new RingCorruptError("frame gap");
    const body = this.#allocate(lead + span);
    if (span <= 32) {
      const bytes = this.#bytes;
      for (let j = 0; j < span; j++) body[lead + j] = bytes[at + first + j]!;
    } else {
      body.set(this.#bytes.subarray(at + first, at + size), lead);
    }
    if (n === 1) {
      if (view.getUint32(at + 8, true) !== span) throw new RingCorruptError("frame length");
      return [lead === 0 && body.byteLength === span ? body : body.subarray(lead, lead + span)];
    }
    const frames: Uint8Array[] = new Array(n);
    let from = lead;
    for (let i = 0; i < n; i++) {
      const length = view.getUint32(at + 8 + 8 * i, true);
      if (i > 0) from += view.getUint32(at + 12 + 8 * i, true);
      if (from + length > lead + span) throw new RingCorruptError("frame length");
      frames[i] = body.subarray(from, from + length);
      from += length;
    }
    if (from !== lead + span) throw new RingCorruptError("trailing bytes");
    return frames;
  }

  /**
   * Decodes a message with frames by reference (`source` the ring, or an
   * assembled message whose copied frames are handed out as they are).
   * Undefined, with `blockedOn` set, when one refers to memory not known here yet.
   */
  #decodeWithRefs(
    source: Uint8Array,
    view: DataView,
    at: number,
    size: number,
    inPlace: boolean,
  ): Uint8Array[] | undefined {
    const memory = this.#memory;
    if (memory === undefined)
      throw new RingCorruptError("frame by reference without a memory table");
    const n = view.getUint32(at, true);
    if (8 + 8 * n > size) throw new RingCorruptError("frame count");
    const frames: Uint8Array[] = new Array(n);
    let pos = 8 + 8 * n;
    for (let i = 0; i < n; i++) {
      const length = view.getUint32(at + 8 + 8 * i, true);
      const gap = view.getUint32(at + 12 + 8 * i, true);
      pos += gap & 7;
      if ((gap & GAP_SHARED) !== 0) {
        if (pos + REF_BYTES > size) throw new RingCorruptError("frame reference");
        const id = view.getUint32(at + pos, true);
        const offset =
          view.getUint32(at + pos + 8, true) + view.getUint32(at + pos + 12, true) * 2 ** 32;
        const shared = memory.get(id);
        if (shared === undefined) {
          this.#blockedOn = id;
          return undefined;
        }
        if (offset + length > shared.byteLength)
          throw new RingCorruptError("frame reference range");
        frames[i] = memory.view?.(shared, offset, length) ?? new Uint8Array(shared, offset, length);
        pos += REF_BYTES;
      } else {
        if (pos + length > size) throw new RingCorruptError("frame length");
        if (inPlace) {
          frames[i] = source.subarray(at + pos, at + pos + length);
        } else {
          // Copied out at the same alignment mod 8 as in the ring (and its source).
          const lead = pos & 7;
          const out = this.#allocate(lead + length).subarray(lead, lead + length);
          out.set(source.subarray(at + pos, at + pos + length));
          frames[i] = out;
        }
        pos += length;
      }
    }
    if (pos !== size) throw new RingCorruptError("trailing bytes");
    return frames;
  }

  #decodeAssembled(body: Uint8Array): Uint8Array[] | undefined {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const n = view.getUint32(0, true);
    if (this.#memory !== undefined && 8 + 8 * n <= body.byteLength) {
      for (let i = 0; i < n; i++) {
        if ((view.getUint32(12 + 8 * i, true) & GAP_SHARED) !== 0) {
          return this.#decodeWithRefs(body, view, 0, body.byteLength, true);
        }
      }
    }
    if (8 + 8 * n > body.byteLength) throw new RingCorruptError("frame count");
    const frames: Uint8Array[] = new Array(n);
    let at = 8 + 8 * n;
    for (let i = 0; i < n; i++) {
      const size = view.getUint32(8 + 8 * i, true);
      at += view.getUint32(12 + 8 * i, true);
      if (at + size > body.byteLength) throw new RingCorruptError("frame length");
      frames[i] = body.subarray(at, at + size);
      at += size;
    }
    if (at !== body.byteLength) throw new RingCorruptError("trailing bytes");
    return frames;
  }
}
