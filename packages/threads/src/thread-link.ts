import {
  distance,
  H,
  type RingAllocate,
  RingCorruptError,
  RingReader,
  RingWriter,
  ringLimit,
  type SharedMemoryTable,
} from "./ring";
import { ThreadsError } from "./threads-error";

/** Why a link ended. */
export type LinkCloseReason =
  /** This end called `close()` (and its linger, if any, is over). */
  | "local"
  /** The other end closed. */
  | "peer"
  /** The other end's thread exited, crashed or was terminated. */
  | "peer-exit"
  /** The shared memory held something no writer writes (a bug). */
  | "error";

/** Callbacks of one link end (the shape of `@zmq/patterns`' `PipeHandler`). */
export interface ThreadLinkHandler {
  /** Messages arrived after `read()`/`checkRead()` had found none. */
  readable?(link: ThreadLink): void;
  /** Room came back after `write()`/`checkWrite()` had found the link full. */
  writable?(link: ThreadLink): void;
  /** A connecting end met its binder: `peerThread` and `peerMeta` are set now. */
  attached?(link: ThreadLink): void;
  /** The link is over; fired once, last. Unread messages may still be read before it fires. */
  closed?(link: ThreadLink, reason: LinkCloseReason): void;
}

/** The shared memory a link's frames may refer to (the registry's `shareMemory` table). */
export interface LinkMemory extends SharedMemoryTable {
  /** Calls `callback` once memory `id` is known in this thread (at once if it is). */
  whenKnown(id: number, callback: () => void): void;
}

/** `pending`: a connect waiting for its bind (writes queue up to this end's SNDHWM). */
export type ThreadLinkState = "pending" | "open" | "closing" | "closed";

/** What one end is made of (the registry builds these). */
export interface ThreadLinkInit {
  /** This end writes into this ring. */
  outbound: SharedArrayBuffer;
  /** This end reads from this ring. */
  inbound: SharedArrayBuffer;
  /** The endpoint name, for diagnostics. */
  name: string;
  /** Set for a bound end (the peer is known from the start). */
  peer?: { thread: number; chain: readonly number[]; meta: unknown };
  /** Memory for received messages, 8-byte aligned (default: `new Uint8Array`). */
  allocate?: RingAllocate;
  /** Frames in this shared memory travel by reference, both ways (default: every frame is copied). */
  memory?: LinkMemory;
  /**
   * Keeps this thread alive until the returned function is called (Node: a
   * ref'd handle). Held while messages `write()` accepted are still in this
   * thread's memory, not yet in the ring: a thread whose work is done does not
   * end, and lose them, before they are in shared memory (what is there the
   * peer reads even after this thread is gone). Default: nothing held.
   */
  keepAlive?: () => () => void;
  /** @internal Called once when the link is closed, so the registry forgets it. */
  onFinish?: (link: ThreadLink) => void;
}

const FAR = 1 << 30;
/** A long synchronous run of writes is published every this many messages. */
const PUBLISH_EVERY = 64;
/** Credit handed out at a time when the direction has no limit. */
const UNLIMITED_CREDIT = 1 << 16;

/** libzmq's low-water mark: a blocked writer goes on once the queue is down to this. */
function lowWaterMark(hwm: number): number {
  return hwm > 2048 ? hwm - 1024 : Math.floor((hwm + 1) / 2);
}

type Waiter = { async: false; value: string } | { async: true; value: Promise<string> };

/**
 * A wait that gives up after this long and lets the caller check again: under
 * heavy use, V8 (Node 20) was seen to leave a waitAsync unresolved after the
 * notify that should have woken it; with the bound a lost wake-up costs a
 * moment instead of a hang. (The timer does not keep a thread alive.)
 */
const WAIT_BOUND_MS = 200;

function waitAsync(array: Int32Array, index: number, value: number): Waiter {
  return (
    Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number, timeout: number): Waiter;
    }
  ).waitAsync(array, index, value, WAIT_BOUND_MS);
}

