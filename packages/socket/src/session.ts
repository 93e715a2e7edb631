/**
 * The glue between one connection and the socket: libzmq's session + engine.
 *
 * A session owns one transport connection. Over a byte stream (tcp, ipc) it runs
 * the wire engine of the transport (ZMTP 3.1, see engine.ts); for STREAM sockets
 * it moves raw bytes; udp-session.ts has the datagram one. On the socket side it
 * owns one end of a message pipe. (inproc has no session: inproc.ts joins the two
 * sockets' pipes directly.) Messages flow
 *
 *   socket → pipe → session → (encoder) → connection   and back,
 *
 * with backpressure both ways: a full pipe pauses reading from the connection,
 * a full OS buffer stops reading from the pipe (which then fills to its HWM and
 * mutes the socket for this peer).
 */
import type { Pipe, PipeHandler } from "@zmq/patterns";
import type { ReadReuse, StreamConnection, StreamHandler, TransportError } from "@zmq/transport";
import {
  type Mechanism,
  type PeerInfo,
  type SocketTypeName,
  utf8Decode,
  type WireError,
  type ZmtpConnectionHandler,
} from "@zmq/wire";
import { type EngineFactory, type WireEngine, zmtpEngine } from "./engine";
import { type MessageProperties, tagFrames } from "./message-properties";
import type { Runtime } from "./runtime";

/** Timers that do not keep the process alive. */
const WEAK = { ref: false } as const;

/** Bytes read from the pipe and encoded per turn before yielding to I/O. */
const OUT_BUDGET_BYTES = 256 * 1024;
/** Messages moved per turn before yielding to I/O. */
const OUT_BUDGET_MESSAGES = 4096;

/** Why a session ended. */
export type SessionEnd =
  | { kind: "closed"; error?: TransportError | undefined } // the peer or the network closed it
  | { kind: "protocol"; error: WireError } // the peer broke the protocol: do not reconnect
  | { kind: "local" }; // we closed it

/** What a session tells the socket about. */
export interface SessionOwner {
  readonly socketType: SocketTypeName;
  /** Time, scheduling and frame conversion. */
  readonly runtime: Runtime;
  /** The handshake finished: attach a pipe for this peer (unless one is attached already). */
  sessionReady(session: Session, peer: PeerIdentity): void;
  /** The session ended (the owner decides about reconnecting). */
  sessionEnded(session: Session, end: SessionEnd): void;
}

/** What the socket layer needs to know of a peer. */
export interface PeerIdentity {
  socketType: string;
  routingId: Uint8Array;
  properties?: Record<string, string>;
}

/** Options for a ZMTP session, taken from the socket at connection time. */
export interface ZmtpSessionOptions {
  routingId?: Uint8Array | undefined;
  maxMessageSize?: number | undefined;
  handshakeInterval: number;
  heartbeatInterval: number;
  heartbeatTimeToLive: number;
  heartbeatTimeout: number;
  /** The security mechanism for a new connection (given the peer's address); NULL when absent. */
  mechanism?: ((peerAddress: string) => Mechanism | undefined) | undefined;
  /** The local `*_SERVER` role. */
  asServer?: boolean | undefined;
  /** The wire engine for this connection's transport; ZMTP 3.1 when absent. */
  engine?: EngineFactory | undefined;
}

/**
 * The sessions of one runtime with output to move, pumped together in one
 * deferred callback per event-loop turn: a ROUTER answering 100 peers, or a
 * PUB writing to 100 subscribers, costs one `defer` per turn, not one per
 * connection. A session that runs out of budget queues itself for the next turn.
 */
class PumpQueue {
  readonly #runtime: Runtime;
  #sessions: Session[] = [];
  #scheduled = false;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  add(session: Session): void {
    this.#sessions.push(session);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#runtime.defer(this.#run);
  }

  readonly #run = (): void => {
    const sessions = this.#sessions;
    this.#sessions = [];
    this.#scheduled = false;
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < sessions.length; i++) {
      try {
        sessions[i]!.runScheduledPump();
      } catch (error) {
        // The other sessions still get their turn; the first error surfaces after.
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  };
}

const pumpQueues = new WeakMap<Runtime, PumpQueue>();

function pumpQueueOf(runtime: Runtime): PumpQueue {
  let queue = pumpQueues.get(runtime);
  if (queue === undefined) {
    queue = new PumpQueue(runtime);
    pumpQueues.set(runtime, queue);
  }
  return queue;
}

