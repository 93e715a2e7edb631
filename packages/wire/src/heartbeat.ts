/**
 * ZMTP 3.1 heartbeat timing (RFC 37 PING/PONG, as libzmq applies it), driven by
 * a clock the caller passes in. No timers inside: the owner asks for the next
 * deadline and calls `due(now)` when it passes.
 */

/** Settings of a {@link Heartbeat}; all default to 0 (off). */
export interface HeartbeatOptions {
  /** ZMQ_HEARTBEAT_IVL: send a PING this often (ms); 0 switches heartbeats off. */
  interval?: number;
  /** ZMQ_HEARTBEAT_TTL: asks the peer to drop us after this long without traffic (ms). */
  timeToLive?: number;
  /** ZMQ_HEARTBEAT_TIMEOUT: give up this long after a PING with no traffic back (ms); default: interval. */
  timeout?: number;
}

/** The largest TTL a PING can carry: 0xFFFF deciseconds. */
export const MAX_HEARTBEAT_TTL = 0xffff * 100;

/**
 * What {@link Heartbeat.due} asks of the owner: send a PING, close the connection
 * (the peer is silent past a timeout), or nothing.
 */
export type HeartbeatAction = "ping" | "expired" | undefined;

/**
 * The heartbeat state of one connection: when to send the next PING, when the
 * peer counts as gone (no traffic within `timeout` of a PING, or past the TTL the
 * peer's PING asked for).
 */
export class Heartbeat {
  /** Milliseconds between PINGs; 0 = none are sent. */
  readonly interval: number;
  /** Milliseconds after a PING without any traffic back before the peer counts as gone; 0 = never. */
  readonly timeout: number;
  /** The TTL put in our PINGs, in deciseconds. */
  readonly ttlDeciseconds: number;
  #nextPing: number | undefined;
  #silenceDeadline: number | undefined;
  #ttlDeadline: number | undefined;

  /** Negative values count as 0; the TTL is rounded down to deciseconds and capped at `MAX_HEARTBEAT_TTL`. */
  constructor(options: HeartbeatOptions = {}) {
    this.interval = Math.max(0, options.interval ?? 0);
    this.timeout = Math.max(0, options.timeout ?? this.interval);
    this.ttlDeciseconds = Math.min(0xffff, Math.floor(Math.max(0, options.timeToLive ?? 0) / 100));
  }

  /** The handshake is done at `now`: start the PING clock. */
  start(now: number): void {
    if (this.interval > 0) this.#nextPing = now + this.interval;
  }

  /** Any inbound bytes prove the peer alive: cancel both the PING timeout and the peer's TTL. */
  traffic(): void {
    this.#silenceDeadline = undefined;
    this.#ttlDeadline = undefined;
  }

  /** The peer sent a PING with `ttl` deciseconds: drop it if nothing else arrives within that. */
  peerPing(ttl: number, now: number): void {
    if (ttl > 0) this.#ttlDeadline = now + ttl * 100;
  }

  /** The earliest time at which `due` has something to do, if any. */
  nextDeadline(): number | undefined {
    // Called per message on a connection: compare in place, no array.
    let next = this.#nextPing;
    const silence = this.#silenceDeadline;
    if (silence !== undefined && (next === undefined || silence < next)) next = silence;
    const ttl = this.#ttlDeadline;
    if (ttl !== undefined && (next === undefined || ttl < next)) next = ttl;
    return next;
  }

  /**
   * What to do at `now`: "expired" when the peer has been silent past a timeout
   * or its TTL; "ping" when a PING is due (the next one is scheduled, and the
   * silence timeout is armed unless already running).
   */
  due(now: number): HeartbeatAction {
    if (
      (this.#silenceDeadline !== undefined && now >= this.#silenceDeadline) ||
      (this.#ttlDeadline !== undefined && now >= this.#ttlDeadline)
    ) {
      return "expired";
    }
    if (this.#nextPing !== undefined && now >= this.#nextPing) {
      this.#nextPing = now + this.interval;
      if (this.#silenceDeadline === undefined && this.timeout > 0) {
        this.#silenceDeadline = now + this.timeout;
      }
      return "ping";
    }
    return undefined;
  }
}
