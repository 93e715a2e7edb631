/**
 * The Paranoid Pirate Protocol's control frames (ZeroMQ RFC 6): a worker says
 * READY once per connection, and queue and worker exchange HEARTBEATs so each
 * notices when the other is gone. Requests and replies travel as
 * [client address, empty delimiter, body...].
 */
export const READY = Buffer.from([0x01]);
export const HEARTBEAT = Buffer.from([0x02]);

/** A single frame equal to `signal`. */
export function isSignal(frames: readonly Buffer[], signal: Buffer): boolean {
  return frames.length === 1 && frames[0]!.equals(signal);
}
