/**
 * One ZMTP 3.x connection as a sans-I/O state machine: bytes in, events and
 * bytes out. The owner feeds received chunks with `receive`, writes whatever
 * `takeOutput` returns, and calls `tick` when `nextTimeout` passes. Time is
 * always passed in, so the machine is deterministic under test.
 *
 * Phases: greeting → mechanism handshake → ready (messages, commands,
 * heartbeats) → closed. Any protocol failure is reported once through
 * `handler.error` and ends the connection; nothing is ever thrown at the owner
 * for bad input.
 */

import { type Allocate, allocateZeroed, utf8Encode } from "./bytes";
import {
  type Command,
  decodeCommand,
  encodeCancel,
  encodeMetadata,
  encodePing,
  encodePong,
  encodeSubscribe,
  type Metadata,
  type MetadataInput,
} from "./command";
import { ProtocolError, WireError } from "./errors";
import { FrameFlags } from "./frame";
import { FrameDecoder } from "./frame-decoder";
import { FrameEncoder } from "./frame-encoder";
import { encodeGreeting, GreetingDecoder } from "./greeting";
import { Heartbeat } from "./heartbeat";
import type { FrameTransform, Mechanism, MechanismStep } from "./mechanism";
import { applyMechanismStep, type MechanismStepHost } from "./mechanism-step";
import { NullMechanism } from "./null-mechanism";
import {
  receivesSubscriptions,
  type SocketTypeName,
  sendsIdentity,
  sendsSubscriptions,
} from "./socket-types";
import { decodeSubscriptionMessage, encodeSubscriptionMessage } from "./subscription-message";
import { handshakeTimeoutError, heartbeatTimeoutError } from "./timeout-errors";

/** The settings of one {@link ZmtpConnection}. */
export interface ZmtpConnectionOptions {
  /** The local socket type, announced as `Socket-Type` and checked against the peer's. */
  socketType: SocketTypeName;
  /** ZMQ_ROUTING_ID: sent as `Identity` by REQ, DEALER and ROUTER (empty when unset). */
  routingId?: Uint8Array;
  /** Extra READY properties (ZMQ_METADATA, `X-…` names). */
  metadata?: MetadataInput;
  /** The security mechanism for this connection; NULL when not given. */
  mechanism?: Mechanism;
  /** The local `*_SERVER` option, passed to the mechanism. */
  asServer?: boolean;
  /** ZMQ_MAXMSGSIZE, per frame; undefined or -1 = unlimited. */
  maxMessageSize?: number;
  /** ZMQ_HANDSHAKE_IVL (ms): greeting and handshake must finish in this time; 0 = no limit. Default 30000. */
  handshakeInterval?: number;
  /** ZMQ_HEARTBEAT_IVL (ms); 0 = off. */
  heartbeatInterval?: number;
  /** ZMQ_HEARTBEAT_TTL (ms). */
  heartbeatTimeToLive?: number;
  /** ZMQ_HEARTBEAT_TIMEOUT (ms); default: the interval. */
  heartbeatTimeout?: number;
  /** Memory for received frame bodies that must be copied (see `Allocate`). */
  allocate?: Allocate;
  /** Memory for the slabs outgoing frames are packed into (see `Allocate`). */
  allocateSlab?: Allocate;
}

/** What the handshake learned about the peer. */
export interface PeerInfo {
  /** The peer's `Socket-Type` property. */
  socketType: string;
  /** The peer's `Identity` property (empty when it sent none). */
  routingId: Uint8Array;
  /** Every READY property the peer sent. */
  metadata: Metadata;
  /** The peer's greeting version: major (3). */
  major: number;
  /** The peer's greeting version: minor (0 for ZMTP 3.0, else 1). */
  minor: number;
  /** The mechanism both sides agreed on. */
  mechanism: string;
  /** Set when the mechanism authenticated a user (ZAP User-Id). */
  userId?: Uint8Array;
  /** Properties from the ZAP reply's metadata frame, when ZAP was consulted. */
  zapMetadata?: Metadata;
}

/** What a {@link ZmtpConnection} tells its owner, synchronously. */
export interface ZmtpConnectionHandler {
  /** The handshake is complete; messages may flow both ways from now on. */
  handshake(peer: PeerInfo): void;
  /**
   * A whole multipart message arrived. Subscriptions from peers of a PUB/XPUB
   * arrive here in the `\x01topic` / `\x00topic` form whatever their wire form.
   * Return false to pause delivery until `resume()` (backpressure).
   */
  message(frames: Uint8Array[]): boolean | undefined;
  /** A command after the handshake that the connection does not handle itself (JOIN, LEAVE, unknown). */
  command?(command: Command): void;
  /** The connection failed; it is finished and delivers nothing more. */
  error(error: WireError): void;
  /**
   * The connection changed state outside `receive`/`tick` (an asynchronous
   * mechanism step, e.g. a ZAP reply, settled): write `takeOutput()` and re-arm
   * the timer from `nextTimeout()`.
   */
  wake?(): void;
}

