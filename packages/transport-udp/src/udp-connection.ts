import type { RemoteInfo, Socket } from "node:dgram";
import { type DatagramConnection, type DatagramHandler, toTransportError } from "@zmq/transport";
import { formatPeer, parsePeer } from "./udp-address";

/** A `node:dgram` socket as a `DatagramConnection`. */
export class UdpConnection implements DatagramConnection {
  readonly kind = "datagram" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  readonly maxDatagramSize: number;
  readonly #socket: Socket;
  readonly #destination: { address: string; port: number } | undefined;
  #handler: DatagramHandler | undefined;
  #dropped = 0;
  #paused = false;
  #closed = false;
  #closeNotified = false;

  constructor(
    socket: Socket,
    localEndpoint: string,
    destination: { address: string; port: number; endpoint: string } | undefined,
    maxDatagramSize: number,
  ) {
    this.#socket = socket;
    this.localEndpoint = localEndpoint;
    this.remoteEndpoint = destination?.endpoint ?? "";
    this.#destination = destination;
    this.maxDatagramSize = maxDatagramSize;
    socket.on("message", this.#onMessage);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
  }

  get droppedDatagrams(): number {
    return this.#dropped;
  }

  /** The underlying `node:dgram` socket (options such as multicast TTL can be changed on it). */
  get socket(): Socket {
    return this.#socket;
  }

  setHandler(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  send(data: Uint8Array, to?: string): boolean {
    if (this.#closed || data.length > this.maxDatagramSize) {
      this.#dropped++;
      return false;
    }
    const destination = to === undefined ? this.#destination : parsePeer(to);
    if (destination === undefined) {
      this.#dropped++;
      return false;
    }
    this.#socket.send(data, destination.port, destination.address, this.#onSent);
    return true;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      this.#onClose(); // already closed underneath
    }
  }

  readonly #onSent = (error: Error | null): void => {
    if (error) this.#dropped++; // unroutable, refused by the OS: a datagram lost
  };

  readonly #onMessage = (message: Buffer, info: RemoteInfo): void => {
    const handler = this.#handler;
    if (message.length > this.maxDatagramSize || this.#paused || handler === undefined) {
      this.#dropped++;
      return;
    }
    handler.datagram(message, formatPeer(info.address, info.port));
  };

  readonly #onError = (error: Error): void => {
    const handler = this.#handler;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    handler?.close(toTransportError(error, this.localEndpoint));
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    this.#handler?.close();
  };
}
