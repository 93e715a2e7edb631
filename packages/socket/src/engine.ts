/**
 * The seam between a stream session and its wire engine. A session runs one
 * engine per byte-stream connection and talks to it only through `WireEngine`:
 * bytes in (`receive`), messages and commands out (`send`, `sendCommand`), bytes
 * to write (`takeOutput`), and a deadline to keep (`nextTimeout`/`tick`). The
 * engine calls the session back through `ZmtpConnectionHandler` (`handshake`,
 * `message`, `command`, `error`, `wake`).
 *
 * Which engine runs is chosen per transport scheme: ZMTP 3.1 (`ZmtpConnection`)
 * unless the context's binding names another factory for that scheme (a ZWS 2.0
 * engine for `ws://`, which frames the same messages over WebSocket). Both have
 * the same sans-I/O shape, so sessions, endpoints and sockets stay unchanged.
 */
import type { ReadReuse, StreamConnection } from "@zmq/transport";
import {
  type PeerInfo,
  ZmtpConnection,
  type ZmtpConnectionHandler,
  type ZmtpConnectionOptions,
  type ZmtpConnectionState,
} from "@zmq/wire";

/** What a session needs of a wire engine (the shape of `ZmtpConnection`). */
export interface WireEngine {
  /** Where the connection is: idle (not started), greeting, handshake, ready, or closed. */
  readonly state: ZmtpConnectionState;
  /** The peer's socket type and metadata, once the handshake is done. */
  readonly peer: PeerInfo | undefined;
  /** Input is paused: a `message` callback returned false; `resume()` continues. */
  readonly paused: boolean;
  /** Queues the greeting; `now` is the runtime's clock (ms). */
  start(now: number): void;
  /** Bytes from the connection. */
  receive(chunk: Uint8Array, now: number): void;
  /**
   * Memory the next bytes from the connection may be read straight into (the
   * rest of a large frame body), or `undefined`; `receive` then gets a view of
   * what was written there and takes it without a copy.
   */
  readTarget?(): Uint8Array | undefined;
  /**
   * Whether the connection may read over memory it handed to `receive` before
   * (`StreamHandler.readReuse`); absent means never.
   */
  readReuse?(): ReadReuse;
  /** Continues decoding after backpressure. */
  resume(): void;
  /** Encodes one message (after the handshake). */
  send(frames: readonly Uint8Array[]): void;
  /** Encodes one command body (JOIN/LEAVE …). */
  sendCommand(body: Uint8Array): void;
  /** Whether `takeOutput` has bytes to hand out. */
  readonly hasOutput: boolean;
  /** The bytes to write, as chunks for one vectored write. */
  takeOutput(): Uint8Array[];
  /**
   * Set when the engine reuses memory it handed out (CURVE's sealed frames): the
   * session calls it with the chunks of one `takeOutput()` once the connection
   * reports them written. Undefined when the engine has no use for that.
   */
  readonly written?: ((chunks: readonly Uint8Array[]) => void) | undefined;
  /** When `tick` must run next (handshake or heartbeat deadline), or undefined. */
  nextTimeout(): number | undefined;
  /** Runs the deadlines due at `now` (ms): handshake timeout, heartbeat PING/expiry. */
  tick(now: number): void;
  /** Stops the engine (state `"closed"`); partial input is dropped. */
  close(): void;
}

/**
 * Builds the engine of one connection. `connection` is the byte stream it will
 * run over (a ws engine reads its role, host and path from it).
 */
export type EngineFactory = (
  handler: ZmtpConnectionHandler,
  options: ZmtpConnectionOptions,
  connection: StreamConnection,
) => WireEngine;

/** ZMTP 3.1: the engine of tcp and ipc (and any scheme a binding does not map). */
export const zmtpEngine: EngineFactory = (handler, options) => new ZmtpConnection(handler, options);
