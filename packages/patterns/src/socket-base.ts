import { PatternError } from "./errors";
import type { Message } from "./message";
import { toBytes } from "./message";
import type { Pipe, PipeHandler, PipeOptions } from "./pipe";
import { type Scheduler, systemScheduler } from "./scheduler";
import { defaultSocketOptions, type SocketOptions, validateSocketOption } from "./socket-options";
import { SOCKET_TRAITS } from "./socket-traits";
import type { SocketType } from "./socket-type";

/**
 * Readiness callbacks for the layer above, checked only after a pipe event or a
 * state change, never polled:
 * - `readable` fires when a message is available and the application has called
 *   `receive()` or `canReceive` since the previous `readable` (or never had one).
 * - `writable` fires when sending became possible after `send()` returned false or
 *   `canSend` returned false (or initially).
 * So a consumer that tries first and waits for the event only when it got nothing
 * never misses a message. Callbacks run synchronously at the end of the socket call
 * or pipe event that caused them; calling back into the socket from them is allowed.
 */
export interface SocketHandler {
  /** A message can be taken with `receive()` now (edge-triggered; see above). */
  readable?(): void;
  /** `send()` would accept a message now (edge-triggered; see above). */
  writable?(): void;
}

/** What `attachPipe` knows about the connection. */
export interface AttachOptions {
  /** The peer's `Identity` from the handshake (ROUTER uses it; empty = none). */
  routingId?: Uint8Array;
  /**
   * For a locally initiated connection: the `connectRoutingId` that was current when
   * the connect started (see `SocketBase.takeConnectRoutingId`). Wins over `routingId`.
   */
  connectRoutingId?: Uint8Array;
  /**
   * The peer takes every message and does its own filtering: a RADIO sends all
   * groups to it (a udp destination; libzmq's `subscribe_to_all`).
   */
  receiveAll?: boolean;
}

/** Injected dependencies. */
export interface SocketRuntime {
  /** Clock for linger timers of pipes built with `pipeOptions()`; default `systemScheduler`. */
  scheduler?: Scheduler;
  /** Random source in [0, 1) for ROUTER auto ids and REQ request ids; default `Math.random`. */
  random?: () => number;
}

const EV_READABLE = 0;
const EV_WRITABLE = 1;
const EV_TERMINATED = 2;

/**
 * Common machinery of every socket type: pipe bookkeeping, option handling,
 * readiness events and re-entrance protection. Pipe events that arrive while the
 * socket is inside one of its own calls are queued and applied when that call ends,
 * so type logic never sees its pipe lists change under its feet.
 *
 * Subclasses implement the `x*` hooks, as libzmq's `socket_base_t`.
 */
export abstract class SocketBase {
  /** The socket type (ZMTP `Socket-Type` spelling); every subclass overrides it. */
  get type(): SocketType {
    throw new TypeError("SocketBase subclasses must define `type`");
  }

  /**
   * The live option values, for the socket type's own logic. Subclasses read it;
   * only `setOption` (which validates) and the constructor write it.
   */
  protected readonly opts: SocketOptions;
  /** The clock given in {@link SocketRuntime.scheduler}, for timers a socket type needs. */
  protected readonly scheduler: Scheduler;
  /** The random source given in {@link SocketRuntime.random}: a number in [0, 1). */
  protected readonly random: () => number;
  /** Every attached pipe that has not reported `terminated` yet. */
  protected readonly pipes = new Set<Pipe>();

  private handler: SocketHandler | undefined = undefined;
  private depth = 0;
  private dirty = false;
  private readableArmed = true;
  private writableArmed = true;
  private isClosed = false;
  private readonly eventPipes: Pipe[] = [];
  private readonly eventKinds: number[] = [];
  private eventHead = 0;
  private readonly sink: PipeHandler;

