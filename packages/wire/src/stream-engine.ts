/**
 * The shape shared by the byte-stream engines, `ZmtpConnection` (tcp, ipc)
 * and `ZwsConnection` (ws, wss): a session holds a `StreamEngine` and drives
 * either the same way.
 */
import type { PeerInfo, ZmtpConnectionState } from "./connection";

export interface StreamEngine {
  readonly state: ZmtpConnectionState;
  readonly peer: PeerInfo | undefined;
  readonly paused: boolean;
  readonly hasOutput: boolean;
  start(now: number): void;
  receive(chunk: Uint8Array, now: number): void;
  resume(): void;
  send(frames: readonly Uint8Array[]): void;
  sendCommand(body: Uint8Array): void;
  takeOutput(): Uint8Array[];
  nextTimeout(): number | undefined;
  tick(now: number): void;
  close(): void;
}