/** Common part of every session: the pipe end and its backpressure. */
export abstract class Session implements PipeHandler {
  readonly owner: SessionOwner;
  readonly endpoint: string;
  protected readonly runtime: Runtime;
  pipe: Pipe | undefined;
  #ended = false;
  /** A message the pipe refused (full): delivered first once it has room. */
  protected stalled: Uint8Array[] | undefined;
  #pumpScheduled = false;
  readonly #pumps: PumpQueue;
  #pumping = false;
  #lingering = false;

  constructor(owner: SessionOwner, endpoint: string) {
    this.owner = owner;
    this.endpoint = endpoint;
    this.runtime = owner.runtime;
    this.#pumps = pumpQueueOf(this.runtime);
  }

  /** True once the session ended (it reported `sessionEnded`, or is about to). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Marks the session ended (subclasses, as they tear down). */
  protected markEnded(): void {
    this.#ended = true;
  }

  /** Starts moving messages between `pipe` and the connection. */
  usePipe(pipe: Pipe): void {
    this.pipe = pipe;
    pipe.setHandler(this);
    this.schedulePump();
  }

  /** Stops using the pipe (connect side keeps it for the next connection). */
  releasePipe(): Pipe | undefined {
    const pipe = this.pipe;
    this.pipe = undefined;
    this.stalled = undefined;
    pipe?.setHandler(undefined);
    return pipe;
  }

  readable(): void {
    this.schedulePump();
  }

  writable(): void {
    const stalled = this.stalled;
    if (stalled === undefined) {
      // Decoding waited for the application (an unlimited pipe's backlog): go on.
      if (this.backlogged && this.pipe !== undefined) {
        this.backlogged = false;
        this.resumeInput();
      }
      return;
    }
    if (this.pipe === undefined) return;
    if (!this.pipe.write(stalled)) return;
    this.stalled = undefined;
    this.resumeInput();
  }

