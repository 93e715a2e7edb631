import type { Message } from "./message";
import { RingQueue } from "./ring-queue";
import { type Scheduler, systemScheduler } from "./scheduler";

/**
 * Callbacks of one pipe end. They run synchronously inside the peer end's
 * `write`/`read`/`terminate` (and inside linger timers), so a handler that wants to
 * call back into the same object should be ready for re-entrance (sockets are).
 */
export interface PipeHandler {
  /** Messages became available after `read()`/`checkRead()` had found none. */
  readable?(pipe: Pipe): void;
  /** Room became available after `write()`/`checkWrite()` had found the pipe full. */
  writable?(pipe: Pipe): void;
  /** Both ends are gone; fired once on each end. */
  terminated?(pipe: Pipe): void;
}

/**
 * How to build a pipe pair. "Socket end" is the first element returned by
 * `createPipePair`, "peer end" the second (a session, or another socket for inproc).
 *
 * High-water-mark rule (one rule, libzmq's): the limit of the direction from writer W
 * to reader R is `W.sendHighWaterMark + R.receiveHighWaterMark`, where an end that
 * leaves a value undefined contributes nothing; if a defined value is 0, or neither
 * end defines one, the direction is unlimited. A session pipe (tcp/ipc) leaves the
 * peer values undefined, so each direction is limited by the socket's own SNDHWM or
 * RCVHWM; an inproc pair gives both sockets' values and gets libzmq's inproc sum.
 */
export interface PipeOptions {
  /** The socket end's SNDHWM in messages (`ZMQ_SNDHWM`); default 1000, 0 = unlimited. */
  sendHighWaterMark?: number;
  /** The socket end's RCVHWM in messages (`ZMQ_RCVHWM`); default 1000, 0 = unlimited. */
  receiveHighWaterMark?: number;
  /** The peer end's SNDHWM (inproc: the other socket's); omit for a session pipe. */
  peerSendHighWaterMark?: number;
  /** The peer end's RCVHWM (inproc: the other socket's); omit for a session pipe. */
  peerReceiveHighWaterMark?: number;
  /** Keep only the newest message in each direction (`ZMQ_CONFLATE`); limits are ignored. */
  conflate?: boolean;
  /** Clock for linger timers; default `systemScheduler`. */
  scheduler?: Scheduler;
}

/** `terminating`: one end called `terminate(linger)` and its queued output is draining. */
export type PipeState = "active" | "terminating" | "terminated";

const MAX_WM_DELTA = 1024;
/**
 * A direction with no limit (HWM 0) is `backlogged()` from this many queued
 * messages on, until its reader has drained it to half of that.
 */
const BACKLOG = 1000;

/** libzmq's low-water mark: a blocked writer resumes once the queue drains to this. */
function lowWaterMark(hwm: number): number {
  return hwm > MAX_WM_DELTA * 2 ? hwm - MAX_WM_DELTA : Math.floor((hwm + 1) / 2);
}

function combine(send: number | undefined, receive: number | undefined): number {
  if (send === 0 || receive === 0) return 0;
  return (send ?? 0) + (receive ?? 0);
}

/** One direction of a pair. */
class Lane {
  readonly queue = new RingQueue<Message>();
  limit = 0;
  lwm = 0;
  /** The reader found the lane empty and needs a `readable` event. */
  readerWaiting = true;
  /** The writer found the lane full and needs a `writable` event. */
  writerBlocked = false;
  /** The writer found the unlimited lane backlogged and needs a `writable` event. */
  writerBacklogged = false;
  constructor(readonly conflate: boolean) {}
}

/** State shared by both ends. */
class PairState {
  state: PipeState = "active";
  cancelTimer: (() => void) | undefined = undefined;
  routingId: Uint8Array | undefined = undefined;
  properties: Record<string, string> = {};
  constructor(readonly scheduler: Scheduler) {}
}

/**
 * One end of a bidirectional message pipe. Each direction is a FIFO of whole
 * messages bounded by a high-water mark counted in messages.
 */
export class Pipe {
  /** @internal Position in a socket's outbound (0) and inbound (1) pipe lists. */
  readonly _index: [number, number] = [-1, -1];
  /** @internal The routing id a ROUTER/STREAM socket assigned to this pipe. */
  _routingId: Uint8Array | undefined = undefined;
  /** @internal `bytesKey(_routingId)`, when registered. */
  _routingKey: string | undefined = undefined;

  private handler: PipeHandler | undefined = undefined;
  private watchers: Array<() => void> | undefined = undefined;
  private closing = false;
  private other: Pipe | undefined = undefined;

  /** @internal Use `createPipePair`. */
  constructor(
    private readonly shared: PairState,
    private readonly inbound: Lane,
    private readonly outbound: Lane,
    private sendHwm: number | undefined,
    private receiveHwm: number | undefined,
  ) {}

