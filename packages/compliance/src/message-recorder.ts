import type { MessageHandler, TransportError } from "@zmq/transport";
import { Waiters } from "./waiters";

/** A `MessageHandler` that records what it sees, for tests. */
export class MessageRecorder implements MessageHandler {
  /** Every message, as delivered (not copied). */
  readonly messages: Uint8Array[][] = [];
  /** Event names in order: `message`, `drain`, `close`. */
  readonly events: string[] = [];
  drains = 0;
  closes = 0;
  closeError: TransportError | undefined;
  readonly #waiters = new Waiters();

  message(frames: Uint8Array[]): void {
    if (this.events[this.events.length - 1] !== "message") this.events.push("message");
    this.messages.push(frames);
    this.#waiters.check();
  }

  drain(): void {
    this.events.push("drain");
    this.drains++;
    this.#waiters.check();
  }

  close(error?: TransportError): void {
    this.events.push("close");
    this.closes++;
    this.closeError = error;
    this.#waiters.check();
  }

  /** Resolves once `predicate` holds (checked after every event); rejects after `timeout` ms. */
  until(predicate: (r: this) => boolean, what = "condition", timeout = 10_000): Promise<void> {
    return this.#waiters.until(() => predicate(this), what, timeout);
  }

  /** Resolves once at least `n` messages arrived. */
  untilMessages(n: number): Promise<void> {
    return this.until((r) => r.messages.length >= n, `${n} messages`);
  }

  /** Resolves once closed. */
  untilClose(): Promise<void> {
    return this.until((r) => r.closes > 0, "close");
  }
}
