/**
 * ZWS 2.0 (RFC 45) above the WebSocket layer: whole binary messages in, whole
 * messages out. One ZMTP frame is one message, `flags body` with bit 0 MORE and
 * bit 1 COMMAND. The negotiated subprotocol picks the mode:
 *
 * - `ZWS2.0/NULL`, `/PLAIN`, `/CURVE`: the mechanism's command exchange (READY,
 *   HELLO/WELCOME/INITIATE, …) as command messages, with ZMTP 3 bodies; the
 *   peer's `Socket-Type` is checked.
 * - bare `ZWS2.0`: like ZMTP 2, each side's first message is its routing id;
 *   no READY, no socket-type check.
 *
 * Subscriptions travel as data messages `01 topic` / `00 topic` both ways
 * (libzmq drops SUBSCRIBE commands over ws; we accept them, as data). Heartbeats
 * are WebSocket pings, requested from the owner through the sink.
 *
 * This layer knows nothing of WebSocket frames or the HTTP upgrade, so the same
 * engine can sit on our RFC 6455 codec (`ZwsConnection`) or on a WHATWG
 * `WebSocket` in a browser, which does the upgrade and framing itself.
 */
import { utf8Encode } from "./bytes";
import { type Command, decodeCommand, encodeMetadata } from "./command";
import type { PeerInfo, ZmtpConnectionHandler, ZmtpConnectionOptions } from "./connection";
import { ProtocolError, WireError } from "./errors";
import { FrameFlags } from "./frame";
import { Heartbeat } from "./heartbeat";
import type { FrameTransform, Mechanism, MechanismStep } from "./mechanism";
import { applyMechanismStep, type MechanismStepHost } from "./mechanism-step";
import { NullMechanism } from "./null-mechanism";
import { receivesSubscriptions, type SocketTypeName, sendsIdentity } from "./socket-types";
import { encodeSubscriptionMessage } from "./subscription-message";
import { handshakeTimeoutError, heartbeatTimeoutError } from "./timeout-errors";
import { ZWS_BARE, zwsProtocolMatches } from "./ws-handshake";

/** ZWS flag bits (RFC 45 "Framing"); note COMMAND is bit 1 here, bit 2 in ZMTP. */
export const ZwsFlags = {
  /** More frames of this message follow. */
  MORE: 0x01,
  /** The frame is a command, not message data. */
  COMMAND: 0x02,
} as const;

/** Where the engine's output goes: the WebSocket layer below it. */
export interface ZwsSink {
  /** Send one binary message: the flag byte `flags`, then `body` (not copied; do not change it). */
  message(flags: number, body: Uint8Array): void;
  /** Send a WebSocket ping with an empty payload (a heartbeat). */
  ping(): void;
  /** A mechanism step (ZAP) is pending: hold input (do not call `receive`) until `resume`. */
  pause(): void;
  /** The pending step settled: deliver input again. */
  resume(): void;
}

/** `ZmtpConnectionOptions` minus what only the byte-level connection uses. */
export type ZwsEngineOptions = Omit<ZmtpConnectionOptions, "allocate" | "allocateSlab">;

/**
 * Where a ZWS engine is: not begun (the WebSocket upgrade is still running),
 * running the mechanism's handshake, carrying messages, or finished.
 */
export type ZwsEngineState = "idle" | "handshake" | "ready" | "closed";

const DEFAULT_HANDSHAKE_IVL = 30_000;

function unexpected(message: string): WireError {
  return new WireError("EPROTO", "unexpected-command", message, {
    protocolError: ProtocolError.ZMTP_UNEXPECTED_COMMAND,
  });
}

/** The ZWS 2.0 state machine over whole WebSocket messages; see the module doc. */
export class ZwsEngine {
  /** This side's socket type. */
  readonly socketType: SocketTypeName;
  readonly #handler: ZmtpConnectionHandler;
  readonly #sink: ZwsSink;
  readonly #mechanism: Mechanism;
  readonly #asServer: boolean;
  readonly #routingId: Uint8Array;
  readonly #localMetadata: Uint8Array;
  readonly #heartbeat: Heartbeat;
  readonly #handshakeInterval: number;
  #state: ZwsEngineState = "idle";
  #protocol = "";
  #bare = false;
  #handshakeDeadline: number | undefined;
  #now = 0;
  #partial: Uint8Array[] = [];
  #transform: FrameTransform | undefined;
  #peer: PeerInfo | undefined;
  #waiting = false;
  /** While the handshake runs: what mechanism steps are applied to. */
  #steps: MechanismStepHost | undefined;
  /** Whether the peer ever answered a ping (libzmq does not in bare ZWS2.0 mode). */
  #pongSeen = false;

