const macrotask: (callback: () => void) => void =
  typeof setImmediate === "function"
    ? (callback) => setImmediate(callback)
    : (callback) => setTimeout(callback, 0);

/** After this many microtask deliveries in a row, one goes through a macrotask so I/O and timers run. */
const BURST = 1024;
let burst = 0;

/**
 * Runs `callback` soon: as a microtask (fast, and batches everything sent in
 * the same tick), but every `BURST`th time as a macrotask, so two sockets that
 * answer each other forever cannot starve the event loop.
 */
export function schedule(callback: () => void): void {
  if (++burst < BURST) {
    queueMicrotask(callback);
  } else {
    burst = 0;
    macrotask(callback);
  }
}
