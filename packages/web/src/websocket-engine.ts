/**
 * The wire engine of a WHATWG WebSocket connection: `ZwsEngine` (ZWS 2.0 over
 * whole messages, from `@zmq/wire`) behind the socket layer's `WireEngine`
 * seam. Each chunk the connection delivers is one WebSocket message and each
 * chunk it writes becomes one, so "bytes in/out" are messages here.
 *
 * A page cannot send WebSocket pings, so heartbeats are off (`ZMQ_HEARTBEAT_*`
 * have no effect); the browser answers the server's pings itself.
 */
import type { EngineFactory, WireEngine } from "@zmq/socket";
import type { StreamConnection } from "@zmq/transport";
import {
  type PeerInfo,
  WireError,
  type ZmtpConnectionHandler,
  type ZmtpConnectionOptions,
  type ZmtpConnectionState,
  ZwsEngine,
} from "@zmq/wire";

class WebSocketEngine implements WireEngine {
  readonly #zws: ZwsEngine;
  readonly #protocol: string;
  #out: Uint8Array[] = [];

  constructor(handler: ZmtpConnectionHandler, options: ZmtpConnectionOptions, protocol: string) {
    this.#protocol = protocol;
    const { allocate: _a, allocateSlab: _s, ...rest } = options;
    this.#zws = new ZwsEngine(
      handler,
      {
        message: (flags, body) => {
          const message = new Uint8Array(body.length + 1);
          message[0] = flags;
          message.set(body, 1);
          this.#out.push(message);
        },
        ping: () => {},
        pause: () => {},
        resume: () => handler.wake?.(),
      },
      { ...rest, heartbeatInterval: 0 },
    );
  }

  get state(): ZmtpConnectionState {
    return this.#zws.state;
  }

  get peer(): PeerInfo | undefined {
    return this.#zws.peer;
  }

  get paused(): boolean {
    return this.#zws.waiting;
  }

  start(now: number): void {
    this.#zws.begin(this.#protocol, now);
  }

  receive(chunk: Uint8Array, now: number): void {
    this.#zws.receive(chunk, now);
  }

  resume(): void {}

  send(frames: readonly Uint8Array[]): void {
    this.#zws.send(frames);
  }

  sendCommand(body: Uint8Array): void {
    this.#zws.sendCommand(body);
  }

  get hasOutput(): boolean {
    return this.#out.length > 0;
  }

  takeOutput(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  nextTimeout(): number | undefined {
    return this.#zws.nextTimeout();
  }

  tick(now: number): void {
    this.#zws.tick(now);
  }

  close(): void {
    this.#zws.close();
  }
}

/** The engine factory of `ws`/`wss` connections made by `WebSocketTransport`. */
export const webSocketEngine: EngineFactory = (handler, options, connection: StreamConnection) => {
  const protocol = (connection as { protocol?: unknown }).protocol;
  if (typeof protocol !== "string") {
    throw new WireError("EPROTO", "invalid-argument", "not a WebSocket connection");
  }
  return new WebSocketEngine(handler, options, protocol);
};
