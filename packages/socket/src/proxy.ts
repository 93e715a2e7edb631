/**
 * A proxy moving whole messages between two sockets both ways, like
 * `zmq_proxy_steerable` and zeromq.js's `Proxy`: ROUTER↔DEALER (shared queue),
 * XSUB↔XPUB (forwarder), PULL↔PUSH (streamer). `run()` resolves after
 * `terminate()`, which closes the front-end and back-end sockets (as
 * zeromq.js does); `pause()` stops forwarding (messages wait in the sockets)
 * and `resume()` starts it again. An optional capture socket gets a copy of
 * every message.
 */
import { ZmqError } from "./errors";
import type { Message } from "./message";
import { coreOf, Socket } from "./socket";

interface Duplex extends Socket {
  send?(message: Message[]): Promise<void>;
  receive?(): Promise<Message[]>;
}

/**
 * Moves messages both ways between two sockets, as `zmq_proxy` does (zeromq.js's `Proxy`).
 * Messages from the front end go out of the back end and replies come back; an optional
 * capture socket receives a copy of each message.
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  readonly #frontEnd: F;
  readonly #backEnd: B;
  readonly #capture: Socket | undefined;
  #running = false;
  #terminated = false;
  #paused = false;
  #resumed: (() => void) | undefined;
  #stop: (() => void) | undefined;
  /** Capture sends run one at a time (both directions share the capture socket). */
  #captured: Promise<void> = Promise.resolve();

  /** `capture`, if given, is sent a copy of every message forwarded in either direction. */
  constructor(frontEnd: F, backEnd: B, capture?: Socket) {
    // As zeromq.js: a missing (or non-object) end is a TypeError, an object that is not a
    // socket an invalid argument. (zeromq.js takes no third argument; the capture is ours.)
    if (!isObject(frontEnd)) throw new TypeError("Front-end must be a socket object");
    if (!(frontEnd instanceof Socket)) throw new Error("Invalid argument");
    if (!isObject(backEnd)) throw new TypeError("Back-end must be a socket object");
    if (!(backEnd instanceof Socket)) throw new Error("Invalid argument");
    if (capture !== undefined && !(capture instanceof Socket)) {
      throw new TypeError("Capture must be a socket object");
    }
    this.#frontEnd = frontEnd;
    this.#backEnd = backEnd;
    this.#capture = capture;
  }

  /** The front-end socket. */
  get frontEnd(): F {
    return this.#frontEnd;
  }

  /** The back-end socket. */
  get backEnd(): B {
    return this.#backEnd;
  }

  /**
   * Forwards until `terminate()`, then closes both sockets and resolves. Both
   * sockets must be bound or connected (EINVAL) and open (EBADF). Rejects if
   * forwarding fails or a socket is closed under it.
   */
  run(): Promise<void> {
    // Checked synchronously, as zeromq.js: a closed socket (also after terminate())
    // has no endpoint left, so it is "not bound or connected".
    if (this.#running) throw new ZmqError("EBUSY", "Proxy is already running");
    if (this.frontEnd.closed || coreOf(this.frontEnd).endpointCount === 0) {
      throw new ZmqError("EINVAL", "Front-end socket must be bound or connected");
    }
    if (this.backEnd.closed || coreOf(this.backEnd).endpointCount === 0) {
      throw new ZmqError("EINVAL", "Back-end socket must be bound or connected");
    }
    this.#running = true;
    return this.#run();
  }

  async #run(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.#stop = resolve;
    });
    const front = this.frontEnd as Duplex;
    const back = this.backEnd as Duplex;
    const pumps: Promise<void>[] = [];
    if (front.receive && back.send) pumps.push(this.#pump(front, back));
    if (back.receive && front.send) pumps.push(this.#pump(back, front));
    try {
      await Promise.race([stopped, Promise.all(pumps)]);
    } finally {
      this.#running = false;
      this.#terminated = true;
      this.#stop = undefined;
      // Closing rejects the pumps' pending receives; they end quietly.
      this.frontEnd.close();
      this.backEnd.close();
      await Promise.allSettled(pumps);
    }
  }

  async #pump(from: Duplex, to: Duplex): Promise<void> {
    for (;;) {
      await this.#whilePaused();
      if (this.#terminated) return;
      let message: Message[];
      try {
        message = await from.receive!();
      } catch (error) {
        if (this.#terminated) return;
        throw error;
      }
      // A message taken just before pause() waits in the proxy until resume().
      await this.#whilePaused();
      if (this.#terminated) return;
      await to.send!(message);
      const capture = this.#capture as Duplex | undefined;
      if (capture?.send && !capture.closed) {
        const copy = this.#captured.then(() => capture.send!(message));
        this.#captured = copy.catch(() => undefined);
        await copy;
      }
    }
  }

  #whilePaused(): Promise<void> | undefined {
    if (!this.#paused || this.#terminated) return undefined;
    return new Promise<void>((resolve) => {
      const previous = this.#resumed;
      this.#resumed = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Not running: EBADF with libzmq's text (zeromq.js: the proxy's control socket is closed). */
  #checkRunning(): void {
    if (!this.#running || this.#terminated) {
      throw new ZmqError("EBADF", undefined, undefined, {
        cause: new Error(
          this.#terminated ? "the proxy was terminated" : "the proxy is not running",
        ),
      });
    }
  }

  /** Suspends forwarding (EBADF unless running). */
  pause(): void {
    this.#checkRunning();
    this.#paused = true;
  }

  /** Resumes forwarding after `pause()` (EBADF unless running). */
  resume(): void {
    this.#checkRunning();
    this.#paused = false;
    this.#wake();
  }

  /**
   * Stops the proxy; `run()` then closes both sockets and resolves. EBADF unless running;
   * as zeromq.js, a second call before `run()` has settled does nothing, one after throws.
   */
  terminate(): void {
    if (this.#terminated && this.#stop !== undefined) return;
    this.#checkRunning();
    this.#terminated = true;
    this.#paused = false;
    this.#wake();
    this.#stop?.();
  }

  #wake(): void {
    const resumed = this.#resumed;
    this.#resumed = undefined;
    resumed?.();
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}
