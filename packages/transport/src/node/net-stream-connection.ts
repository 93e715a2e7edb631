import type { Socket } from "node:net";
import {
  type StreamConnection,
  type StreamHandler,
  type TransportError,
  toTransportError,
} from "../index";
import type { DirectReadSink, DirectReads } from "./direct-reads";

/**
 * A `StreamConnection` over a connected `net.Socket` (TCP or Unix domain).
 * Chunks go from the socket's `data` event straight to the handler, uncopied.
 * The socket must be half-open capable (`allowHalfOpen: true`) so that a
 * peer's FIN is reported as `end()` rather than closing our side.
 *
 * A socket created with `DirectReads`' `onread` (pass the same `DirectReads`
 * here) is read through it instead: into slabs, or straight into the memory the
 * handler's `readTarget()` names.
 */
export class NetStreamConnection implements StreamConnection, DirectReadSink {
  readonly kind = "stream" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  readonly remoteAddress: string;

  readonly #socket: Socket;
  #handler: StreamHandler | undefined;
  #error: TransportError | undefined;
  #closed = false;
  #closeReported = false;
  readonly #reads: DirectReads | undefined;
  /** `pause()` was called (and no `resume()` since). */
  #paused = false;
  /** Chunks read through `onread` while paused. */
  readonly #held: Buffer[] = [];

  constructor(
    socket: Socket,
    localEndpoint: string,
    remoteEndpoint: string,
    remoteAddress: string,
    reads?: DirectReads,
  ) {
    this.#socket = socket;
    this.#reads = reads;
    // Nothing is read until a handler is set (a data listener does that otherwise).
    if (reads !== undefined) socket.pause();
    this.localEndpoint = localEndpoint;
    this.remoteEndpoint = remoteEndpoint;
    this.remoteAddress = remoteAddress;
    socket.on("error", (error) => {
      this.#error ??= toTransportError(error, remoteEndpoint);
    });
    socket.on("close", () => {
      this.#closed = true;
      const handler = this.#handler;
      if (handler !== undefined && !this.#closeReported) {
        this.#closeReported = true;
        handler.close(this.#error);
      }
    });
  }

  setHandler(handler: StreamHandler): void {
    const first = this.#handler === undefined;
    this.#handler = handler;
    if (this.#closed) {
      if (!this.#closeReported) {
        this.#closeReported = true;
        queueMicrotask(() => handler.close(this.#error));
      }
      return;
    }
    if (!first) return;
    const socket = this.#socket;
    socket.on("end", () => this.#handler!.end());
    socket.on("drain", () => this.#handler!.drain());
    const reads = this.#reads;
    if (reads === undefined) {
      // Attaching 'data' starts the flow unless pause() was called before.
      socket.on("data", (chunk: Buffer) => this.#handler!.data(chunk));
      return;
    }
    reads.attach(this);
    // Flowing (for 'end') and reading, unless the handler paused meanwhile.
    if (!this.#paused) socket.resume();
  }

  /** @internal DirectReadSink: bytes read through `onread`. */
  read(chunk: Buffer): boolean {
    // A read can land after pause() (Node restarts reading on a deferred resume):
    // it waits for resume(), and reading stops.
    if (this.#paused || this.#held.length > 0) {
      this.#held.push(chunk);
      return false;
    }
    this.#handler!.data(chunk);
    return true;
  }

  /** @internal DirectReadSink: where the handler wants the next bytes. */
  target(): Uint8Array | undefined {
    const handler = this.#handler;
    return handler === undefined || this.#closed ? undefined : handler.readTarget?.();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const socket = this.#socket;
    if (!socket.writable) return false;
    const n = chunks.length;
    if (n === 1) return socket.write(chunks[0]!);
    let ok = true;
    socket.cork();
    for (let i = 0; i < n; i++) {
      const chunk = chunks[i]!;
      if (chunk.length > 0) ok = socket.write(chunk);
    }
    // uncork hands every corked chunk to one writev.
    socket.uncork();
    return ok;
  }

  pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#reads !== undefined) {
      const handler = this.#handler;
      if (handler === undefined) return; // setHandler resumes
      while (this.#held.length > 0 && !this.#paused) handler.data(this.#held.shift()!);
      if (this.#paused) return;
    }
    this.#socket.resume();
  }

  end(): void {
    if (!this.#socket.writableEnded) this.#socket.end();
  }

  destroy(error?: TransportError): void {
    if (error !== undefined) this.#error ??= error;
    this.#socket.destroy();
  }
}