  /** @internal */
  static _link(a: Pipe, b: Pipe): void {
    a.other = b;
    b.other = a;
    Pipe.updateLimits(a, b);
  }

  /** The other end. */
  get peer(): Pipe {
    return this.other!;
  }

  /**
   * `"active"` while both ends are up, `"terminating"` once either end called
   * `terminate` (queued messages may still be read), `"terminated"` when done.
   */
  get state(): PipeState {
    return this.shared.state;
  }

  /**
   * The remote peer's identity (ZMTP `Identity` property), set by whoever made the
   * connection. Shared by both ends. ROUTER uses it when `attachPipe` gives none.
   */
  get routingId(): Uint8Array | undefined {
    return this.shared.routingId;
  }

  /** Record the peer's identity (both ends see it). */
  set routingId(value: Uint8Array | undefined) {
    this.shared.routingId = value;
  }

  /** Peer metadata (`Socket-Type`, `Peer-Address`, `User-Id`, …). Shared by both ends. */
  get properties(): Record<string, string> {
    return this.shared.properties;
  }

  /** Replace the peer metadata (both ends see it). */
  set properties(value: Record<string, string>) {
    this.shared.properties = value;
  }

  /** Messages queued towards this end, not yet read. */
  get inboundSize(): number {
    return this.inbound.queue.length;
  }

  /** Messages this end wrote that the peer has not read yet. */
  get outboundSize(): number {
    return this.outbound.queue.length;
  }

  /** Effective limit of this end's outbound direction (0 = unlimited). */
  get outboundLimit(): number {
    return this.outbound.conflate ? 0 : this.outbound.limit;
  }

  /** Effective limit of this end's inbound direction (0 = unlimited). */
  get inboundLimit(): number {
    return this.inbound.conflate ? 0 : this.inbound.limit;
  }

  /** Install this end's callbacks (replaces any previous handler). */
  setHandler(handler: PipeHandler | undefined): void {
    this.handler = handler;
  }

  /**
   * Queue a whole message for the peer. Returns false, queuing nothing, when the
   * direction is at its high-water mark or the pipe is terminating.
   */
  write(msg: Message): boolean {
    if (this.shared.state !== "active") return false;
    const lane = this.outbound;
    if (lane.conflate) {
      lane.queue.clear();
    } else if (lane.writerBlocked) {
      return false;
    } else if (lane.limit !== 0 && lane.queue.length >= lane.limit) {
      lane.writerBlocked = true;
      return false;
    }
    lane.queue.push(msg);
    if (lane.readerWaiting) {
      lane.readerWaiting = false;
      const peer = this.other!;
      peer.handler?.readable?.(peer);
    }
    return true;
  }

  /** Take the next whole message, or undefined when none is queued. */
  read(): Message | undefined {
    const shared = this.shared;
    if (this.closing || shared.state === "terminated") return undefined;
    const lane = this.inbound;
    const msg = lane.queue.shift();
    if (msg === undefined) {
      lane.readerWaiting = true;
      if (shared.state === "terminating") finish(this);
      return undefined;
    }
    if (lane.writerBlocked && shared.state === "active" && lane.queue.length <= lane.lwm) {
      lane.writerBlocked = false;
      const peer = this.other!;
      peer.handler?.writable?.(peer);
    } else if (lane.writerBacklogged && lane.queue.length <= BACKLOG / 2) {
      lane.writerBacklogged = false;
      const peer = this.other!;
      if (shared.state === "active") peer.handler?.writable?.(peer);
    }
    if (shared.state === "terminating" && lane.queue.length === 0) finish(this);
    return msg;
  }

  /** True when `read()` would return a message. */
  checkRead(): boolean {
    const shared = this.shared;
    if (this.closing || shared.state === "terminated") return false;
    if (this.inbound.queue.length > 0) return true;
    this.inbound.readerWaiting = true;
    if (shared.state === "terminating") finish(this);
    return false;
  }

  /**
   * True when `write()` would accept a message. Once a direction has been found
   * full it stays unwritable until the reader drains it to the low-water mark
   * (half the limit, as libzmq), then `writable` fires.
   */
  checkWrite(): boolean {
    if (this.shared.state !== "active") return false;
    const lane = this.outbound;
    if (lane.conflate) return true;
    if (lane.writerBlocked) return false;
    if (lane.limit !== 0 && lane.queue.length >= lane.limit) {
      lane.writerBlocked = true;
      return false;
    }
    return true;
  }