  /**
   * Create a socket with no pipes.
   * @param options - initial option values; the rest take the type's defaults
   *   (`defaultSocketOptions`). Each is validated as by `setOption`.
   * @param runtime - the clock and random source; defaults are the system ones.
   * @throws {@link PatternError} EINVAL when an option is unknown, has the wrong
   *   type or an out-of-range value, or does not apply to this socket type.
   */
  constructor(options: Partial<SocketOptions> = {}, runtime: SocketRuntime = {}) {
    this.scheduler = runtime.scheduler ?? systemScheduler;
    this.random = runtime.random ?? Math.random;
    this.opts = defaultSocketOptions(this.type);
    for (const name of Object.keys(options) as (keyof SocketOptions)[]) {
      this.storeOption(name, options[name]);
    }
    this.sink = {
      readable: (pipe) => this.pipeEvent(pipe, EV_READABLE),
      writable: (pipe) => this.pipeEvent(pipe, EV_WRITABLE),
      terminated: (pipe) => this.pipeEvent(pipe, EV_TERMINATED),
    };
  }

  /** Current option values (read-only view; change them with `setOption`). */
  get options(): Readonly<SocketOptions> {
    return this.opts;
  }

  /** True once `close()` was called; `send`, `receive` and `setOption` then throw ETERM. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Number of attached pipes. */
  get pipeCount(): number {
    return this.pipes.size;
  }

  /** Install the readiness callbacks (replaces any previous handler). */
  setHandler(handler: SocketHandler | undefined): void {
    this.handler = handler;
    this.dirty = true;
    if (this.depth === 0) {
      this.depth = 1;
      this.exitCall();
    }
  }

  /**
   * Send a whole message. Returns false when the socket is in mute state and
   * blocks (EAGAIN): nothing was queued, retry after `writable`. Types that drop in
   * mute state return true. Throws `PatternError` (EFSM, EHOSTUNREACH, ENOTSUP,
   * EINVAL, ETERM). The socket owns `msg` afterwards; don't modify it.
   */
  send(msg: Message): boolean {
    if (this.isClosed) throw new PatternError("ETERM", "socket is closed");
    if (!Array.isArray(msg) || msg.length === 0) {
      throw new PatternError("EINVAL", "a message needs at least one frame");
    }
    this.depth++;
    try {
      const ok = this.xsend(msg);
      if (!ok) this.writableArmed = true;
      return ok;
    } finally {
      this.exitCall();
    }
  }

  /** Take the next whole message, or undefined when none is available now. */
  receive(): Message | undefined {
    if (this.isClosed) throw new PatternError("ETERM", "socket is closed");
    this.depth++;
    try {
      this.readableArmed = true;
      return this.xreceive();
    } finally {
      this.exitCall();
    }
  }

  /** True when `send` would not block (POLLOUT). */
  get canSend(): boolean {
    if (this.isClosed) return false;
    this.depth++;
    try {
      const ok = this.xhasOut();
      if (!ok) this.writableArmed = true;
      return ok;
    } finally {
      this.exitCall();
    }
  }

  /** True when `receive` would return a message (POLLIN). */
  get canReceive(): boolean {
    if (this.isClosed) return false;
    this.depth++;
    try {
      this.readableArmed = true;
      return this.xhasIn();
    } finally {
      this.exitCall();
    }
  }

  /**
   * Attach one end of a pipe pair: a connection finished its handshake, or an
   * inproc peer connected. The socket installs its own handler on the pipe.
   */
  attachPipe(pipe: Pipe, options: AttachOptions = {}): void {
    if (this.isClosed) {
      pipe.terminate(0);
      return;
    }
    // A pipe whose other end is already terminating (an inproc peer that closed
    // before this socket attached) is still attached: what it sent stays readable.
    if (pipe.state === "terminated" || this.pipes.has(pipe)) return;
    this.depth++;
    try {
      this.pipes.add(pipe);
      pipe.setHandler(this.sink);
      this.dirty = true;
      this.xattachPipe(pipe, options);
    } finally {
      this.exitCall();
    }
  }

  /** Subscribe to a topic prefix (SUB, XSUB; XPUB in manual mode). Empty = everything. */
  subscribe(topic: Uint8Array | string = ""): void {
    this.subscription(topic, true);
  }

