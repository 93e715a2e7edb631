/**
 * A proxy moving whole messages between two sockets both ways, like
 * `zmq_proxy` and zeromq.js's `Proxy`: ROUTER↔DEALER (shared queue),
 * XSUB↔XPUB (forwarder), PULL↔PUSH (streamer). `run()` resolves after
 * `terminate()`; `pause()` stops forwarding (messages wait in the sockets) and
 * `resume()` starts it again. An optional capture socket gets a copy of every
 * message.
 */
import { ZmqError } from "./errors";
import type { Message } from "./message";
import type { Socket } from "./socket";

interface Duplex extends Socket {
  send?(message: Message[]): Promise<void>;
  receive?(): Promise<Message[]>;
}

export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  readonly frontEnd: F;
  readonly backEnd: B;
  readonly #capture: Socket | undefined;
  #running = false;
  #terminated = false;
  #paused = false;
  #resumed: (() => void) | undefined;
  #stop: (() => void) | undefined;

  constructor(frontEnd: F, backEnd: B, capture?: Socket) {
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
    this.#capture = capture;
  }

  /** Forwards until `terminate()`; rejects if a socket is closed under it. */
  async run(): Promise<void> {
    if (this.#running) throw new ZmqError("EBUSY", "Proxy is already running");
    if (this.frontEnd.closed || this.backEnd.closed) throw new ZmqError("EBADF");
    this.#running = true;
    const stopped = new Promise<void>((resolve) => {
      this.#stop = resolve;
    });
    const front = this.frontEnd as Duplex;
    const back = this.backEnd as Duplex;
    const pumps: Promise<void>[] = [];
    if (front.receive && back.send) pumps.push(this.#pump(front, back, stopped));
    if (back.receive && front.send) pumps.push(this.#pump(back, front, stopped));
    try {
      await Promise.race([stopped, Promise.all(pumps)]);
    } finally {
      this.#running = false;
    }
  }

  async #pump(from: Duplex, to: Duplex, stopped: Promise<void>): Promise<void> {
    const capture = this.#capture as Duplex | undefined;
    for (;;) {
      if (this.#terminated) return;
      if (this.#paused) await new Promise<void>((resolve) => this.#addResume(resolve));
      const message = await Promise.race([from.receive!(), stopped.then(() => undefined)]);
      if (message === undefined || this.#terminated) return;
      await to.send!(message);
      if (capture?.send && !capture.closed) await capture.send(message);
    }
  }

  #addResume(resolve: () => void): void {
    const previous = this.#resumed;
    this.#resumed = () => {
      previous?.();
      resolve();
    };
  }

  pause(): void {
    if (this.#terminated) throw new ZmqError("EBADF", "Proxy is terminated");
    this.#paused = true;
  }

  resume(): void {
    if (this.#terminated) throw new ZmqError("EBADF", "Proxy is terminated");
    this.#paused = false;
    const resumed = this.#resumed;
    this.#resumed = undefined;
    resumed?.();
  }

  terminate(): void {
    if (this.#terminated) throw new ZmqError("EBADF", "Proxy is terminated");
    this.#terminated = true;
    this.#paused = false;
    this.#resumed?.();
    this.#stop?.();
  }
}
