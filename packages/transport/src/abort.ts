import { abortError } from "./transport-error";

/** Throws ECANCELED when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, address: string): void {
  if (signal?.aborted) throw abortError(address, signal.reason);
}

/**
 * Calls `callback` once when `signal` aborts. Returns the function that removes
 * the listener again (call it when the operation settles, so nothing leaks).
 */
export function onAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
  if (signal === undefined) return noop;
  signal.addEventListener("abort", callback, { once: true });
  return () => signal.removeEventListener("abort", callback);
}

function noop(): void {}
