/**
 * Injected time. Everything time-based in this package (pipe linger) goes through a
 * `Scheduler`, so tests can drive time by hand with `ManualScheduler`.
 */
export interface Scheduler {
  /** Current time in milliseconds. */
  now(): number;
  /** Run `callback` once after `ms` milliseconds; the returned function cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

/** The default scheduler: `Date.now` and the global `setTimeout`. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};