  /** Remove one subscription to a topic (SUB, XSUB; XPUB in manual mode). */
  unsubscribe(topic: Uint8Array | string = ""): void {
    this.subscription(topic, false);
  }

  /**
   * The current value of one option.
   * @throws {@link PatternError} EINVAL when `name` is not a socket option.
   */
  getOption<K extends keyof SocketOptions>(name: K): SocketOptions[K] {
    if (!Object.hasOwn(this.opts, name)) throw new PatternError("EINVAL", `unknown option ${name}`);
    return this.opts[name];
  }

  /** Set an option; throws EINVAL for unknown options, wrong types or bad values. */
  setOption<K extends keyof SocketOptions>(name: K, value: SocketOptions[K]): void {
    if (this.isClosed) throw new PatternError("ETERM", "socket is closed");
    this.depth++;
    try {
      this.storeOption(name, value);
      if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") {
        for (const pipe of this.pipes) {
          pipe.setHighWaterMarks(this.opts.sendHighWaterMark, this.opts.receiveHighWaterMark);
        }
      }
      this.dirty = true;
    } finally {
      this.exitCall();
    }
  }

  /**
   * Return the pending `connectRoutingId` and clear it: libzmq applies that option
   * to the next connect only. The node layer calls this when it starts a connect
   * and passes the value to `attachPipe` when the connection is up.
   */
  takeConnectRoutingId(): Uint8Array | undefined {
    const id = this.opts.connectRoutingId;
    this.opts.connectRoutingId = undefined;
    return id;
  }

  /**
   * Options for `createPipePair` matching this socket's HWMs and conflate setting.
   * For inproc give the peer socket too: its HWMs are added as libzmq does.
   */
  pipeOptions(peer?: SocketBase): PipeOptions {
    const options: PipeOptions = {
      sendHighWaterMark: this.opts.sendHighWaterMark,
      receiveHighWaterMark: this.opts.receiveHighWaterMark,
      // inproc: one pair serves both sockets; it conflates when either side asks.
      conflate: this.effectiveConflate() || (peer?.effectiveConflate() ?? false),
      scheduler: this.scheduler,
    };
    if (peer !== undefined) {
      options.peerSendHighWaterMark = peer.opts.sendHighWaterMark;
      options.peerReceiveHighWaterMark = peer.opts.receiveHighWaterMark;
    }
    return options;
  }

  /**
   * Close the socket: every pipe is terminated with the `linger` option (queued
   * output stays readable by the peer for that long). Later calls throw ETERM.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.depth++;
    try {
      for (const pipe of Array.from(this.pipes)) pipe.terminate(this.opts.linger);
    } finally {
      this.exitCall();
    }
  }

  // ---- hooks ---------------------------------------------------------------------

  /**
   * A new pipe joined the socket (it is already in `pipes` and its events come
   * here). Add it to the type's routing strategies (`FairQueue`, `LoadBalancer`,
   * `Distributor`, routing-id table …).
   */
  protected abstract xattachPipe(pipe: Pipe, options: AttachOptions): void;
  /**
   * A pipe has terminated (it is already out of `pipes`): remove it from every
   * strategy and drop any state tied to it, such as a half-sent message.
   */
  protected abstract xpipeTerminated(pipe: Pipe): void;

  /** A pipe that had nothing to read has a message again. Default: nothing. */
  protected xreadActivated(_pipe: Pipe): void {}
  /** A pipe that was full (at its send HWM) accepts messages again. Default: nothing. */
  protected xwriteActivated(_pipe: Pipe): void {}

  /**
   * The type's send routing, called by `send` with a non-empty message. Return
   * false to block (nothing was taken), true when the message was sent or
   * deliberately dropped. Default: throws ENOTSUP (a receive-only type).
   */
  protected xsend(_msg: Message): boolean {
    throw new PatternError("ENOTSUP", `${this.type} sockets cannot send`);
  }

  /**
   * The type's receive routing, called by `receive`: the next whole message, or
   * undefined when none is ready. Default: throws ENOTSUP (a send-only type).
   */
  protected xreceive(): Message | undefined {
    throw new PatternError("ENOTSUP", `${this.type} sockets cannot receive`);
  }

  /** Whether `xreceive` would return a message now (POLLIN). Default: false. */
  protected xhasIn(): boolean {
    return false;
  }

  /** Whether `xsend` would accept a message now (POLLOUT). Default: false. */
  protected xhasOut(): boolean {
    return false;
  }

  /**
   * Add (`subscribe` true) or remove one subscription to `topic`, from
   * `subscribe`/`unsubscribe`. Default: throws EINVAL (the type takes none).
   */
  protected xsubscribe(_topic: Uint8Array, _subscribe: boolean): void {
    throw new PatternError("EINVAL", `${this.type} sockets do not take subscriptions`);
  }

  /** Subclasses call this when their own state changes readiness (REQ/REP FSM). */
  protected changed(): void {
    this.dirty = true;
  }

  /** Whether pipes should conflate: the `conflate` option is set and the type supports it. */
  protected effectiveConflate(): boolean {
    return this.opts.conflate && SOCKET_TRAITS[this.type].conflate;
  }

  // ---- internals -----------------------------------------------------------------

  private storeOption(name: keyof SocketOptions, value: unknown): void {
    validateSocketOption(this.type, name, value);
    const opts = this.opts as unknown as Record<string, unknown>;
    opts[name] = value;
    if (name === "xpubVerbose") this.opts.xpubVerboser = false;
    else if (name === "xpubVerboser") this.opts.xpubVerbose = value as boolean;
  }

  private subscription(topic: Uint8Array | string, subscribe: boolean): void {
    if (this.isClosed) throw new PatternError("ETERM", "socket is closed");
    const bytes = toBytes(topic);
    this.depth++;
    try {
      this.xsubscribe(bytes, subscribe);
    } finally {
      this.exitCall();
    }
  }

  private pipeEvent(pipe: Pipe, kind: number): void {
    if (this.depth > 0) {
      this.eventPipes.push(pipe);
      this.eventKinds.push(kind);
      return;
    }
    this.depth = 1;
    try {
      this.dispatch(pipe, kind);
    } finally {
      this.exitCall();
    }
  }

  private dispatch(pipe: Pipe, kind: number): void {
    this.dirty = true;
    if (kind === EV_TERMINATED) {
      if (this.pipes.delete(pipe)) this.xpipeTerminated(pipe);
      return;
    }
    if (!this.pipes.has(pipe)) return;
    if (kind === EV_READABLE) this.xreadActivated(pipe);
    else this.xwriteActivated(pipe);
  }

  /** End of a socket call: apply queued pipe events, then fire readiness edges. */
  private exitCall(): void {
    if (this.depth > 1) {
      this.depth--;
      return;
    }
    // The common case on the hot path: nothing happened to any pipe meanwhile.
    if (this.eventPipes.length === 0 && !this.dirty) {
      this.depth = 0;
      return;
    }
    let fireReadable = false;
    let fireWritable = false;
    try {
      for (;;) {
        while (this.eventHead < this.eventPipes.length) {
          const pipe = this.eventPipes[this.eventHead]!;
          const kind = this.eventKinds[this.eventHead]!;
          this.eventHead++;
          this.dispatch(pipe, kind);
        }
        if (this.dirty) {
          this.dirty = false;
          if (this.handler !== undefined && !this.isClosed) {
            if (this.readableArmed && this.xhasIn()) {
              this.readableArmed = false;
              fireReadable = true;
            }
            if (this.writableArmed && this.xhasOut()) {
              this.writableArmed = false;
              fireWritable = true;
            }
          }
        }
        if (this.eventHead >= this.eventPipes.length) break;
      }
    } finally {
      // Setting `length` is a runtime call even when it is 0 already.
      if (this.eventPipes.length !== 0) {
        this.eventPipes.length = 0;
        this.eventKinds.length = 0;
      }
      this.eventHead = 0;
      this.depth = 0;
    }
    const handler = this.handler;
    if (handler === undefined) return;
    if (fireReadable) handler.readable?.();
    if (fireWritable) handler.writable?.();
  }
}