/**
 * Where a connection is: not started, exchanging greetings, running the
 * mechanism's handshake, carrying messages, or finished.
 */
export type ZmtpConnectionState = "idle" | "greeting" | "handshake" | "ready" | "closed";

const DEFAULT_HANDSHAKE_IVL = 30_000;
/**
 * The empty list `#raw` and `#partial` hold while they have nothing (never
 * written to: a list is made when there is something to keep). An idle
 * connection holds as little as it can.
 */
const NONE: Uint8Array[] = [];

/**
 * One ZMTP 3.x connection, sans I/O: feed it received bytes with `receive`,
 * write what `takeOutput` returns, call `tick` at `nextTimeout`; it runs the
 * greeting, the security handshake, framing, subscriptions as commands and
 * heartbeats, and reports through its {@link ZmtpConnectionHandler}. A bad peer
 * ends with one `error` event, never an exception.
 */
export class ZmtpConnection {
  /** This side's socket type. */
  readonly socketType: SocketTypeName;
  #state: ZmtpConnectionState = "idle";
  readonly #handler: ZmtpConnectionHandler;
  readonly #mechanism: Mechanism;
  readonly #asServer: boolean;
  /** Our READY properties, until the mechanism has them (dropped at handshake end). */
  #localMetadata: Uint8Array | undefined;
  /** Dropped once the greeting is read (an idle connection keeps as little as it can). */
  #greeting: GreetingDecoder | undefined = new GreetingDecoder();
  readonly #decoder: FrameDecoder;
  readonly #encoder: FrameEncoder;
  readonly #heartbeat: Heartbeat;
  readonly #handshakeInterval: number;
  /** Bytes written around the encoder (the greeting). */
  #raw: Uint8Array[] = NONE;
  #handshakeDeadline: number | undefined;
  #now = 0;
  #peerMajor = 0;
  #peerMinor = 1;
  /** The frames so far of a multipart message being received. */
  #partial: Uint8Array[] = NONE;
  #transform: FrameTransform | undefined;
  #peer: PeerInfo | undefined;
  /**
   * Set once the handshake is done when the mechanism's frame transform reuses
   * the memory of frames it encoded (CURVE's sealed MESSAGE frames): call it with
   * chunks from `takeOutput()` once the OS has taken all of them and nothing
   * else references them. Undefined otherwise: there is nothing to report.
   */
  written: ((chunks: readonly Uint8Array[]) => void) | undefined = undefined;
  /** A mechanism step is pending (ZAP): commands wait in the decoder. */
  #waiting = false;
  /** While the handshake runs: what mechanism steps are applied to. */
  #steps: MechanismStepHost | undefined;
  /** The handshake is over: the encoder's slab goes once its output is taken. */
  #releaseSlab = false;
  /** The transform copies every frame out, and the decoder reuses its body memory (`readReuse`). */
  #copyingOut = false;

