import type { StreamHandler, TransportError } from "@zmq/transport";
import { Waiters } from "./waiters";

/** A `StreamHandler` that records what it sees, for tests. */
export class StreamRecorder implements StreamHandler {
  /** Every chunk, as delivered (not copied). */
  readonly chunks: Uint8Array[] = [];
  /** Event names in order: `data`, `drain`, `end`, `close`. */
  readonly events: string[] = [];
  length = 0;
  ends = 0;
  drains = 0;
  closes = 0;
  closeError: TransportError | undefined;
  readonly #waiters = new Waiters();

  data(chunk: Uint8Array): void {
    if (this.events[this.events.length - 1] !== "data") this.events.push("data");
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.#waiters.check();
  }

  drain(): void {
    this.events.push("drain");
    this.drains++;
    this.#waiters.check();
  }

  end(): void {
    this.events.push("end");
    this.ends++;
    this.#waiters.check();
  }

  close(error?: TransportError): void {
    this.events.push("close");
    this.closes++;
    this.closeError = error;
    this.#waiters.check();
  }

  /** Everything received so far, joined. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Resolves once `predicate` holds (checked after every event); rejects after `timeout` ms. */
  until(predicate: (r: this) => boolean, what = "condition", timeout = 10_000): Promise<void> {
    return this.#waiters.until(() => predicate(this), what, timeout);
  }

  /** Resolves once at least `n` bytes arrived. */
  untilBytes(n: number): Promise<void> {
    return this.until((r) => r.length >= n, `${n} bytes (have ${this.length})`);
  }

  /** Resolves once the peer half-closed. */
  untilEnd(): Promise<void> {
    return this.until((r) => r.ends > 0, "end");
  }

  /** Resolves once closed. */
  untilClose(): Promise<void> {
    return this.until((r) => r.closes > 0, "close");
  }
}
