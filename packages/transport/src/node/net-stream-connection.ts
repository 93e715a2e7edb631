import type { Socket } from "node:net";
import {
  type StreamConnection,
  type StreamHandler,
  type TransportError,
  toTransportError,
} from "../index";

/**
 * A `StreamConnection` over a connected `net.Socket` (TCP or Unix domain).
 * Chunks go from the socket's `data` event straight to the handler, uncopied.
 * The socket must be half-open capable (`allowHalfOpen: true`) so that a
 * peer's FIN is reported as `end()` rather than closing our side.
 */
export class NetStreamConnection implements StreamConnection {
  readonly kind = "stream" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  readonly remoteAddress: string;

  readonly #socket: Socket;
  #handler: StreamHandler | undefined;
  #error: TransportError | undefined;
  #closed = false;
  #closeReported = false;

  constructor(
    socket: Socket,
    localEndpoint: string,
    remoteEndpoint: string,
    remoteAddress: string,
  ) {
    this.#socket = socket;
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
    // Attaching 'data' starts the flow unless pause() was called before.
    socket.on("data", (chunk: Buffer) => this.#handler!.data(chunk));
    socket.on("end", () => this.#handler!.end());
    socket.on("drain", () => this.#handler!.drain());
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
    this.#socket.pause();
  }

  resume(): void {
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
