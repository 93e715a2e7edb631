/**
 * A context, as zeromq.js's `Context`: the scope of `inproc://` names and of a
 * few defaults (`ipv6`, `maxMessageSize`). There are no I/O threads to size:
 * `ioThreads` and the thread options are accepted and kept for compatibility.
 * `context` is the default every socket uses.
 */
import { TransportRegistry } from "@zmq/transport";
import { InprocContext, InprocTransport } from "@zmq/transport-inproc";
import { IpcTransport } from "@zmq/transport-ipc";
import { TcpTransport } from "@zmq/transport-tcp";
import { UdpTransport } from "@zmq/transport-udp";
import { ZmqError } from "./errors";
import type { SocketCore } from "./socket-core";

export interface ContextOptions {
  blocky?: boolean;
  ioThreads?: number;
  maxMessageSize?: number;
  maxSockets?: number;
  ipv6?: boolean;
  threadPriority?: number;
  threadSchedulingPolicy?: number;
}

const MAX_SOCKETS_LIMIT = 65535;

export class Context {
  #blocky = true;
  #ioThreads = 1;
  #maxMessageSize = -1;
  #maxSockets = 1023;
  #ipv6 = false;
  readonly #sockets = new Set<SocketCore>();
  /** @internal */
  readonly _inproc = new InprocContext();
  /** @internal */
  readonly _transports: TransportRegistry;
  #holds = 0;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(options: ContextOptions = {}) {
    this._transports = new TransportRegistry([
      new TcpTransport(),
      new IpcTransport(),
      new InprocTransport({ context: this._inproc }),
      new UdpTransport(),
    ]);
    Object.seal(this);
    Object.assign(this, options);
  }

  get blocky(): boolean {
    return this.#blocky;
  }
  set blocky(value: boolean) {
    this.#blocky = bool(value);
  }
  get ioThreads(): number {
    return this.#ioThreads;
  }
  set ioThreads(value: number) {
    this.#ioThreads = int(value, 0);
  }
  get maxMessageSize(): number {
    return this.#maxMessageSize;
  }
  set maxMessageSize(value: number) {
    this.#maxMessageSize = int(value, -1);
  }
  get maxSockets(): number {
    return this.#maxSockets;
  }
  set maxSockets(value: number) {
    this.#maxSockets = int(value, 1);
  }
  get maxSocketsLimit(): number {
    return MAX_SOCKETS_LIMIT;
  }
  get ipv6(): boolean {
    return this.#ipv6;
  }
  set ipv6(value: boolean) {
    this.#ipv6 = bool(value);
  }
  set threadPriority(value: number) {
    int(value, -1);
  }
  set threadSchedulingPolicy(value: number) {
    int(value, -1);
  }

  /** @internal */
  _register(socket: SocketCore): void {
    if (this.#sockets.size >= this.#maxSockets) {
      throw new ZmqError("EMFILE", "Too many open sockets");
    }
    this.#sockets.add(socket);
  }

  /** @internal */
  _unregister(socket: SocketCore): void {
    this.#sockets.delete(socket);
  }

  /**
   * @internal A pending send or receive keeps the process alive, as it does with
   * zeromq.js; idle sockets do not.
   */
  _hold(): void {
    if (this.#holds++ === 0) this.#keepAlive = setInterval(noop, 1 << 30);
  }

  /** @internal */
  _release(): void {
    if (--this.#holds === 0 && this.#keepAlive !== undefined) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }
}

function noop(): void {}

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

function int(value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError("Option value must be an integer");
  }
  if (value < min) throw new ZmqError("EINVAL");
  return value;
}

/** The default context every socket uses unless given one. */
export const context: Context = new Context();
