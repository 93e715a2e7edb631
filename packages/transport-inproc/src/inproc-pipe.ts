import type { MessageConnection, MessageHandler } from "@zmq/transport";
import { schedule } from "./schedule";

/**
 * One end of an inproc pipe. Messages sent on one end are queued on the other
 * (by reference: the frames array and its Uint8Arrays are delivered as sent)
 * and handed to its handler in a microtask, in order, batched.
 */
export class InprocPipeEnd implements MessageConnection {
  readonly kind = "message" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;

  /** Set right after construction by `createInprocPipe`. */
  peer!: InprocPipeEnd;
  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  #queue: Uint8Array[][] = [];
  #head = 0;
  #handler: MessageHandler | undefined;
  #paused = false;
  #scheduled = false;
  /** The peer's send() returned false on this queue; tell it (drain) once we are back at the low-water mark. */
  #senderWaiting = false;
  /** close() was called on this end. */
  #closed = false;
  /** The peer closed: deliver what is queued, then close. */
  #peerClosed = false;
  #closeReported = false;
  readonly #flush = () => this.#run();

  constructor(endpoint: string, highWaterMark: number) {
    this.localEndpoint = endpoint;
    this.remoteEndpoint = endpoint;
    this.#highWaterMark = highWaterMark > 0 ? highWaterMark : Number.POSITIVE_INFINITY;
    // libzmq resumes a writer at about half the high-water mark.
    this.#lowWaterMark =
      highWaterMark > 0 ? Math.floor(highWaterMark / 2) : Number.POSITIVE_INFINITY;
  }

  setHandler(handler: MessageHandler): void {
    this.#handler = handler;
    this.#wake();
  }

  send(frames: Uint8Array[]): boolean {
    if (this.#closed || this.#peerClosed) return false;
    return this.peer.#enqueue(frames);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#wake();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#wake();
    const peer = this.peer;
    if (!peer.#closed) {
      peer.#peerClosed = true;
      peer.#wake();
    }
  }

  #enqueue(frames: Uint8Array[]): boolean {
    const queue = this.#queue;
    queue.push(frames);
    if (!this.#paused) this.#wake();
    if (queue.length - this.#head < this.#highWaterMark) return true;
    this.#senderWaiting = true;
    return false;
  }

  #wake(): void {
    if (this.#scheduled || this.#handler === undefined) return;
    this.#scheduled = true;
    schedule(this.#flush);
  }

  #run(): void {
    this.#scheduled = false;
    const handler = this.#handler;
    if (handler === undefined) return;
    if (this.#closed) {
      this.#reportClose(handler);
      return;
    }
    const queue = this.#queue;
    while (
      !this.#paused &&
      this.#head < queue.length &&
      this.#handler === handler &&
      !this.#closed
    ) {
      const message = queue[this.#head]!;
      queue[this.#head++] = undefined as unknown as Uint8Array[];
      handler.message(message);
    }
    const left = queue.length - this.#head;
    if (left === 0) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#senderWaiting && left <= this.#lowWaterMark && !this.#closed) {
      this.#senderWaiting = false;
      const peer = this.peer;
      if (!peer.#closed) peer.#handler?.drain();
    }
    if (this.#closed) this.#reportClose(handler);
    else if (this.#peerClosed && left === 0) {
      this.#closed = true;
      this.#reportClose(handler);
    } else if (this.#handler !== handler) {
      this.#wake();
    }
  }

  #reportClose(handler: MessageHandler): void {
    if (this.#closeReported) return;
    this.#closeReported = true;
    handler.close();
  }
}

/** Creates a connected pair of pipe ends, each with its own receive high-water mark. */
export function createInprocPipe(
  endpoint: string,
  connectHighWaterMark: number,
  bindHighWaterMark: number,
): { client: InprocPipeEnd; server: InprocPipeEnd } {
  const client = new InprocPipeEnd(endpoint, connectHighWaterMark);
  const server = new InprocPipeEnd(endpoint, bindHighWaterMark);
  client.peer = server;
  server.peer = client;
  return { client, server };
}
