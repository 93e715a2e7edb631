import type { Listener, MessageConnection, TransportError } from "@zmq/transport";
import type { InprocContext } from "./inproc-context";
import { createInprocPipe, type InprocPipeEnd } from "./inproc-pipe";

/** A bound inproc name. Each connect creates a pipe; the bound end goes to `onConnection`. */
export class InprocListener implements Listener<MessageConnection> {
  readonly endpoint: string;
  readonly #name: string;
  readonly #context: InprocContext;
  readonly #highWaterMark: number;
  #onConnection: ((connection: MessageConnection) => void) | undefined;
  #held: InprocPipeEnd[] = [];
  #closed = false;

  constructor(name: string, context: InprocContext, highWaterMark: number) {
    this.#name = name;
    this.endpoint = `inproc://${name}`;
    this.#context = context;
    this.#highWaterMark = highWaterMark;
  }

  /** @internal Creates a pipe for a connecting peer and returns the peer's end. */
  accept(connectHighWaterMark: number): InprocPipeEnd {
    const { client, server } = createInprocPipe(
      this.endpoint,
      connectHighWaterMark,
      this.#highWaterMark,
    );
    const callback = this.#onConnection;
    if (callback === undefined) this.#held.push(server);
    else callback(server);
    return client;
  }

  onConnection(callback: (connection: MessageConnection) => void): void {
    this.#onConnection = callback;
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    for (const connection of held) callback(connection);
  }

  onError(_callback: (error: TransportError) => void): void {
    // inproc never fails to accept.
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#context.unregister(this.#name, this);
      for (const connection of this.#held) connection.close();
      this.#held = [];
    }
    return Promise.resolve();
  }
}
