import type { Scheduler } from "./scheduler";

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** A fake clock for tests: timers fire only when `advance` moves time past them. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  /**
   * A clock standing still at `start`.
   * @param start - the initial `now()` in milliseconds.
   */
  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer: Timer = {
      at: this.time + Math.max(0, ms),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Number of timers still waiting to fire. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: Timer | undefined;
      for (const t of this.timers) {
        if (
          t.at <= target &&
          (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))
        ) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.time = next.at;
      next.cancelled = true;
      next.callback();
    }
    this.time = target;
  }
}
