// A minimal session for the tests: one ZwsConnection driven over one ws/wss stream connection.
import type { StreamConnection } from "@zmq/transport";
import { type PeerInfo, type WireError, ZwsConnection, type ZwsConnectionOptions } from "@zmq/wire";
import { isWsConnection } from "../src/index";

const now = () => performance.now();

export type ZwsEndOptions = Omit<ZwsConnectionOptions, "role" | "host" | "path">;

export class ZwsEnd {
  readonly engine: ZwsConnection;
  readonly connection: StreamConnection;
  readonly ready: Promise<PeerInfo>;
  readonly errors: WireError[] = [];
  /** Resolves when the stream is gone. */
  readonly closed: Promise<void>;
  #inbox: Uint8Array[][] = [];
  #waiters: ((frames: Uint8Array[]) => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;

  constructor(connection: StreamConnection, options: ZwsEndOptions) {
    if (!isWsConnection(connection)) throw new Error("not a ws connection");
    this.connection = connection;
    const info = connection.webSocket;
    let onReady!: (peer: PeerInfo) => void;
    let onFail!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.ready.catch(() => {});
    let onClosed!: () => void;
    this.closed = new Promise((resolve) => {
      onClosed = resolve;
    });
    this.engine = new ZwsConnection(
      {
        handshake: (peer) => onReady(peer),
        message: (frames) => {
          const waiter = this.#waiters.shift();
          if (waiter) waiter(frames);
          else this.#inbox.push(frames);
          return true;
        },
        error: (error) => {
          this.errors.push(error);
          onFail(error);
          this.#flush();
          this.#ended = true;
          connection.destroy();
        },
        wake: () => this.#after(),
      },
      { ...options, role: info.role, host: info.host, path: info.path },
    );
    connection.setHandler({
      data: (chunk) => {
        this.engine.receive(chunk, now());
        this.#after();
      },
      drain() {},
      end: () => connection.end(),
      close: (error) => {
        this.#ended = true;
        if (this.#timer) clearTimeout(this.#timer);
        onFail(error ?? new Error("connection closed"));
        onClosed();
      },
    });
    this.engine.start(now());
    this.#after();
  }

  send(frames: Uint8Array[]): void {
    this.engine.send(frames);
    this.#after();
  }

  /** The next message, or a rejection after `ms`. */
  recv(ms = 10_000): Promise<Uint8Array[]> {
    const queued = this.#inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no message within ${ms} ms`));
      }, ms);
      const waiter = (frames: Uint8Array[]) => {
        clearTimeout(timer);
        resolve(frames);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Messages received and not yet taken. */
  get queued(): number {
    return this.#inbox.length;
  }

  close(): void {
    if (this.#ended) return;
    this.engine.close();
    this.#flush();
    this.#ended = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.connection.end();
  }

  #flush(): void {
    if (this.engine.hasOutput) this.connection.write(this.engine.takeOutput());
  }

  #after(): void {
    if (this.#ended) return;
    this.#flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = this.engine.nextTimeout();
    if (at === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.engine.tick(now());
        this.#after();
      },
      Math.max(0, Math.ceil(at - now())),
    );
  }
}