  /**
   * An engine that reports to `handler` and writes through `sink`; `begin` starts it.
   *
   * @throws WireError `EINVAL` for metadata that cannot be encoded.
   */
  constructor(handler: ZmtpConnectionHandler, sink: ZwsSink, options: ZwsEngineOptions) {
    this.#handler = handler;
    this.#sink = sink;
    this.socketType = options.socketType;
    this.#mechanism = options.mechanism ?? new NullMechanism();
    this.#asServer = options.asServer ?? false;
    this.#routingId = options.routingId ?? new Uint8Array(0);
    this.#handshakeInterval = options.handshakeInterval ?? DEFAULT_HANDSHAKE_IVL;
    this.#heartbeat = new Heartbeat({
      ...(options.heartbeatInterval !== undefined && { interval: options.heartbeatInterval }),
      ...(options.heartbeatTimeout !== undefined && { timeout: options.heartbeatTimeout }),
    });
    const props: [string, Uint8Array][] = [["Socket-Type", utf8Encode(options.socketType)]];
    if (sendsIdentity(options.socketType)) props.push(["Identity", this.#routingId]);
    if (options.metadata) {
      for (const [name, value] of options.metadata) {
        props.push([name, typeof value === "string" ? utf8Encode(value) : value]);
      }
    }
    this.#localMetadata = encodeMetadata(props);
  }

  /** The mechanism's name ("NULL", "PLAIN", "CURVE"): picks the subprotocols to offer or accept. */
  get mechanismName(): string {
    return this.#mechanism.name;
  }

  /** Where the engine is (see {@link ZwsEngineState}). */
  get state(): ZwsEngineState {
    return this.#state;
  }

  /** The peer, once the handshake is complete. */
  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  /** The negotiated subprotocol, once `begin` ran. */
  get protocol(): string {
    return this.#protocol;
  }

  /** True while a mechanism step (ZAP) is pending: input must wait. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /**
   * Arms the handshake timer at `now` (call when the connection starts, before
   * the upgrade, so that the upgrade counts against ZMQ_HANDSHAKE_IVL too).
   */
  arm(now: number): void {
    if (this.#handshakeDeadline === undefined && this.#handshakeInterval > 0) {
      this.#handshakeDeadline = now + this.#handshakeInterval;
    }
  }

  /** The WebSocket is open with subprotocol `protocol`: start the ZWS handshake. */
  begin(protocol: string, now: number): void {
    if (this.#state !== "idle") return;
    this.#now = now;
    this.arm(now);
    if (!zwsProtocolMatches(this.#mechanism.name, protocol)) {
      this.#fail(
        new WireError(
          "EPROTO",
          "mechanism-mismatch",
          `subprotocol ${protocol} does not fit mechanism ${this.#mechanism.name}`,
          { protocolError: ProtocolError.ZMTP_MECHANISM_MISMATCH },
        ),
      );
      return;
    }
    this.#protocol = protocol;
    this.#state = "handshake";
    if (protocol === ZWS_BARE) {
      this.#bare = true;
      this.#sink.message(0, this.#routingId);
      return;
    }
    this.#applyStep(
      this.#mechanism.start({
        metadata: this.#localMetadata,
        asServer: this.#asServer,
        peerMinor: 1,
      }),
    );
  }

  /**
   * One whole binary WebSocket message arrived. Returns false when input must
   * wait (the handler paused delivery, a ZAP step is pending, or the engine closed).
   */
  receive(payload: Uint8Array, now: number): boolean {
    if (this.#state === "closed" || this.#state === "idle") return false;
    this.#now = now;
    this.#heartbeat.traffic();
    if (payload.length === 0) {
      this.#fail(
        new WireError("EPROTO", "malformed-frame", "empty WebSocket message (no ZWS flag byte)", {
          protocolError: ProtocolError.WS_UNSPECIFIED,
        }),
      );
      return false;
    }
    const raw = payload[0]!;
    const body = payload.subarray(1);
    // ZMTP's frame flags: MORE stays bit 0, COMMAND moves to bit 2.
    let flags = (raw & ZwsFlags.MORE) | (raw & ZwsFlags.COMMAND ? FrameFlags.COMMAND : 0);
    if (this.#state === "handshake") {
      if (this.#bare) return this.#onRoutingId(body);
      if ((flags & FrameFlags.COMMAND) === 0) {
        this.#fail(unexpected("message before the handshake completed"));
        return false;
      }
      this.#applyStep(this.#mechanism.receive(body));
      return !this.#isClosed() && !this.#waiting;
    }
    let frame = body;
    if (this.#transform) {
      const plain = this.#transform.decode(body, flags);
      if (plain instanceof WireError) {
        this.#fail(plain);
        return false;
      }
      frame = plain.body;
      flags = plain.flags;
    }
    if ((flags & FrameFlags.COMMAND) !== 0) return this.#onCommand(frame);
    if ((flags & FrameFlags.MORE) !== 0) {
      this.#partial.push(frame);
      return true;
    }
    let message: Uint8Array[];
    if (this.#partial.length === 0) message = [frame];
    else {
      message = this.#partial;
      message.push(frame);
      this.#partial = [];
    }
    return this.#handler.message(message) !== false && this.#state === "ready";
  }

  /** Any WebSocket frame (ping, pong, …) proves the peer alive. */
  traffic(now: number): void {
    this.#now = now;
    this.#heartbeat.traffic();
  }

  /** A WebSocket pong arrived: the peer answers pings, so silence may fail it from now on. */
  pong(now: number): void {
    this.#pongSeen = true;
    this.traffic(now);
  }

  /**
   * Queue one multipart message. Subscriptions (`01 topic` / `00 topic` from
   * SUB/XSUB) go out unchanged: ZWS carries them as data.
   */
  send(frames: readonly Uint8Array[]): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      this.#sendFrame(frames[i]!, i < last ? FrameFlags.MORE : 0);
    }
  }

  /** Queue a command (JOIN/LEAVE, …) after the handshake. */
  sendCommand(body: Uint8Array): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    this.#sendFrame(body, FrameFlags.COMMAND);
  }

  /** When `tick` should next be called (same clock as `now`), or undefined for never. */
  nextTimeout(): number | undefined {
    if (this.#state === "closed") return undefined;
    if (this.#state !== "ready") return this.#handshakeDeadline;
    return this.#heartbeat.nextDeadline();
  }

  /** Advances time to `now` (ms): handshake timeout, PINGs, heartbeat expiry. */
  tick(now: number): void {
    if (this.#state === "closed") return;
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
      if (action === "expired" && this.#bare && !this.#pongSeen) {
        // libzmq ignores pings in bare ZWS2.0 mode (its session drops them): keep pinging,
        // but only a peer that has answered once can be judged by its silence.
        this.#heartbeat.traffic();
        continue;
      }
      if (action === "expired") {
        this.#fail(heartbeatTimeoutError());
        return;
      }
      this.#sink.ping();
    }
  }

  /** Fails the engine with `error` (reported once through the handler). */
  fail(error: WireError): void {
    this.#fail(error);
  }

  /** Ends the engine locally; no events follow. */
  close(): void {
    this.#state = "closed";
    this.#partial = [];
  }

  #sendFrame(body: Uint8Array, flags: number): void {
    let out = { body, flags };
    if (this.#transform) out = this.#transform.encode(body, flags);
    this.#sink.message(
      (out.flags & FrameFlags.MORE) | (out.flags & FrameFlags.COMMAND ? ZwsFlags.COMMAND : 0),
      out.body,
    );
  }

  /** A method, so TypeScript does not narrow `#state` across calls that change it. */
  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #fail(error: WireError): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#partial = [];
    this.#handler.error(error);
  }

  #onRoutingId(body: Uint8Array): boolean {
    this.#peer = {
      socketType: "",
      routingId: body,
      metadata: new Map(),
      major: 2,
      minor: 0,
      mechanism: "",
    };
    this.#ready();
    return this.#state === "ready";
  }

  #ready(): void {
    this.#state = "ready";
    this.#handshakeDeadline = undefined;
    this.#heartbeat.start(this.#now);
    this.#handler.handshake(this.#peer!);
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
      peerVersion: () => ({ major: 3, minor: 1 }),
      sendCommand: (body) => this.#sink.message(ZwsFlags.COMMAND, body),
      fail: (error) => this.#fail(error),
      wait: () => {
        this.#waiting = true;
        this.#sink.pause();
      },
      settle: (next) => this.#settle(next),
      ready: (peer) => {
        this.#steps = undefined;
        this.#peer = peer;
        this.#transform = this.#mechanism.transform;
        this.#ready();
      },
    };
  }

  #settle(step: MechanismStep): void {
    if (this.#state === "closed") return;
    this.#waiting = false;
    this.#applyStep(step);
    if (!this.#isClosed() && !this.#waiting) this.#sink.resume();
    if (!this.#isClosed()) this.#handler.wake?.();
  }

  #onCommand(body: Uint8Array): boolean {
    const command: Command | WireError = decodeCommand(body);
    if (command instanceof WireError) {
      this.#fail(command);
      return false;
    }
    switch (command.type) {
      case "ping":
      case "pong":
        // ZMTP heartbeats are not used over ws; tolerate them as traffic.
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
        this.#fail(unexpected("READY after the handshake"));
        return false;
      default:
        this.#handler.command?.(command);
        return this.#state === "ready";
    }
  }
}
