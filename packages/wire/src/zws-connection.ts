/**
 * One ZWS 2.0 connection over a byte stream, sans-I/O, with the same public
 * shape as `ZmtpConnection`: feed received bytes to `receive`, write what
 * `takeOutput` returns, call `tick` when `nextTimeout` passes. A session picks
 * one or the other by endpoint scheme and drives both the same way.
 *
 * Phases: HTTP/1.1 upgrade (state "greeting": the client writes the request,
 * the server answers 101 or closes silently) → ZWS handshake ("handshake") →
 * "ready" → "closed". Below the `ZwsEngine` sits the RFC 6455 codec: client
 * frames are masked with keys from `random`, fragmented messages are
 * reassembled, pings are answered with pongs, a close frame is echoed and ends
 * the connection (reported as an ECONNRESET `peer-closed` error after which the
 * owner should still write `takeOutput()`).
 */
import { type Allocate, allocateZeroed } from "./bytes";
import type {
  PeerInfo,
  ZmtpConnectionHandler,
  ZmtpConnectionOptions,
  ZmtpConnectionState,
} from "./connection";
import { WireError } from "./errors";
import { base64Encode } from "./sha1";
import {
  defaultRandomFill,
  encodeWsFrame,
  maskRange,
  type RandomFill,
  type WsControlOpcode,
  WsFrameDecoder,
  WsOpcode,
  writeWsHeader,
  wsHeaderSize,
} from "./ws-frame";
import {
  checkUpgradeRequest,
  checkUpgradeResponse,
  encodeUpgradeRequest,
  encodeUpgradeResponse,
  HttpHeadReader,
  zwsOfferedProtocols,
} from "./ws-handshake";
import { ZwsEngine } from "./zws-engine";

/** The settings of a {@link ZwsConnection}: a ZMTP connection's plus the WebSocket ones. */
export interface ZwsConnectionOptions extends ZmtpConnectionOptions {
  /**
   * Which end of the WebSocket this is. The client (the side that connected)
   * sends the upgrade request and masks its frames; the server answers.
   * Independent of `asServer`, which is the mechanism's role.
   */
  role: "client" | "server";
  /** Client: the `Host` header, `host:port`. Default `localhost`. */
  host?: string;
  /** Client: the request path. Default `/`. */
  path?: string;
  /**
   * Client: the subprotocols to offer, in order. Default as libzmq:
   * `ZWS2.0/NULL,ZWS2.0` for NULL, `ZWS2.0/<MECHANISM>` otherwise. `["ZWS2.0"]`
   * behaves like a browser.
   */
  protocols?: readonly string[];
  /** Client: extra request headers, e.g. `[["Origin", "http://x"]]`. */
  headers?: readonly (readonly [string, string])[];
  /** Randomness for the handshake key and the masking keys. Default `crypto.getRandomValues`. */
  random?: RandomFill;
  /** Bound on the HTTP header block read during the upgrade. Default 8192 bytes. */
  maxHeaderSize?: number;
}

/** Normal closure (RFC 6455 §7.4.1). */
const CLOSE_NORMAL = Uint8Array.of(0x03, 0xe8);
/** Bodies up to this size are copied into a shared slab with their header. */
const COPY_THRESHOLD = 1024;
const SLAB_SIZE = 16 * 1024;

/** One ZWS 2.0 connection over a byte stream (see the module doc). */
export class ZwsConnection {
  /** This side's socket type. */
  readonly socketType: ZmtpConnectionOptions["socketType"];
  /** Which end of the WebSocket this is (the client sent the upgrade request). */
  readonly role: "client" | "server";
  readonly #handler: ZmtpConnectionHandler;
  readonly #engine: ZwsEngine;
  readonly #decoder: WsFrameDecoder;
  readonly #random: RandomFill;
  readonly #allocateSlab: Allocate;
  readonly #options: ZwsConnectionOptions;
  #state: ZmtpConnectionState = "idle";
  #head: HttpHeadReader | undefined;
  #key = "";
  #offered: readonly string[] = [];
  #out: Uint8Array[] = [];
  #slab: Uint8Array | undefined;
  #slabStart = 0;
  #slabEnd = 0;
  #pendingBytes = 0;
  #now = 0;
  #opened = false;
  #maskPool: Uint8Array | undefined;
  #maskAt = 0;