/** Rings a bell: bump the word, wake every waiter. */
function ring(header: Int32Array, bell: number): void {
  Atomics.add(header, bell, 1);
  Atomics.notify(header, bell);
}

/**
 * One end of a duplex link between two threads: whole multipart messages of
 * `Uint8Array` frames, each direction a `SharedArrayBuffer` ring (see `ring.ts`).
 * The API is a pipe's: `write` returns false at the high-water mark (nothing
 * queued), `read` returns the next whole message or undefined, and the handler
 * hears `readable`/`writable` after a miss, as libzmq's pipe activation.
 *
 * Flow control: a direction holds at most `ringLimit` messages counted from `write()`
 * on one side to `read()` on the other — the writer's SNDHWM plus the reader's
 * RCVHWM, libzmq's inproc sum. Messages that do not fit the ring's bytes wait in
 * this end's memory, inside that count. Wake-ups are batched: written messages
 * are published once per microtask, and a thread is only woken when it sleeps.
 */
export class ThreadLink {
  readonly name: string;
  #state: ThreadLinkState;
  #handler: ThreadLinkHandler | undefined;
  readonly #writer: RingWriter;
  readonly #reader: RingReader;
  /** Header of the ring this end writes. */
  readonly #out: Int32Array;
  /** Header of the ring this end reads. */
  readonly #in: Int32Array;
  #peerThread: number | undefined;
  #peerChain: readonly number[] = [];
  #peerMeta: unknown;
  /** Messages `write()` accepted (wrapping counter, compared to the peer's R_MSGS). */
  #accepted = 0;
  /** Accepted messages not yet in the ring (no room in bytes), oldest first. */
  #overflow: Uint8Array[][] = [];
  #overflowHead = 0;
  #writerBlocked = false;
  /** The pending waits, held here until they settle (nothing else references them). */
  readonly #waits = new Set<Promise<string>>();
  /** The limit the writer found full when it blocked. */
  #blockedAt = 0;
  #publishScheduled = false;
  /** Writes allowed before the consumed count must be read again. */
  #credit = 0;
  /** Messages written since the last publish. */
  #unpublished = 0;
  #writerWaiting = false;
  #readerWaiting = false;
  /** As a new pipe: the first message raises `readable` even if `read()` was never called. */
  #wantReadable = true;
  #stateWaiting = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #lingering = false;
  #peerGone = false;
  #closeReason: LinkCloseReason | undefined;
  #peeked: Uint8Array[] | undefined;
  #finalReason: LinkCloseReason | undefined;
  readonly #onFinish: ((link: ThreadLink) => void) | undefined;
  readonly #keepAlive: (() => () => void) | undefined;
  /** Set while accepted messages wait in this thread's memory (see `keepAlive`). */
  #held: (() => void) | undefined;
  readonly #memory: LinkMemory | undefined;
  #memoryWaiting = false;
  readonly #publishTask = () => {
    this.#publishScheduled = false;
    this.#publish();
  };

  constructor(init: ThreadLinkInit) {
    this.name = init.name;
    this.#memory = init.memory;
    this.#writer = new RingWriter(init.outbound, init.memory);
    this.#reader = new RingReader(init.inbound, init.allocate, init.memory);
    this.#out = this.#writer.header;
    this.#in = this.#reader.header;
    this.#reader.onPiece = () => this.#afterRead();
    this.#accepted = Atomics.load(this.#out, H.R_MSGS);
    this.#onFinish = init.onFinish;
    this.#keepAlive = init.keepAlive;
    if (init.peer !== undefined) {
      this.#state = "open";
      this.#peerThread = init.peer.thread;
      this.#peerChain = init.peer.chain;
      this.#peerMeta = init.peer.meta;
    } else {
      this.#state = "pending";
    }
    // Watch from the next microtask, so whoever receives this end can set its handler first.
    queueMicrotask(() => {
      this.#watchState();
      if (this.#wantReadable && this.#state !== "closed") this.#waitReader();
    });
  }

  get state(): ThreadLinkState {
    return this.#state;
  }

  /** Why the link ended, once `state` is `closed`. */
  get closeReason(): LinkCloseReason | undefined {
    return this.#state === "closed" ? this.#finalReason : undefined;
  }

  /** The thread at the other end (undefined while pending). */
  get peerThread(): number | undefined {
    return this.#peerThread;
  }

  /** The peer's thread and its ancestors (a thread dies with its parent). */
  get peerChain(): readonly number[] {
    return this.#peerChain;
  }

  /** What the peer passed as `meta` when it bound or connected (socket type, routing id…). */
  get peerMeta(): unknown {
    return this.#peerMeta;
  }

  /** Messages this end wrote that the peer has not read yet. */
  get outboundSize(): number {
    return distance(this.#accepted, Atomics.load(this.#out, H.R_MSGS));
  }

  /** Messages allowed in flight towards the peer (0 = no limit). */
  get outboundLimit(): number {
    return ringLimit(this.#out);
  }

  /** Messages allowed in flight towards this end (0 = no limit). */
  get inboundLimit(): number {
    return ringLimit(this.#in);
  }

  setHandler(handler: ThreadLinkHandler | undefined): void {
    this.#handler = handler;
  }

  /**
   * Queues one whole message for the peer. Returns false, queuing nothing, when
   * the direction is at its limit (wait for `writable`) or the link is closing.
   * The frames now belong to the link: they are copied into shared memory at
   * once, or later when the ring's bytes are full — do not change them. Frames
   * over 128 B in memory passed to `shareMemory` are not copied at all: the
   * peer reads these very bytes, for as long as it keeps the frame.
   */
  write(frames: Uint8Array[]): boolean {
    if (this.#credit > 0 && this.#state === "open" && !this.#writerBlocked) {
      this.#credit--;
    } else if (!this.checkWrite()) {
      return false;
    } else {
      this.#credit--;
    }
    this.#accepted = (this.#accepted + 1) | 0;
    if (this.#overflowHead === this.#overflow.length && this.#writer.write(frames)) {
      // Publish at the end of this batch, or now and then during a long one so the reader can start.
      if (++this.#unpublished >= PUBLISH_EVERY) this.#publish();
      else if (!this.#publishScheduled) {
        this.#publishScheduled = true;
        queueMicrotask(this.#publishTask);
      }
      return true;
    }
    this.#overflow.push(frames);
    this.#flushOverflow();
    return true;
  }

  /** True when `write()` would accept a message. */
  checkWrite(): boolean {
    if (this.#state === "closing" || this.#state === "closed" || this.#peerGone) return false;
    if (Atomics.load(this.#out, H.R_END) !== 0) {
      this.#checkEnds();
      return false;
    }
    if (this.#writerBlocked) return false;
    if (this.#credit > 0) return true;
    // Credit is cached: a limit lowered meanwhile (setHighWaterMarks) is met once it is spent.
    const limit = ringLimit(this.#out);
    if (limit === 0) {
      this.#credit = UNLIMITED_CREDIT;
      return true;
    }
    const credit = limit - distance(this.#accepted, Atomics.load(this.#out, H.R_MSGS));
    if (credit <= 0) {
      this.#writerBlocked = true;
      this.#blockedAt = limit;
      this.#waitWriter();
      return false;
    }
    this.#credit = credit;
    return true;
  }

  /** The next whole message, or undefined when none is there yet. */
  read(): Uint8Array[] | undefined {
    const peeked = this.#peeked;
    if (peeked !== undefined) {
      this.#peeked = undefined;
      return peeked;
    }
    if (this.#state === "closed" || this.#state === "closing") return undefined;
    let message: Uint8Array[] | undefined;
    try {
      message = this.#reader.read();
    } catch (error) {
      if (!(error instanceof RingCorruptError)) throw error;
      this.#finish("error");
      return undefined;
    }
    if (message !== undefined) {
      this.#afterRead();
      return message;
    }
    this.#wantReadable = true;
    const blocked = this.#reader.blockedOn;
    if (blocked !== undefined) {
      // The next message refers to shared memory whose handle has not reached this thread yet.
      // Its handle was posted before the message was written, so it is on its way, or this
      // thread started listening too late and asked the others for it; if the writer's
      // thread is gone meanwhile, nobody may hold it any more: end as the peer did.
      if (this.#peerGone) {
        this.#finish("peer-exit");
        return undefined;
      }
      if (!this.#memoryWaiting) {
        this.#memoryWaiting = true;
        this.#memory?.whenKnown(blocked, () => {
          this.#memoryWaiting = false;
          if (this.#state === "open" || this.#state === "pending") this.#fireReadable();
        });
      }
      return undefined;
    }
    if (!this.#checkEnds()) this.#waitReader();
    return undefined;
  }

  /** True when `read()` would return a message (it is read ahead and kept). */
  checkRead(): boolean {
    if (this.#peeked !== undefined) return true;
    this.#peeked = this.read();
    return this.#peeked !== undefined;
  }

  /**
   * Closes this end. Messages sent to it and not read are dropped. Messages it
   * wrote stay readable by the peer for `lingerMs` (negative: until read), as
   * libzmq's linger; `closed` fires when that is settled. With 0, what is in the
   * ring already stays readable (libzmq's shared inproc pipe keeps it too) and
   * what waits to get in is dropped.
   */
  close(lingerMs = 0): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    this.#state = "closing";
    this.#credit = 0;
    this.#peeked = undefined;
    // Stop reading: the peer's writes fail from now on.
    Atomics.store(this.#in, H.R_END, 1);
    if (Atomics.exchange(this.#in, H.W_SLEEP, 0) === 1) ring(this.#in, H.R_BELL);
    this.#signalPeer();
    if (
      lingerMs === 0 &&
      !this.#peerGone &&
      Atomics.load(this.#out, H.R_END) === 0 &&
      !this.#writer.partial
    ) {
      // As libzmq's inproc pipe, which both ends share: what is already in the
      // ring stays readable by the peer even with linger 0 (it reads it, then
      // sees the end); what never reached the ring is dropped.
      this.#overflow = [];
      this.#overflowHead = 0;
      this.#publish();
      this.#finish("local");
      return;
    }
    if (lingerMs === 0 || this.#peerGone || Atomics.load(this.#out, H.R_END) !== 0) {
      this.#abortOutbound();
      this.#finish(this.#closeReason ?? "local");
      return;
    }
    this.#lingering = true;
    if (lingerMs > 0) {
      this.#lingerTimer = setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#abortOutbound();
        this.#finish("local");
      }, lingerMs);
      unref(this.#lingerTimer);
    }
    this.#flushOverflow();
    this.#lingerStep();
  }

  /**
   * Changes this end's parts of the limits: its SNDHWM for the messages it
   * writes, its RCVHWM for those it reads (0 = no limit). As libzmq's
   * high-water marks changed on a connected socket, they apply to this link at
   * once; a writer blocked by the old limit, here or in the peer's thread, goes
   * on if there is room now.
   */
  setHighWaterMarks(send: number, receive: number): void {
    const sendPart = checkHighWaterMark(send, "sendHighWaterMark");
    const receivePart = checkHighWaterMark(receive, "receiveHighWaterMark");
    if (this.#state === "closed") return;
    Atomics.store(this.#out, H.SND_PART, sendPart);
    Atomics.store(this.#in, H.RCV_PART, receivePart);
    this.#credit = 0;
    // The peer's writer re-checks its room.
    if (Atomics.exchange(this.#in, H.W_SLEEP, 0) === 1) ring(this.#in, H.R_BELL);
    if (this.#writerBlocked && this.#state === "open") {
      const limit = ringLimit(this.#out);
      if (limit === 0 || distance(this.#accepted, Atomics.load(this.#out, H.R_MSGS)) < limit) {
        this.#writerBlocked = false;
        this.#handler?.writable?.(this);
      }
    }
  }

  /**
   * From now on, a message read counts against the peer's limit until it is
   * given back with `release()`, not just until `read()`: for a reader that
   * hands messages on to a queue of its own (a socket's pipe), so the sum holds
   * through that queue too.
   */
  deferRelease(): void {
    this.#reader.manualRelease();
  }

  /** Gives back `count` messages read under `deferRelease()`. */
  release(count: number): void {
    if (count <= 0) return;
    this.#reader.release(count);
    this.#afterRead();
  }

  /** @internal The registry matched this pending connect with a bind. */
  _attach(thread: number, chain: readonly number[], meta: unknown): void {
    if (this.#peerThread !== undefined && this.#state !== "pending") return;
    this.#peerThread = thread;
    this.#peerChain = chain;
    this.#peerMeta = meta;
    if (this.#state === "pending") this.#state = "open";
    // The binder raised our limit: a blocked writer may go on.
    if (this.#writerBlocked && this.#state === "open") {
      const limit = ringLimit(this.#out);
      if (limit === 0 || distance(this.#accepted, Atomics.load(this.#out, H.R_MSGS)) < limit) {
        this.#writerBlocked = false;
        this.#handler?.writable?.(this);
      }
    }
    if (this.#state === "open") this.#handler?.attached?.(this);
  }

  /** @internal The peer's thread is gone: deliver what it finished writing, then close. */
  _peerExited(): void {
    if (this.#peerGone || this.#state === "closed") return;
    this.#peerGone = true;
    this.#credit = 0;
    this.#closeReason ??= "peer-exit";
    this.#overflow = [];
    this.#overflowHead = 0;
    this.#letGo();
    if (this.#state === "closing") {
      this.#finish("local");
      return;
    }
    if (this.#reader.empty) this.#finish("peer-exit");
    else if (this.#wantReadable) this.#fireReadable();
  }

  // -- writing ------------------------------------------------------------

  #publish(): void {
    this.#unpublished = 0;
    if (!this.#writer.publish()) return;
    const out = this.#out;
    if (Atomics.load(out, H.R_SLEEP) === 1 && Atomics.exchange(out, H.R_SLEEP, 0) === 1) {
      ring(out, H.W_BELL);
    }
  }

  #flushOverflow(): void {
    const overflow = this.#overflow;
    while (this.#overflowHead < overflow.length) {
      if (!this.#writer.write(overflow[this.#overflowHead]!)) break;
      overflow[this.#overflowHead++] = undefined as unknown as Uint8Array[];
    }
    if (this.#overflowHead === overflow.length) {
      overflow.length = 0;
      this.#overflowHead = 0;
    }
    this.#publish();
    if (this.#overflowHead < overflow.length || this.#writer.partial) {
      if (this.#held === undefined && this.#keepAlive !== undefined) this.#held = this.#keepAlive();
      this.#waitWriter();
    } else this.#letGo();
  }

  /** Everything accepted is in the ring, or dropped: the thread may end. */
  #letGo(): void {
    const held = this.#held;
    this.#held = undefined;
    held?.();
  }

  /** Sleeps until the reader consumed enough for what this end waits for (credits, bytes, linger). */
  #waitWriter(): void {
    if (this.#writerWaiting || this.#state === "closed") return;
    const out = this.#out;
    // The peer stopped reading: nothing will ever make room, and nothing written matters.
    if (Atomics.load(out, H.R_END) !== 0) {
      this.#dropOutbound();
      return;
    }
    const consumed = Atomics.load(out, H.R_MSGS);
    const limit = ringLimit(out);
    let wantMessages = consumed + FAR;
    if (this.#lingering) wantMessages = this.#accepted;
    else if (this.#writerBlocked && limit !== 0)
      wantMessages = this.#accepted - lowWaterMark(limit);
    const needBytes = this.#overflowHead < this.#overflow.length || this.#writer.partial;
    const wantPos = needBytes
      ? this.#writer.position - this.#writer.capacity / 2
      : Atomics.load(out, H.R_POS) + FAR;
    Atomics.store(out, H.W_WANT_MSGS, wantMessages | 0);
    Atomics.store(out, H.W_WANT_POS, wantPos | 0);
    const bell = Atomics.load(out, H.R_BELL);
    Atomics.store(out, H.W_SLEEP, 1);
    if (
      distance(Atomics.load(out, H.R_MSGS), wantMessages | 0) >= 0 ||
      distance(Atomics.load(out, H.R_POS), wantPos | 0) >= 0 ||
      Atomics.load(out, H.R_END) !== 0
    ) {
      Atomics.store(out, H.W_SLEEP, 0);
      this.#writerWaiting = true;
      queueMicrotask(() => {
        this.#writerWaiting = false;
        this.#onWriterWake();
      });
      return;
    }
    this.#writerWaiting = true;
    const result = waitAsync(out, H.R_BELL, bell);
    const wake = () => {
      this.#writerWaiting = false;
      this.#onWriterWake();
    };
    if (result.async) {
      void this.#hold(result.value).then(wake);
    } else queueMicrotask(wake);
  }

  #onWriterWake(): void {
    if (this.#state === "closed") return;
    if (this.#checkEnds()) return;
    if (Atomics.load(this.#out, H.R_END) !== 0) {
      this.#dropOutbound();
      return;
    }
    this.#flushOverflow();
    if (this.#lingering) {
      this.#lingerStep();
      return;
    }
    if (this.#writerBlocked) {
      const limit = ringLimit(this.#out);
      const inFlight = distance(this.#accepted, Atomics.load(this.#out, H.R_MSGS));
      // Down to the low-water mark, or the limit was raised above what is in flight.
      if (
        limit === 0 ||
        inFlight <= lowWaterMark(limit) ||
        (limit > this.#blockedAt && inFlight < limit)
      ) {
        this.#writerBlocked = false;
        this.#handler?.writable?.(this);
      } else {
        this.#waitWriter();
      }
    }
  }

  /** While lingering: once everything is in the ring, mark the end; once it is all read, finish. */
  #lingerStep(): void {
    if (this.#state !== "closing") return;
    const out = this.#out;
    if (this.#overflowHead < this.#overflow.length || this.#writer.partial) return; // #flushOverflow waits
    this.#publish();
    if (Atomics.load(out, H.W_END) === 0) {
      Atomics.store(out, H.W_END, 1);
      this.#signalPeer();
    }
    if (
      distance(this.#accepted, Atomics.load(out, H.R_MSGS)) <= 0 ||
      Atomics.load(out, H.R_END) !== 0
    ) {
      this.#finish("local");
      return;
    }
    this.#waitWriter();
  }

  /** The peer no longer reads: forget what waits to be written. */
  #dropOutbound(): void {
    this.#overflow = [];
    this.#overflowHead = 0;
    this.#credit = 0;
    this.#letGo();
  }

  #abortOutbound(): void {
    this.#overflow = [];
    this.#overflowHead = 0;
    this.#letGo();
    Atomics.store(this.#out, H.W_END, 2);
    this.#signalPeer();
  }

  // -- reading ------------------------------------------------------------

  #afterRead(): void {
    const inbound = this.#in;
    if (Atomics.load(inbound, H.W_SLEEP) !== 1) return;
    if (
      distance(this.#reader.consumed, Atomics.load(inbound, H.W_WANT_MSGS)) >= 0 ||
      distance(this.#reader.position, Atomics.load(inbound, H.W_WANT_POS)) >= 0
    ) {
      this.#reader.commit();
      if (Atomics.exchange(inbound, H.W_SLEEP, 0) === 1) ring(inbound, H.R_BELL);
    }
  }

  #waitReader(): void {
    if (this.#readerWaiting || this.#state === "closed") return;
    const inbound = this.#in;
    const bell = Atomics.load(inbound, H.W_BELL);
    Atomics.store(inbound, H.R_SLEEP, 1);
    this.#readerWaiting = true;
    // Wake the writer too if it waits for room we just made.
    this.#afterRead();
    if (!this.#reader.empty || Atomics.load(inbound, H.W_END) !== 0 || this.#peerGone) {
      Atomics.store(inbound, H.R_SLEEP, 0);
      queueMicrotask(this.#onReaderWake);
      return;
    }
    const result = waitAsync(inbound, H.W_BELL, bell);
    if (result.async) {
      void this.#hold(result.value).then(this.#onReaderWake);
    } else queueMicrotask(this.#onReaderWake);
  }

  readonly #onReaderWake = (): void => {
    this.#readerWaiting = false;
    if (this.#state === "closed" || this.#state === "closing") return;
    if (this.#checkEnds()) return;
    this.#fireReadable();
  };

  #fireReadable(): void {
    if (!this.#wantReadable) return;
    this.#wantReadable = false;
    this.#handler?.readable?.(this);
  }

  // -- ends ---------------------------------------------------------------

  /** Watches the inbound ring's state bell for the peer's ends, whether or not we read or write. */
  #watchState(): void {
    if (this.#stateWaiting || this.#state === "closed") return;
    const bell = Atomics.load(this.#in, H.STATE_BELL);
    if (this.#checkEnds()) return;
    this.#stateWaiting = true;
    const result = waitAsync(this.#in, H.STATE_BELL, bell);
    const wake = () => {
      this.#stateWaiting = false;
      this.#watchState();
    };
    if (result.async) {
      void this.#hold(result.value).then(wake);
    } else queueMicrotask(wake);
  }

  #hold(wait: Promise<string>): Promise<string> {
    this.#waits.add(wait);
    return wait.then((value) => {
      this.#waits.delete(wait);
      return value;
    });
  }

  /** Acts on the peer's end flags; returns true when the link is closed now. */
  #checkEnds(): boolean {
    if (this.#state === "closed") return true;
    const writerEnd = Atomics.load(this.#in, H.W_END);
    const readerEnd = Atomics.load(this.#out, H.R_END);
    if (readerEnd !== 0) this.#credit = 0;
    if (this.#state === "closing") {
      if (readerEnd !== 0 && this.#lingering) {
        this.#finish("local");
        return true;
      }
      return false;
    }
    if (writerEnd === 2) {
      this.#finish(this.#peerGone ? "peer-exit" : "peer");
      return true;
    }
    if (writerEnd === 1 || this.#peerGone) {
      // The peer finished: let what it wrote be read, then close.
      if (this.#reader.empty) {
        this.#finish(this.#peerGone ? "peer-exit" : "peer");
        return true;
      }
      if (this.#wantReadable && !this.#readerWaiting) {
        this.#readerWaiting = true;
        queueMicrotask(this.#onReaderWake);
      }
    }
    return false;
  }

  #signalPeer(): void {
    ring(this.#out, H.STATE_BELL);
    ring(this.#out, H.W_BELL);
  }

  #finish(reason: LinkCloseReason): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#finalReason = reason;
    this.#lingering = false;
    if (this.#lingerTimer !== undefined) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#overflow = [];
    this.#overflowHead = 0;
    this.#letGo();
    if (Atomics.load(this.#in, H.R_END) === 0) Atomics.store(this.#in, H.R_END, 1);
    if (Atomics.load(this.#out, H.W_END) === 0)
      Atomics.store(this.#out, H.W_END, reason === "local" ? 1 : 2);
    this.#signalPeer();
    // Settle our own pending waits.
    ring(this.#in, H.STATE_BELL);
    ring(this.#in, H.W_BELL);
    ring(this.#out, H.R_BELL);
    this.#onFinish?.(this);
    this.#handler?.closed?.(this, reason);
  }
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

/** @internal Validates a high-water mark option. */
export function checkHighWaterMark(value: number | undefined, what: string): number {
  if (value === undefined) return 1000;
  if (!Number.isInteger(value) || value < 0) {
    throw new ThreadsError("EINVAL", `${what} must be an integer >= 0, got ${value}`);
  }
  return value;
}
