/**
 * A `Runtime` driven by hand, for tests: time moves only in `advance`, deferred
 * callbacks run only in `flush` (and around each timer `advance` fires), frames
 * stay `Uint8Array`s. No sleeps: a test of a 30 s handshake timeout takes
 * microseconds.
 */
import { plainFrames, type Runtime } from "./runtime";

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A {@link Runtime} whose clock and deferred callbacks move only when the test
 * says so (`advance`, `flush`); frames stay `Uint8Array`s.
 */
export class ManualRuntime implements Runtime {
  #time: number;
  #seq = 0;
  #timers: Timer[] = [];
  #deferred: Array<() => void> = [];
  #holds = 0;
  readonly toMessage = plainFrames.toMessage;
  readonly encodeString = plainFrames.encodeString;

  /**
   * A runtime whose clock stands at `start`.
   * @param start - the initial `now()`, in milliseconds.
   */
  constructor(start = 0) {
    this.#time = start;
  }

  now(): number {
    return this.#time;
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer: Timer = {
      at: this.#time + Math.max(0, ms),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  defer(callback: () => void): void {
    this.#deferred.push(callback);
  }

  keepAlive(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
    };
  }

  /** How many keep-alives are held (pending operations that would keep a process alive). */
  get holds(): number {
    return this.#holds;
  }

  /** Timers not fired or cancelled yet. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** When the next timer fires, or undefined when none is pending. */
  get nextTimerAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.#timers) if (!t.cancelled && (at === undefined || t.at < at)) at = t.at;
    return at;
  }

  /**
   * Runs deferred callbacks, and those they defer in turn, until none is left.
   * Throws after `limit` callbacks (a loop that never settles).
   */
  flush(limit = 100_000): number {
    let ran = 0;
    while (this.#deferred.length > 0) {
      const batch = this.#deferred;
      this.#deferred = [];
      for (const callback of batch) {
        if (++ran > limit) throw new Error(`ManualRuntime.flush: more than ${limit} callbacks`);
        callback();
      }
    }
    return ran;
  }

  /** Moves time forward by `ms`, firing due timers in order, flushing deferred work around each. */
  advance(ms: number): void {
    const target = this.#time + ms;
    this.flush();
    for (;;) {
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      let next: Timer | undefined;
      for (const t of this.#timers) {
        if (t.at > target) continue;
        if (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq)) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.#time = next.at;
      next.cancelled = true;
      next.callback();
      this.flush();
    }
    this.#time = target;
  }
}