  /**
   * An idle connection; `start(now)` begins it.
   *
   * @throws WireError `EINVAL` for metadata or request headers that cannot be encoded.
   */
  constructor(handler: ZmtpConnectionHandler, options: ZwsConnectionOptions) {
    this.#handler = handler;
    this.#options = options;
    this.socketType = options.socketType;
    this.role = options.role;
    this.#random = options.random ?? defaultRandomFill;
    this.#allocateSlab = options.allocateSlab ?? allocateZeroed;
    const max = options.maxMessageSize;
    this.#engine = new ZwsEngine(
      {
        handshake: (peer) => {
          this.#state = "ready";
          handler.handshake(peer);
        },
        message: (frames) => handler.message(frames),
        command: (command) => handler.command?.(command),
        error: (error) => this.#onEngineError(error),
        wake: () => handler.wake?.(),
      },
      {
        message: (flags, body) => this.#writeMessage(flags, body),
        ping: () => this.#writeControl(WsOpcode.PING, new Uint8Array(0)),
        pause: () => this.#decoder.pause(),
        resume: () => {
          const error = this.#decoder.resume();
          if (error) this.#engine.fail(error);
        },
      },
      options,
    );
    this.#decoder = new WsFrameDecoder(
      {
        message: (payload) => this.#engine.receive(payload, this.#now),
        control: (opcode, payload) => this.#onControl(opcode, payload),
      },
      {
        expectMasked: options.role === "server",
        allocate: options.allocate ?? allocateZeroed,
        // The limit is on the ZMTP frame body; the WebSocket payload adds the flag byte.
        ...(max !== undefined && max >= 0 && { maxMessageSize: max + 1 }),
      },
    );
  }

  /** Where the connection is; "greeting" covers the HTTP upgrade. */
  get state(): ZmtpConnectionState {
    return this.#state;
  }

  /** The peer, once the handshake is complete. */
  get peer(): PeerInfo | undefined {
    return this.#engine.peer;
  }

  /** The negotiated subprotocol (`ZWS2.0/NULL`, `ZWS2.0`, …) once the upgrade is done. */
  get protocol(): string {
    return this.#engine.protocol;
  }

  /** True while delivery is paused by a `message` handler that returned false. */
  get paused(): boolean {
    return this.#decoder.paused;
  }

  /** Starts at `now`: a client queues its upgrade request; a server waits for one. */
  start(now: number): void {
    if (this.#state !== "idle") return;
    this.#now = now;
    this.#state = "greeting";
    this.#head = new HttpHeadReader(this.#options.maxHeaderSize);
    this.#engine.arm(now);
    if (this.role === "client") {
      const nonce = new Uint8Array(16);
      this.#random(nonce);
      this.#key = base64Encode(nonce);
      this.#offered = this.#options.protocols ?? zwsOfferedProtocols(this.#engine.mechanismName);
      let request: Uint8Array;
      try {
        request = encodeUpgradeRequest({
          host: this.#options.host ?? "localhost",
          path: this.#options.path ?? "/",
          key: this.#key,
          protocols: this.#offered,
          ...(this.#options.headers !== undefined && { headers: this.#options.headers }),
        });
      } catch (error) {
        this.#fail(error as WireError);
        return;
      }
      this.#push(request);
    }
  }

  /** Bytes arrived from the peer at time `now` (ms); handler events fire synchronously. */
  receive(chunk: Uint8Array, now: number): void {
    if (this.#state === "closed" || this.#state === "idle") return;
    this.#now = now;
    if (this.#state === "greeting") {
      const result = this.#head!.push(chunk);
      if (result.status === "partial") return;
      if (result.status === "error") {
        this.#fail(result.error);
        return;
      }
      this.#head = undefined;
      let protocol: string;
      if (this.role === "server") {
        const request = checkUpgradeRequest(result.head, this.#engine.mechanismName);
        if (request instanceof WireError) {
          this.#fail(request);
          return;
        }
        protocol = request.protocol;
        this.#push(encodeUpgradeResponse(request.key, protocol));
      } else {
        const chosen = checkUpgradeResponse(result.head, this.#key, this.#offered);
        if (chosen instanceof WireError) {
          this.#fail(chosen);
          return;
        }
        protocol = chosen;
      }
      this.#opened = true;
      this.#state = "handshake";
      this.#engine.begin(protocol, now);
      if (this.#isClosed() || result.rest.length === 0) return;
      chunk = result.rest;
    }
    const error = this.#decoder.push(chunk);
    if (error && !this.#isClosed()) this.#engine.fail(error);
  }

  /**
   * Memory the transport may read the next bytes straight into (the rest of a
   * large message being received), or `undefined`; see
   * `WsFrameDecoder.readTarget`. Pass `receive` a view of what was written there.
   */
  readTarget(): Uint8Array | undefined {
    if (this.#state !== "handshake" && this.#state !== "ready") return undefined;
    return this.#decoder.readTarget();
  }

  /** Continues delivering messages after a `message` handler returned false. */
  resume(): void {
    if (this.#state === "closed" || this.#engine.waiting) return;
    const error = this.#decoder.resume();
    if (error && !this.#isClosed()) this.#engine.fail(error);
  }

  /**
   * Queues one multipart message for the peer.
   *
   * @throws WireError `EPROTO` before the handshake is complete or after close.
   */
  send(frames: readonly Uint8Array[]): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    this.#engine.send(frames);
  }

  /**
   * Queues one command (e.g. JOIN or LEAVE) for the peer.
   *
   * @throws WireError `EPROTO` before the handshake is complete or after close.
   */
  sendCommand(body: Uint8Array): void {
    if (this.#state !== "ready") {
      throw new WireError("EPROTO", "invalid-argument", `cannot send in state ${this.#state}`);
    }
    this.#engine.sendCommand(body);
  }

  /** True when there are bytes waiting for `takeOutput`. */
  get hasOutput(): boolean {
    return this.#out.length > 0 || this.#slabEnd > this.#slabStart;
  }

  /** Bytes not yet taken by `takeOutput`. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** The bytes to write to the peer, in order; empty when there are none. */
  takeOutput(): Uint8Array[] {
    this.#sealSlab();
    const out = this.#out;
    this.#out = [];
    this.#pendingBytes = 0;
    return out;
  }

  /** When `tick` should next be called (same clock as `now`), or undefined for never. */
  nextTimeout(): number | undefined {
    if (this.#state === "closed" || this.#state === "idle") return undefined;
    return this.#engine.nextTimeout();
  }

  /** Advances time to `now`: handshake timeout, PINGs, heartbeat expiry. */
  tick(now: number): void {
    if (this.#state === "closed" || this.#state === "idle") return;
    this.#now = now;
    this.#engine.tick(now);
  }

  /**
   * Ends the connection locally; no events follow. Once the upgrade is done, a
   * close frame (1000) is queued: write `takeOutput()` before ending the stream
   * to close the WebSocket cleanly (libzmq does not need it).
   */
  close(): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#opened;
    this.#state = "closed";
    this.#engine.close();
    if (wasOpen) this.#writeControl(WsOpcode.CLOSE, CLOSE_NORMAL);
  }

  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #fail(error: WireError): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#engine.close();
    this.#handler.error(error);
  }

  #onEngineError(error: WireError): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#handler.error(error);
  }

  #onControl(opcode: WsControlOpcode, payload: Uint8Array): boolean {
    if (this.#isClosed()) return false;
    this.#engine.traffic(this.#now);
    if (opcode === WsOpcode.PING) {
      // RFC 6455 §5.5.3: the pong carries the ping's payload (libzmq's are empty).
      this.#writeControl(WsOpcode.PONG, payload);
      return true;
    }
    if (opcode === WsOpcode.PONG) {
      this.#engine.pong(this.#now);
      return true;
    }
    // Close: echo it (as libzmq does), then the connection is over.
    this.#writeControl(WsOpcode.CLOSE, payload.slice());
    const code = payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : undefined;
    this.#engine.fail(
      new WireError(
        "ECONNRESET",
        "peer-closed",
        `peer closed the WebSocket${code === undefined ? "" : ` (code ${code})`}`,
      ),
    );
    return false;
  }

  /** A fresh masking key (client only), drawn from a pool refilled 1 KiB at a time. */
  #mask(): Uint8Array | undefined {
    if (this.role !== "client") return undefined;
    let pool = this.#maskPool;
    if (pool === undefined || this.#maskAt + 4 > pool.length) {
      pool = new Uint8Array(1024);
      this.#random(pool);
      this.#maskPool = pool;
      this.#maskAt = 0;
    }
    const at = this.#maskAt;
    this.#maskAt = at + 4;
    return pool.subarray(at, at + 4);
  }

  #writeControl(opcode: number, payload: Uint8Array): void {
    this.#sealSlab();
    for (const chunk of encodeWsFrame(opcode, [payload], this.#mask())) this.#push(chunk);
  }

  /** One ZWS message: WebSocket header, flag byte, body. */
  #writeMessage(flags: number, body: Uint8Array): void {
    const length = body.length + 1;
    const mask = this.#mask();
    const headerSize = wsHeaderSize(length, mask !== undefined);
    if (body.length <= COPY_THRESHOLD) {
      const need = headerSize + length;
      let slab = this.#slab;
      if (slab === undefined || slab.length - this.#slabEnd < need) {
        this.#sealSlab();
        slab = this.#allocateSlab(Math.max(SLAB_SIZE, need));
        this.#slab = slab;
        this.#slabStart = 0;
        this.#slabEnd = 0;
      }
      let at = writeWsHeader(slab, this.#slabEnd, WsOpcode.BINARY, length, mask);
      const start = at;
      slab[at++] = flags;
      slab.set(body, at);
      at += body.length;
      if (mask !== undefined) maskRange(slab, start, at, mask);
      this.#pendingBytes += at - this.#slabEnd;
      this.#slabEnd = at;
      return;
    }
    this.#sealSlab();
    if (mask === undefined) {
      const header = new Uint8Array(headerSize + 1);
      writeWsHeader(header, 0, WsOpcode.BINARY, length);
      header[headerSize] = flags;
      this.#push(header);
      this.#push(body);
      return;
    }
    const out = this.#allocateSlab(headerSize + length);
    const start = writeWsHeader(out, 0, WsOpcode.BINARY, length, mask);
    out[start] = flags;
    out.set(body, start + 1);
    maskRange(out, start, out.length, mask);
    this.#push(out);
  }

  #push(chunk: Uint8Array): void {
    this.#sealSlab();
    this.#out.push(chunk);
    this.#pendingBytes += chunk.length;
  }

  /** Moves the filled part of the slab to the output. */
  #sealSlab(): void {
    const slab = this.#slab;
    if (slab === undefined || this.#slabEnd === this.#slabStart) return;
    this.#out.push(slab.subarray(this.#slabStart, this.#slabEnd));
    this.#slabStart = this.#slabEnd;
  }
}
