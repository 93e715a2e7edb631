/**
 * A fake byte-stream transport (`fake://name`) for unit tests of sessions and
 * endpoints on a `ManualRuntime`: bytes move between the two ends only when the
 * runtime's deferred work runs, and a test can hang connects, refuse them,
 * black-hole a link, report a full OS buffer (`write` → false) or cut the line.
 */
import type {
  ConnectOptions,
  Listener,
  StreamConnection,
  StreamHandler,
  Transport,
  TransportError as TransportErrorType,
} from "@zmq/transport";
import { TransportError } from "@zmq/transport";
import type { ManualRuntime } from "../src/index";

export class FakeStream implements StreamConnection {
  readonly kind = "stream" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  readonly remoteAddress = "fake-peer";
  peer!: FakeStream;
  handler: StreamHandler | undefined;
  /** Bytes written by this end, in order. */
  readonly written: Uint8Array[] = [];
  /** Chunks waiting for this end's handler (not set yet, or paused). */
  readonly #inbox: Uint8Array[] = [];
  paused = false;
  /** What `write` returns (false: the OS buffer is full; call `drain()` later). */
  writable = true;
  /** Bytes written here are lost (a peer that went silent). */
  blackhole = false;
  ended = false;
  closed = false;
  #peerEnded = false;
  readonly #runtime: ManualRuntime;

  constructor(runtime: ManualRuntime, endpoint: string) {
    this.#runtime = runtime;
    this.localEndpoint = endpoint;
    this.remoteEndpoint = endpoint;
  }

  setHandler(handler: StreamHandler): void {
    this.handler = handler;
    this.#runtime.defer(() => this.#deliver());
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed || this.ended) return false;
    for (const chunk of chunks) {
      const copy = chunk.slice();
      this.written.push(copy);
      if (!this.blackhole) this.peer.#inbox.push(copy);
    }
    const peer = this.peer;
    this.#runtime.defer(() => peer.#deliver());
    return this.writable;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.#runtime.defer(() => this.#deliver());
  }

  end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    const peer = this.peer;
    this.#runtime.defer(() => {
      peer.#peerEnded = true;
      peer.#deliver();
    });
  }

  destroy(error?: TransportErrorType): void {
    this.#close(error);
    const peer = this.peer;
    this.#runtime.defer(() => peer.#close(undefined));
  }

  /** The OS buffer emptied: tell the handler. */
  drain(): void {
    this.writable = true;
    this.handler?.drain();
  }

  /** All bytes this end wrote, joined. */
  get bytes(): Uint8Array {
    const total = this.written.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.written) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Bytes arriving from outside (a hand-written peer). */
  inject(bytes: Uint8Array): void {
    this.#inbox.push(bytes);
    this.#runtime.defer(() => this.#deliver());
  }

  #deliver(): void {
    const handler = this.handler;
    if (handler === undefined || this.closed) return;
    while (!this.paused && this.#inbox.length > 0 && !this.closed) {
      handler.data(this.#inbox.shift()!);
    }
    if (this.#peerEnded && this.#inbox.length === 0 && !this.closed) {
      this.#peerEnded = false;
      handler.end();
    }
  }

  #close(error: TransportErrorType | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.handler?.close(error);
  }
}

class FakeListener implements Listener<StreamConnection> {
  readonly endpoint: string;
  #onConnection: ((connection: StreamConnection) => void) | undefined;
  readonly #held: StreamConnection[] = [];
  constructor(
    endpoint: string,
    readonly close: () => Promise<void>,
  ) {
    this.endpoint = endpoint;
  }
  onConnection(callback: (connection: StreamConnection) => void): void {
    this.#onConnection = callback;
    for (const c of this.#held.splice(0)) callback(c);
  }
  onError(): void {}
  accept(connection: StreamConnection): void {
    if (this.#onConnection) this.#onConnection(connection);
    else this.#held.push(connection);
  }
}

export type ConnectMode = "normal" | "hang" | "refuse";

export class FakeTransport implements Transport<StreamConnection> {
  readonly scheme = "fake";
  readonly kind = "stream" as const;
  readonly #runtime: ManualRuntime;
  readonly #listeners = new Map<string, FakeListener>();
  /** How the next connects behave. */
  mode: ConnectMode = "normal";
  /** Every connect attempt, in order, with its signal. */
  readonly attempts: Array<{ endpoint: string; signal: AbortSignal | undefined }> = [];
  /** The client ends of the connections made. */
  readonly clients: FakeStream[] = [];
  /** The server ends of the connections made. */
  readonly servers: FakeStream[] = [];

  constructor(runtime: ManualRuntime) {
    this.#runtime = runtime;
  }

  checkEndpoint(endpoint: string): void {
    if (!endpoint.startsWith("fake://") || endpoint.length === 7) {
      throw new TransportError("EINVAL", `bad fake endpoint ${endpoint}`, endpoint);
    }
  }

  async bind(endpoint: string): Promise<Listener<StreamConnection>> {
    this.checkEndpoint(endpoint);
    if (this.#listeners.has(endpoint)) {
      throw new TransportError("EADDRINUSE", "in use", endpoint);
    }
    const listener = new FakeListener(endpoint, async () => {
      this.#listeners.delete(endpoint);
    });
    this.#listeners.set(endpoint, listener);
    return listener;
  }

  connect(endpoint: string, options: ConnectOptions = {}): Promise<StreamConnection> {
    this.attempts.push({ endpoint, signal: options.signal });
    const listener = this.#listeners.get(endpoint);
    if (this.mode === "hang") {
      return new Promise((_resolve, reject) => {
        options.signal?.addEventListener("abort", () =>
          reject(new TransportError("ECANCELED", "aborted", endpoint)),
        );
      });
    }
    if (this.mode === "refuse" || listener === undefined) {
      return Promise.reject(new TransportError("ECONNREFUSED", "refused", endpoint));
    }
    const client = new FakeStream(this.#runtime, endpoint);
    const server = new FakeStream(this.#runtime, endpoint);
    client.peer = server;
    server.peer = client;
    this.clients.push(client);
    this.servers.push(server);
    listener.accept(server);
    return Promise.resolve(client);
  }
}

/** Runs deferred work and pending promise callbacks until both are quiet. */
export async function settle(runtime: ManualRuntime, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    runtime.flush();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.resolve();
  }
}
