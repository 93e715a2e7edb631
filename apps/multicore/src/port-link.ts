/**
 * Design (a), kept for the measurement only: a link over a MessagePort. Messages
 * are batched per microtask into one postMessage; frames whose ArrayBuffer is
 * whole (and not shared) are transferred, the rest copied by structured clone;
 * or, in the "copy" mode, each large frame is copied into a fresh ArrayBuffer
 * that is transferred (the sender's own Buffer stays usable).
 * Credits come back as the receiver reads: SNDHWM + RCVHWM per direction, as
 * the ring link. It needs a MessagePort between the two threads: the benchmark
 * hands one to its worker; between two arbitrary threads BroadcastChannel
 * cannot carry one, `postMessageToThread` (node:worker_threads, present in the
 * Node 20.20 installed here) can.
 */
type MessagePort = import("node:worker_threads").MessagePort;

/** Frames from this size up are copied and transferred in the "copy" mode. */
const COPY_TRANSFER_MIN = 4096;

export class PortLink {
  readonly #port: MessagePort;
  readonly #limit: number;
  /** true: transfer whole ArrayBuffers as they are; "copy": copy each large frame into a fresh ArrayBuffer and transfer that. */
  readonly #transfer: boolean | "copy";
  #sent = 0;
  #acked = 0;
  #batch: Uint8Array[][] = [];
  #transfers: ArrayBuffer[] = [];
  #scheduled = false;
  #inbox: Uint8Array[][] = [];
  #head = 0;
  #read = 0;
  #ackScheduled = false;
  #blocked = false;
  #wantReadable = false;
  onReadable: (() => void) | undefined;
  onWritable: (() => void) | undefined;

  constructor(port: MessagePort, limit: number, transfer: boolean | "copy") {
    this.#port = port;
    this.#limit = limit;
    this.#transfer = transfer;
    port.on("message", (received: unknown) => {
      const data = received as { m?: Uint8Array[][]; a?: number };
      if (data.a !== undefined) {
        this.#acked += data.a;
        if (this.#blocked && this.#sent - this.#acked <= this.#limit / 2) {
          this.#blocked = false;
          this.onWritable?.();
        }
      }
      if (data.m !== undefined) {
        if (this.#head === this.#inbox.length) {
          this.#inbox = data.m;
          this.#head = 0;
        } else {
          for (const m of data.m) this.#inbox.push(m);
        }
        if (this.#wantReadable) {
          this.#wantReadable = false;
          this.onReadable?.();
        }
      }
    });
  }

  write(frames: Uint8Array[]): boolean {
    if (this.#blocked) return false;
    if (this.#sent - this.#acked >= this.#limit) {
      this.#blocked = true;
      return false;
    }
    this.#sent++;
    if (this.#transfer === "copy") {
      // The sender's frames stay its own: large ones are copied once into memory that moves.
      const moved = frames.map((frame) => {
        if (frame.byteLength < COPY_TRANSFER_MIN) return frame;
        const copy = Buffer.allocUnsafeSlow(frame.byteLength);
        copy.set(frame);
        this.#transfers.push(copy.buffer);
        return copy;
      });
      this.#batch.push(moved);
    } else this.#batch.push(frames);
    if (this.#transfer === true) {
      for (const frame of frames) {
        const buffer = frame.buffer;
        if (
          buffer instanceof ArrayBuffer &&
          frame.byteOffset === 0 &&
          frame.byteLength === buffer.byteLength
        ) {
          this.#transfers.push(buffer);
        }
      }
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
    return true;
  }

  readonly #flush = () => {
    this.#scheduled = false;
    const batch = this.#batch;
    const transfers = this.#transfers;
    this.#batch = [];
    this.#transfers = [];
    this.#port.postMessage({ m: batch }, transfers);
  };

  read(): Uint8Array[] | undefined {
    if (this.#head === this.#inbox.length) {
      this.#wantReadable = true;
      return undefined;
    }
    const message = this.#inbox[this.#head++]!;
    this.#read++;
    if (!this.#ackScheduled) {
      this.#ackScheduled = true;
      queueMicrotask(this.#ack);
    }
    return message;
  }

  readonly #ack = () => {
    this.#ackScheduled = false;
    const count = this.#read;
    this.#read = 0;
    if (count > 0) this.#port.postMessage({ a: count });
  };

  close(): void {
    this.#port.close();
  }
}