  terminated(): void {
    // The socket end went away (close/disconnect): everything it left was read.
    // This can fire inside pipe.read() during a pump, before the last message
    // read has been written out: then the pump ends the connection when done.
    this.pipe = undefined;
    this.#lingering = true;
    if (!this.#pumping) this.flushAndEnd();
  }

  /**
   * Decoding waits until the application has read some of the unlimited pipe's
   * backlog (`Pipe.backlogged`); reading from the connection goes on.
   */
  protected backlogged = false;

  /** Writes one inbound message into the pipe; false = pipe full, stop reading. */
  protected deliver(frames: Uint8Array[]): boolean {
    const pipe = this.pipe;
    if (pipe === undefined) return true; // nobody attached (being torn down): drop
    if (pipe.write(frames)) return true;
    this.stalled = frames;
    return false;
  }

  protected schedulePump(): void {
    if (this.#pumpScheduled || this.ended) return;
    this.#pumpScheduled = true;
    this.#pumps.add(this);
  }

  /** @internal The pump scheduled by `schedulePump` (from the runtime's pump queue). */
  runScheduledPump(): void {
    this.#pumpScheduled = false;
    this.pumpNow();
  }

  /** Runs `pump`, then ends the connection if the pipe terminated meanwhile. */
  protected pumpNow(): void {
    if (this.ended) return;
    this.#pumping = true;
    try {
      this.pump();
    } finally {
      this.#pumping = false;
    }
    if (this.#lingering && !this.ended) this.flushAndEnd();
  }

  /**
   * The socket is closing: run a pump still scheduled now, so that what its sends
   * already handed over is taken before the pipe ends (libzmq's I/O thread has
   * usually taken it by then; a `close()` with linger 0 right after `await send()`
   * still delivers, as with zeromq.js).
   */
  pumpBeforeClose(): void {
    if (this.#pumpScheduled) this.pumpNow();
  }

  get lingering(): boolean {
    return this.#lingering;
  }

  /**
   * @internal Set by the socket layer on a stream session: the context's list of
   * sessions that may still hold output when the process ends (see `forget`).
   */
  exitList: { delete(session: Session): unknown } | undefined;

  /**
   * Drops this session from the context's list of sessions that may still hold
   * output when the process ends. Called once its connection is closed (or destroyed).
   * (A method, not a closure per session: 10,000 idle connections hold less.)
   */
  forget(): void {
    const list = this.exitList;
    if (list === undefined) return;
    this.exitList = undefined;
    list.delete(this);
  }

  /**
   * The process is ending and no event loop will run again: encodes what the pipe
   * still holds and writes it, after what earlier writes left unwritten, synchronously
   * (`StreamConnection.writeSync`). `wait()` sleeps while the OS buffer is full and
   * returns false to give up. Returns true once nothing is left to write; false when
   * something is (the handshake is not done, the connection cannot be written
   * synchronously, or `wait()` gave up: a later call continues).
   */
  flushForExit(_wait: () => boolean): boolean {
    return false;
  }

  /** At process end, after flushForExit: closes the connection's descriptor now. */
  closeForExit(): void {}

  /** Reads every message the pipe holds (process end; no budget, no yielding). */
  protected drainPipeForExit(each: (msg: Uint8Array[]) => void): void {
    const pipe = this.pipe;
    if (pipe === undefined || this.ended) return;
    this.#pumping = true;
    try {
      for (let msg = pipe.read(); msg !== undefined; msg = pipe.read()) each(msg);
    } finally {
      this.#pumping = false;
    }
  }

  /** Move what the pipe holds onto the connection. */
  protected abstract pump(): void;
  /** The pipe has room again: resume reading from the connection. */
  protected abstract resumeInput(): void;
  /** The socket end is gone: flush what is queued, then close the connection. */
  protected abstract flushAndEnd(): void;
  /** Closes the connection now (unbind, disconnect, socket close). */
  abstract shutdown(): void;
}

/** A ZMTP session over a byte stream (tcp, ipc). */
export class ZmtpSession extends Session implements ZmtpConnectionHandler, StreamHandler {
  readonly connection: StreamConnection;
  readonly engine: WireEngine;
  #ready = false;
  /** The peer half-closed while input still waited under backpressure. */
  #peerEnded = false;
  #writeBlocked = false;
  #cancelTimer: (() => void) | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** A security mechanism other than NULL runs on this connection. */
  readonly #secured: boolean;
  /** Set on an authenticated connection: every inbound frame carries these. */
  #frameProperties: MessageProperties | undefined;

  constructor(
    owner: SessionOwner,
    endpoint: string,
    connection: StreamConnection,
    options: ZmtpSessionOptions,
  ) {
    super(owner, endpoint);
    this.connection = connection;
    const runtime = this.runtime;
    runtime.streamSessionStarting?.();
    const mechanism = options.mechanism?.(connection.remoteAddress);
    this.#secured = mechanism !== undefined;
    this.engine = (options.engine ?? zmtpEngine)(
      this,
      {
        socketType: owner.socketType,
        // The runtime's memory: on Node, frames reach the application as Buffers
        // without wrapping, and without the page faults of a zero-filled allocation.
        ...(runtime.frameAllocator !== undefined && { allocate: runtime.frameAllocator() }),
        ...(runtime.allocateSlab !== undefined && { allocateSlab: runtime.allocateSlab }),
        ...(mechanism !== undefined && { mechanism }),
        ...(options.asServer && { asServer: true }),
        ...(options.routingId !== undefined && { routingId: options.routingId }),
        ...(options.maxMessageSize !== undefined &&
          options.maxMessageSize >= 0 && { maxMessageSize: options.maxMessageSize }),
        handshakeInterval: options.handshakeInterval,
        heartbeatInterval: options.heartbeatInterval,
        heartbeatTimeToLive: options.heartbeatTimeToLive,
        ...(options.heartbeatTimeout >= 0 && { heartbeatTimeout: options.heartbeatTimeout }),
      },
      connection,
    );
  }

  start(): void {
    this.engine.start(this.runtime.now());
    this.connection.setHandler(this);
    this.#afterEngine();
  }

  get ready(): boolean {
    return this.#ready;
  }

  // ---- connection events

  data(chunk: Uint8Array): void {
    if (this.ended) return;
    this.engine.receive(chunk, this.runtime.now());
    this.#afterEngine();
  }

  readTarget(): Uint8Array | undefined {
    return this.ended ? undefined : this.engine.readTarget?.();
  }

  readReuse(): ReadReuse {
    return this.ended ? 0 : (this.engine.readReuse?.() ?? 0);
  }

  drain(): void {
    this.#writeBlocked = false;
    this.pumpNow();
  }

  end(): void {
    // The peer half-closed: libzmq treats that as a disconnect. Everything it sent
    // has arrived, but some may still wait here under backpressure (a message the
    // full pipe refused, frames in the paused decoder): deliver those first.
    this.#peerEnded = true;
    if (this.stalled === undefined && !this.engine.paused) this.#finish({ kind: "closed" });
  }

  close(error?: TransportError): void {
    this.forget();
    if (error === undefined && !this.ended) {
      // Our own close(), or a clean close by the peer.
      this.#finish({ kind: "closed" });
      return;
    }
    this.#finish({ kind: "closed", error });
  }

  // ---- engine events

  handshake(peer: PeerInfo): void {
    this.#ready = true;
    const properties: Record<string, string> = {};
    for (const [name, value] of peer.metadata) {
      if (name !== "Socket-Type" && name !== "Identity") properties[name] = utf8Decode(value);
    }
    properties["Peer-Address"] = this.connection.remoteAddress;
    // ZAP's verdict: on the pipe, and on each frame of an authenticated connection.
    if (peer.userId !== undefined) properties["User-Id"] = utf8Decode(peer.userId);
    if (peer.zapMetadata) {
      for (const [name, value] of peer.zapMetadata) properties[name] = utf8Decode(value);
    }
    if (this.#secured || peer.userId !== undefined) {
      this.#frameProperties = Object.freeze({ "Socket-Type": peer.socketType, ...properties });
    }
    this.runtime.trace?.(
      `${this.owner.socketType} handshake ${this.endpoint} mechanism=${peer.mechanism} peer=${peer.socketType} from ${this.connection.remoteAddress}`,
    );
    this.owner.sessionReady(this, {
      socketType: peer.socketType,
      routingId: peer.routingId,
      properties,
    });
  }

  message(frames: Uint8Array[]): boolean {
    const properties = this.#frameProperties;
    if (properties !== undefined) tagFrames(this.runtime.toMessage(frames), properties);
    if (this.deliver(frames)) {
      // With no receive HWM the pipe never fills, but messages decoded far ahead of
      // the application are what a garbage collector has to carry (a backlog of
      // 1M 16 B messages: ~150 MB of heap and most of the CPU in GC). So decoding
      // stops at a backlog of 1000 while the bytes go on arriving (everything the
      // peer sends is still taken off the connection, as libzmq's RCVHWM 0 does),
      // and resumes once the application has read half of it.
      if (this.pipe === undefined || !this.pipe.backlogged()) return true;
      this.backlogged = true;
      return false;
    }
    this.runtime.trace?.(
      `${this.owner.socketType} hwm ${this.endpoint} receive pipe full: reading paused`,
    );
    this.connection.pause();
    return false;
  }

  error(error: WireError): void {
    if (error.reason === "peer-closed") {
      // A WebSocket close from the peer (ZWS): a disconnect, not a protocol error.
      // The echoed close frame goes out first.
      this.#write();
      this.#finish({ kind: "closed" });
      return;
    }
    this.#finish({ kind: "protocol", error });
  }

  /** An asynchronous handshake step (ZAP) settled: write its output, re-arm the timer. */
  wake(): void {
    this.#afterEngine();
  }

  // ---- session

  protected override pump(): void {
    const pipe = this.pipe;
    if (!this.#ready || this.#writeBlocked || pipe === undefined || this.ended) return;
    let messages = 0;
    let bytes = 0;
    for (;;) {
      const msg = pipe.read();
      if (msg === undefined) break;
      this.sendMessage(msg);
      for (let i = 0; i < msg.length; i++) bytes += msg[i]!.length;
      if (++messages >= OUT_BUDGET_MESSAGES || bytes >= OUT_BUDGET_BYTES) {
        this.schedulePump();
        break;
      }
    }
    this.#write();
  }

  /** Hands one pipe message to the engine (the RADIO/DISH session translates JOIN/LEAVE here). */
  protected sendMessage(msg: Uint8Array[]): void {
    this.engine.send(msg);
  }

  protected override resumeInput(): void {
    this.connection.resume();
    this.engine.resume();
    this.#afterEngine();
    if (this.#peerEnded && this.stalled === undefined && !this.engine.paused) {
      this.#finish({ kind: "closed" });
    }
  }

  protected override flushAndEnd(): void {
    if (this.ended) return;
    if (this.#writeBlocked) return; // drain() comes back here
    this.#write();
    this.markEnded();
    this.#clearTimer();
    this.engine.close();
    this.connection.end();
    this.owner.sessionEnded(this, { kind: "local" });
  }

  override shutdown(): void {
    if (this.ended) return;
    this.forget();
    this.markEnded();
    this.#clearTimer();
    this.engine.close();
    this.connection.destroy();
    this.owner.sessionEnded(this, { kind: "local" });
  }

  override flushForExit(wait: () => boolean): boolean {
    // Before the handshake the pipe is not attached: its messages wait in the endpoint.
    if (!this.#ready) return false;
    this.drainPipeForExit((msg) => this.sendMessage(msg));
    const out = this.engine.hasOutput ? this.engine.takeOutput() : [];
    return this.connection.writeSync?.(out, wait) ?? false;
  }

  override closeForExit(): void {
    this.forget();
    this.connection.destroy();
  }

  #finish(end: SessionEnd): void {
    if (this.ended) return;
    this.forget();
    // What the engine produced before it failed still goes out: libzmq writes its
    // READY as soon as it has read the peer's greeting, before reading further, so
    // a peer of the wrong type always learns of the mismatch itself (and stops
    // reconnecting) even when its greeting and READY arrived here in one chunk.
    if (end.kind === "protocol") this.#write();
    this.markEnded();
    this.#clearTimer();
    this.engine.close();
    this.connection.destroy();
    this.owner.sessionEnded(this, end);
  }

  #write(): void {
    if (!this.engine.hasOutput || this.ended) return;
    const out = this.engine.takeOutput();
    const written = this.engine.written;
    // Only an engine that reuses its output memory (CURVE) hears when a write is done.
    const ok =
      written === undefined
        ? this.connection.write(out)
        : this.connection.write(out, () => written(out));
    if (!ok) this.#writeBlocked = true;
  }

  /** After the engine ran: write what it produced, re-arm its timer. */
  #afterEngine(): void {
    if (this.ended) return;
    this.#write();
    const at = this.engine.nextTimeout();
    if (at === undefined) {
      this.#clearTimer();
      return;
    }
    if (at === this.#timerAt) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#cancelTimer = this.runtime.setTimer(
      Math.max(0, Math.ceil(at - this.runtime.now())),
      this.#onTimer,
      WEAK,
    );
  }

  readonly #onTimer = (): void => {
    this.#cancelTimer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.ended) return;
    this.engine.tick(this.runtime.now());
    this.#afterEngine();
  };

  #clearTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }
}

/**
 * A STREAM session: raw bytes, no ZMTP. Each chunk read becomes a one-frame
 * message; each message from the socket is written as raw bytes, and an empty
 * one closes the connection (libzmq's STREAM behaviour).
 */
export class RawSession extends Session implements StreamHandler {
  readonly connection: StreamConnection;
  #writeBlocked = false;
  #peerEnded = false;

  constructor(owner: SessionOwner, endpoint: string, connection: StreamConnection) {
    super(owner, endpoint);
    this.connection = connection;
  }

  start(): void {
    this.connection.setHandler(this);
    this.owner.sessionReady(this, { socketType: "STREAM", routingId: new Uint8Array(0) });
  }

  data(chunk: Uint8Array): void {
    if (!this.ended && !this.deliver([chunk])) this.connection.pause();
  }

  drain(): void {
    this.#writeBlocked = false;
    this.pumpNow();
  }

  end(): void {
    // Data the full pipe refused is delivered before the disconnect.
    this.#peerEnded = true;
    if (this.stalled === undefined) this.#finish({ kind: "closed" });
  }

  close(error?: TransportError): void {
    this.forget();
    this.#finish(error === undefined ? { kind: "closed" } : { kind: "closed", error });
  }

  override flushForExit(wait: () => boolean): boolean {
    const out: Uint8Array[] = [];
    let last = false;
    this.drainPipeForExit((msg) => {
      if (last) return;
      let empty = true;
      for (const frame of msg) {
        if (frame.length > 0) {
          out.push(frame);
          empty = false;
        }
      }
      // An empty message closes the connection: nothing after it goes out.
      if (empty) last = true;
    });
    return this.connection.writeSync?.(out, wait) ?? false;
  }

  override closeForExit(): void {
    this.forget();
    this.connection.destroy();
  }

  protected override pump(): void {
    const pipe = this.pipe;
    if (this.#writeBlocked || pipe === undefined || this.ended) return;
    const out: Uint8Array[] = [];
    for (;;) {
      const msg = pipe.read();
      if (msg === undefined) break;
      let empty = true;
      for (const frame of msg) {
        if (frame.length > 0) {
          out.push(frame);
          empty = false;
        }
      }
      if (empty) {
        // An empty message from a STREAM socket closes this connection.
        if (out.length > 0) this.connection.write(out);
        this.#finish({ kind: "local" }, true);
        return;
      }
    }
    if (out.length > 0 && !this.connection.write(out)) this.#writeBlocked = true;
  }

  protected override resumeInput(): void {
    this.connection.resume();
    if (this.#peerEnded && this.stalled === undefined) this.#finish({ kind: "closed" });
  }

  protected override flushAndEnd(): void {
    if (this.ended || this.#writeBlocked) return;
    this.markEnded();
    this.connection.end();
    this.owner.sessionEnded(this, { kind: "local" });
  }

  override shutdown(): void {
    this.#finish({ kind: "local" });
  }

  #finish(end: SessionEnd, graceful = false): void {
    if (this.ended) return;
    if (!graceful) this.forget();
    this.markEnded();
    if (graceful) this.connection.end();
    else this.connection.destroy();
    this.owner.sessionEnded(this, end);
  }
}