  /**
   * An idle connection; `start(now)` begins it.
   *
   * @throws WireError `EINVAL` for metadata that cannot be encoded (a bad
   * property name or a value over the size limit).
   */
  constructor(handler: ZmtpConnectionHandler, options: ZmtpConnectionOptions) {
    this.#handler = handler;
    this.socketType = options.socketType;
    this.#mechanism = options.mechanism ?? new NullMechanism();
    this.#asServer = options.asServer ?? false;
    this.#handshakeInterval = options.handshakeInterval ?? DEFAULT_HANDSHAKE_IVL;
    this.#heartbeat = new Heartbeat({
      ...(options.heartbeatInterval !== undefined && { interval: options.heartbeatInterval }),
      ...(options.heartbeatTimeToLive !== undefined && { timeToLive: options.heartbeatTimeToLive }),
      ...(options.heartbeatTimeout !== undefined && { timeout: options.heartbeatTimeout }),
    });
    const props: [string, Uint8Array][] = [["Socket-Type", utf8Encode(options.socketType)]];
    if (sendsIdentity(options.socketType)) {
      props.push(["Identity", options.routingId ?? new Uint8Array(0)]);
    }
    if (options.metadata) {
      for (const [name, value] of options.metadata) {
        props.push([name, typeof value === "string" ? utf8Encode(value) : value]);
      }
    }
    this.#localMetadata = encodeMetadata(props);
    this.#encoder = new FrameEncoder({ allocate: options.allocateSlab ?? allocateZeroed });
    this.#decoder = new FrameDecoder((body, flags, reused) => this.#onFrame(body, flags, reused), {
      allocate: options.allocate ?? allocateZeroed,
      ...(options.maxMessageSize !== undefined && { maxMessageSize: options.maxMessageSize }),
    });
  }

  /** Where the connection is (see {@link ZmtpConnectionState}). */
  get state(): ZmtpConnectionState {
    return this.#state;
  }

  /** The peer, once the handshake is complete. */
  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  /** True while delivery is paused by a `message` handler that returned false. */
  get paused(): boolean {
    return this.#decoder.paused;
  }

  /** Starts the connection at time `now`: the whole greeting is queued at once. */
  start(now: number): void {
    if (this.#state !== "idle") return;
    this.#now = now;
    this.#state = "greeting";
    this.#raw = [encodeGreeting({ mechanism: this.#mechanism.name, asServer: this.#asServer })];
    if (this.#handshakeInterval > 0) this.#handshakeDeadline = now + this.#handshakeInterval;
  }

  /** Bytes arrived from the peer at time `now`. Events fire synchronously. */
  receive(chunk: Uint8Array, now: number): void {
    if (this.#state === "closed" || this.#state === "idle") return;
    this.#now = now;
    this.#heartbeat.traffic();
    if (this.#state === "greeting") {
      const result = this.#greeting!.push(chunk);
      if (result.status === "partial") return;
      if (result.status === "error") {
        this.#fail(result.error);
        return;
      }
      const { greeting } = result;
      this.#greeting = undefined;
      if (greeting.mechanism !== this.#mechanism.name) {
        this.#fail(
          new WireError(
            "EPROTO",
            "mechanism-mismatch",
            `peer uses mechanism ${greeting.mechanism}, this side ${this.#mechanism.name}`,
            { protocolError: ProtocolError.ZMTP_MECHANISM_MISMATCH },
          ),
        );
        return;
      }
      this.#peerMajor = greeting.major;
      this.#peerMinor = greeting.major === 3 && greeting.minor === 0 ? 0 : 1;
      this.#state = "handshake";
      this.#applyStep(
        this.#mechanism.start({
          metadata: this.#localMetadata!,
          asServer: this.#asServer,
          peerMinor: this.#peerMinor,
        }),
      );
      if (this.#isClosed() || result.rest.length === 0) return;
      chunk = result.rest;
    }
    const error = this.#decoder.push(chunk);
    if (error && !this.#isClosed()) this.#fail(error);
  }

  /**
   * Memory the next received bytes may be read straight into (the rest of a
   * large frame body being received), or `undefined`; see
   * `FrameDecoder.readTarget`. Pass `receive` a view of what was written there.
   */
  readTarget(): Uint8Array | undefined {
    if (this.#state !== "ready" && this.#state !== "handshake") return undefined;
    return this.#decoder.readTarget();
  }

  /**
   * Asked before each read by a transport that reads into memory of its own:
   * may it read over memory whose bytes it passed to `receive` before? 0 (never)
   * unless the handshake is done and the mechanism's transform can copy
   * frames out (CURVE); the first such answer switches the transform and the
   * decoder to that (`FrameTransform.copyOut`, `FrameDecoder.reuseBodies`).
   * Then 1 while the decoder still holds received chunks (or while frames too
   * large for its reused buffer arrive), 2 otherwise. See `ReadReuse` in
   * @zmq/transport.
   */
  readReuse(): 0 | 1 | 2 {
    if (this.#state !== "ready") return 0;
    if (!this.#copyingOut) {
      const transform = this.#transform;
      if (transform?.copyOut === undefined) return 0;
      transform.copyOut();
      this.#decoder.reuseBodies();
      this.#copyingOut = true;
    }
    // Frames too large for the decoder's reused buffer are read straight into
    // memory of their own, so a read buffer carries little more than their
    // headers, and reusing it measured slower (CURVE 1 MiB: 0.5x): the fresh read
    // buffers' allocations kept V8's young-generation collections frequent enough
    // to hand the large bodies back to malloc; without them, every body landed on
    // fresh pages. So reuse stops while such frames arrive.
    return this.#decoder.holdsChunks || this.#decoder.largeBodies ? 1 : 2;
  }

  /** Continue delivering messages after a `message` handler returned false. */
  resume(): void {
    if (this.#state === "closed" || this.#waiting) return;
    const error = this.#decoder.resume();
    if (error && !this.#isClosed()) this.#fail(error);
  }

  /**
   * Queue one multipart message for the peer (after the handshake only).
   * From SUB and XSUB, a single-frame `\x01topic` / `\x00topic` message is a
   * subscription: it goes out as a SUBSCRIBE/CANCEL command to ZMTP 3.1 peers
   * and unchanged to 3.0 peers.
   */
  send(frames: readonly Uint8Array[]): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    if (frames.length === 1 && this.#peerMinor >= 1 && sendsSubscriptions(this.socketType)) {
      const sub = decodeSubscriptionMessage(frames[0]!);
      if (sub) {
        this.#sendCommandFrame(
          sub.subscribe ? encodeSubscribe(sub.topic) : encodeCancel(sub.topic),
        );
        return;
      }
    }
    if (this.#transform) {
      const last = frames.length - 1;
      for (let i = 0; i <= last; i++) {
        this.#encodeFrame(this.#transform, frames[i]!, i < last ? FrameFlags.MORE : 0);
      }
      return;
    }
    this.#encoder.message(frames);
  }

  /** Queue a command (e.g. JOIN/LEAVE from a DISH) for the peer, after the handshake. */
  sendCommand(body: Uint8Array): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    this.#sendCommandFrame(body);
  }

  /** True when there are bytes waiting for `takeOutput`. */
  get hasOutput(): boolean {
    return this.#raw.length > 0 || this.#encoder.pendingBytes > 0;
  }

  /** Bytes to write to the peer, in order; empty when there are none. */
  takeOutput(): Uint8Array[] {
    let out: Uint8Array[];
    if (this.#raw.length === 0) {
      out = this.#encoder.flush();
    } else {
      out = this.#raw;
      this.#raw = NONE;
      if (this.#encoder.pendingBytes > 0) out.push(...this.#encoder.flush());
    }
    if (this.#releaseSlab) {
      // The handshake's commands are out: a connection that stays idle from here
      // holds no slab (the next message gets a fresh one).
      this.#releaseSlab = false;
      this.#encoder.release();
    }
    return out;
  }

  /** When `tick` should next be called, if ever (same clock as `now`). */
  nextTimeout(): number | undefined {
    if (this.#state === "closed" || this.#state === "idle") return undefined;
    if (this.#state !== "ready") return this.#handshakeDeadline;
    return this.#heartbeat.nextDeadline();
  }

  /** Advance time: handshake timeout, PINGs and heartbeat expiry. */
  tick(now: number): void {
    if (this.#state === "closed" || this.#state === "idle") return;
    this.#now = now;
    if (this.#state !== "ready") {
      if (this.#handshakeDeadline !== undefined && now >= this.#handshakeDeadline) {
        this.#fail(handshakeTimeoutError(this.#handshakeInterval));
      }
      return;
    }
    for (;;) {
      const action = this.#heartbeat.due(now);
      if (action === undefined) return;
      if (action === "expired") {
        this.#fail(heartbeatTimeoutError());
        return;
      }
      this.#sendCommandFrame(encodePing(this.#heartbeat.ttlDeciseconds));
    }
  }

  /** Ends the connection locally; no events follow. */
  close(): void {
    this.#state = "closed";
    this.#partial = NONE;
  }

  #sendCommandFrame(body: Uint8Array): void {
    if (this.#transform) this.#encodeFrame(this.#transform, body, FrameFlags.COMMAND);
    else this.#encoder.command(body);
  }

  /**
   * One frame through the transform: sealed straight into the encoder's slab
   * when the encoder would copy the sealed frame there anyway, else encoded
   * into a frame of its own.
   */
  #encodeFrame(transform: FrameTransform, body: Uint8Array, flags: number): void {
    const encoder = this.#encoder;
    if (transform.encodeInto !== undefined) {
      const length = transform.encodedLength!(body.length);
      if (length < encoder.copyThreshold) {
        const target = encoder.frameBody(length, 0);
        try {
          transform.encodeInto(body, flags, target);
        } catch (error) {
          // Its header is queued already: the frame goes out as zeros (which no
          // peer accepts), never as whatever the slab held before.
          target.fill(0);
          throw error;
        }
        return;
      }
    }
    const out = transform.encode(body, flags);
    encoder.frame(out.body, out.flags);
  }

  /** A method, so TypeScript does not narrow `#state` across calls that change it. */
  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #fail(error: WireError): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#partial = NONE;
    this.#handler.error(error);
  }

  #applyStep(step: MechanismStep): void {
    this.#steps ??= this.#stepHost();
    applyMechanismStep(step, this.#steps);
  }

  /** The handshake's view of this connection (dropped once the handshake is over). */
  #stepHost(): MechanismStepHost {
    return {
      socketType: this.socketType,
      mechanism: this.#mechanism,
      peerVersion: () => ({ major: this.#peerMajor, minor: this.#peerMinor }),
      sendCommand: (body) => this.#encoder.command(body),
      fail: (error) => this.#fail(error),
      wait: () => {
        this.#waiting = true;
        this.#decoder.pause();
      },
      settle: (next) => this.#settle(next),
      ready: (peer) => {
        this.#steps = undefined;
        this.#localMetadata = undefined;
        // The handshake's commands need the encoder's slab no longer: it goes now,
        // or once they are taken (an idle connection then holds none).
        if (this.#encoder.pendingBytes === 0) this.#encoder.release();
        else this.#releaseSlab = true;
        this.#peer = peer;
        const transform = this.#mechanism.transform;
        this.#transform = transform;
        if (transform?.release !== undefined) {
          this.written = (chunks) => {
            if (this.#state === "ready") transform.release!(chunks);
          };
        }
        this.#state = "ready";
        this.#handshakeDeadline = undefined;
        this.#heartbeat.start(this.#now);
        this.#handler.handshake(peer);
      },
    };
  }

  /** An asynchronous mechanism step settled: apply it, read on, wake the owner. */
  #settle(step: MechanismStep): void {
    if (this.#state === "closed") return;
    this.#waiting = false;
    this.#applyStep(step);
    if (!this.#isClosed() && !this.#waiting) {
      const error = this.#decoder.resume();
      if (error && !this.#isClosed()) this.#fail(error);
    }
    if (!this.#isClosed()) this.#handler.wake?.();
  }

  #onFrame(body: Uint8Array, flags: number, reused: boolean): boolean {
    if (this.#state === "handshake") {
      if ((flags & FrameFlags.COMMAND) === 0) {
        this.#fail(
          new WireError(
            "EPROTO",
            "unexpected-command",
            "message frame before the handshake completed",
            {
              protocolError: ProtocolError.ZMTP_UNEXPECTED_COMMAND,
            },
          ),
        );
        return false;
      }
      this.#applyStep(this.#mechanism.receive(body));
      return !this.#isClosed() && !this.#waiting;
    }
    if (this.#state !== "ready") return false;
    if (this.#transform) {
      const plain = this.#transform.decode(body, flags, reused);
      if (plain instanceof WireError) {
        this.#fail(plain);
        return false;
      }
      body = plain.body;
      flags = plain.flags;
    }
    if ((flags & FrameFlags.COMMAND) !== 0) return this.#onCommand(body);
    let message: Uint8Array[];
    if ((flags & FrameFlags.MORE) !== 0) {
      if (this.#partial === NONE) this.#partial = [body];
      else this.#partial.push(body);
      return true;
    }
    if (this.#partial === NONE) {
      // A single-frame message: an exact-size array (a push would reserve 17 slots).
      message = [body];
    } else {
      message = this.#partial;
      message.push(body);
      this.#partial = NONE;
    }
    return this.#handler.message(message) !== false && this.#state === "ready";
  }

  #onCommand(body: Uint8Array): boolean {
    const command = decodeCommand(body);
    if (command instanceof WireError) {
      this.#fail(command);
      return false;
    }
    switch (command.type) {
      case "ping":
        this.#heartbeat.peerPing(command.ttl, this.#now);
        this.#sendCommandFrame(encodePong(command.context));
        return true;
      case "pong":
        return true;
      case "error":
        this.#fail(new WireError("EPROTO", "peer-error", `peer sent ERROR: ${command.reason}`));
        return false;
      case "subscribe":
      case "cancel":
        if (!receivesSubscriptions(this.socketType)) return true;
        return (
          this.#handler.message([
            encodeSubscriptionMessage(command.type === "subscribe", command.topic),
          ]) !== false && this.#state === "ready"
        );
      case "ready":
        this.#fail(
          new WireError("EPROTO", "unexpected-command", "READY after the handshake", {
            protocolError: ProtocolError.ZMTP_UNEXPECTED_COMMAND,
          }),
        );
        return false;
      default:
        this.#handler.command?.(command);
        return this.#state === "ready";
    }
  }
}