  /**
   * For a writer that could produce messages ahead of need (a session decoding
   * what it read): true when this end's outbound direction has no limit (HWM 0)
   * and already holds 1000 messages or more. Writing is still accepted; a
   * writer that holds back gets `writable` once the reader has drained it to
   * 500. Always false for a limited (or conflating) direction: `write` itself
   * says when that one is full.
   */
  backlogged(): boolean {
    const lane = this.outbound;
    if (lane.limit !== 0 || lane.conflate || lane.queue.length < BACKLOG) return false;
    if (this.shared.state !== "active") return false;
    lane.writerBacklogged = true;
    return true;
  }

  /**
   * Change this end's contributions to the limits (its SNDHWM for the outbound
   * direction, its RCVHWM for the inbound one; see `PipeOptions`). Messages already
   * queued are kept; a writer blocked by the old limit is released if there is room.
   */
  setHighWaterMarks(send: number | undefined, receive: number | undefined): void {
    this.sendHwm = send;
    this.receiveHwm = receive;
    Pipe.updateLimits(this, this.other!);
  }

  /**
   * Close this end. Messages queued towards it are dropped at once; messages it
   * wrote stay readable by the peer for `lingerMs` (negative = until read, 0 = drop
   * them now). No more writes are accepted on either end. `terminated` fires on
   * both ends when done. Terminating twice is a no-op.
   */
  terminate(lingerMs = 0): void {
    const shared = this.shared;
    if (this.closing || shared.state === "terminated") return;
    this.closing = true;
    this.inbound.queue.clear();
    if (shared.state === "terminating" || lingerMs === 0 || this.outbound.queue.length === 0) {
      finish(this);
      return;
    }
    shared.state = "terminating";
    if (lingerMs > 0) shared.cancelTimer = shared.scheduler.setTimer(lingerMs, () => finish(this));
  }

  private static updateLimits(a: Pipe, b: Pipe): void {
    Pipe.updateLane(a.outbound, combine(a.sendHwm, b.receiveHwm), a);
    Pipe.updateLane(b.outbound, combine(b.sendHwm, a.receiveHwm), b);
  }

  private static updateLane(lane: Lane, limit: number, writer: Pipe): void {
    lane.limit = limit;
    lane.lwm = lowWaterMark(limit);
    if (lane.writerBlocked && (limit === 0 || lane.queue.length < limit)) {
      lane.writerBlocked = false;
      if (writer.shared.state === "active") writer.handler?.writable?.(writer);
    } else if (lane.writerBacklogged && limit !== 0) {
      // Limited now: `write` says when it is full; the held-back writer goes on.
      lane.writerBacklogged = false;
      if (writer.shared.state === "active") writer.handler?.writable?.(writer);
    }
  }

  /**
   * Calls `callback` once when this end is terminated, after its handler's
   * `terminated` (for an owner other than the handler: the inproc connecter that
   * made the pair while a socket handles the end). Right away when it already is.
   */
  onTerminated(callback: () => void): void {
    if (this.shared.state === "terminated") {
      callback();
      return;
    }
    if (this.watchers === undefined) this.watchers = [callback];
    else this.watchers.push(callback);
  }

  /** @internal */
  _fireTerminated(): void {
    this.handler?.terminated?.(this);
    const watchers = this.watchers;
    this.watchers = undefined;
    if (watchers !== undefined) for (const callback of watchers) callback();
  }

  /** @internal */
  _dropQueues(): void {
    this.inbound.queue.clear();
    this.outbound.queue.clear();
  }

  /** @internal */
  get _shared(): PairState {
    return this.shared;
  }

  /** @internal */
  get _closing(): boolean {
    return this.closing;
  }
}

function finish(end: Pipe): void {
  const shared = end._shared;
  if (shared.state === "terminated") return;
  shared.state = "terminated";
  shared.cancelTimer?.();
  shared.cancelTimer = undefined;
  end._dropQueues();
  const peer = end.peer;
  // The end that did not ask for termination hears about it first.
  const first = end._closing ? peer : end;
  const second = first === end ? peer : end;
  first._fireTerminated();
  second._fireTerminated();
}

/**
 * Create a connected pair of pipe ends: `[socketEnd, peerEnd]`. See `PipeOptions`
 * for how the high-water marks of each direction are computed.
 */
export function createPipePair(options: PipeOptions = {}): [Pipe, Pipe] {
  const shared = new PairState(options.scheduler ?? systemScheduler);
  const conflate = options.conflate === true;
  const socketToPeer = new Lane(conflate);
  const peerToSocket = new Lane(conflate);
  const socketEnd = new Pipe(
    shared,
    peerToSocket,
    socketToPeer,
    options.sendHighWaterMark ?? 1000,
    options.receiveHighWaterMark ?? 1000,
  );
  const peerEnd = new Pipe(
    shared,
    socketToPeer,
    peerToSocket,
    options.peerSendHighWaterMark,
    options.peerReceiveHighWaterMark,
  );
  Pipe._link(socketEnd, peerEnd);
  return [socketEnd, peerEnd];
}
