/**
 * The shape shared by the byte-stream engines, `ZmtpConnection` (tcp, ipc)
 * and `ZwsConnection` (ws, wss): a session holds a `StreamEngine` and drives
 * either the same way.
 */
import type { PeerInfo, ZmtpConnectionState } from "./connection";

/** A ZMTP engine over one byte stream, sans I/O: bytes in, bytes out, time passed in. */
export interface StreamEngine {
  /** Where the connection is: idle, greeting, handshake, ready or closed. */
  readonly state: ZmtpConnectionState;
  /** The peer, once the handshake is complete. */
  readonly peer: PeerInfo | undefined;
  /** True while delivery is paused by a `message` handler that returned false. */
  readonly paused: boolean;
  /** True when there are bytes waiting for `takeOutput`. */
  readonly hasOutput: boolean;
  /** Starts the connection at time `now` (ms, the owner's clock): queues what this side sends first. */
  start(now: number): void;
  /** Bytes arrived from the peer at time `now`; handler events fire synchronously. */
  receive(chunk: Uint8Array, now: number): void;
  /** Continues delivering messages after a `message` handler returned false. */
  resume(): void;
  /** Queues one multipart message for the peer (after the handshake only). */
  send(frames: readonly Uint8Array[]): void;
  /** Queues one command (e.g. JOIN or LEAVE) for the peer, after the handshake. */
  sendCommand(body: Uint8Array): void;
  /** The bytes to write to the peer, in order; empty when there are none. */
  takeOutput(): Uint8Array[];
  /** When `tick` should next be called (same clock as `now`), or undefined for never. */
  nextTimeout(): number | undefined;
  /** Advances time to `now`: handshake timeout, PINGs, heartbeat expiry. */
  tick(now: number): void;
  /** Ends the connection locally; no events follow. */
  close(): void;
}
