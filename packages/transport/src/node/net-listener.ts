import { channel } from "node:diagnostics_channel";
import type { ListenOptions, Server, Socket } from "node:net";
import {
  abortError,
  type Listener,
  onAbort,
  type StreamConnection,
  TransportError,
  throwIfAborted,
  toTransportError,
} from "../index";
import { nodeNet } from "./builtins";

/**
 * Node publishes a failed listen here synchronously (the `net.server.listen`
 * tracing channel), before its asynchronous 'error' event: what listenSync reads.
 */
const listenErrors = channel("tracing:net.server.listen:error");

/** The legacy alias of Node's synchronous bind-and-listen step (`setupListenHandle`). */
type Listen2 = (
  address: string | null,
  port: number,
  addressType: number,
  backlog: number,
  fd?: number,
  flags?: number,
) => void;

/** Options for `NetListener.listen`. */
export interface NetListenOptions {
  /** What `server.listen` gets (host/port or path, backlog). */
  listen: ListenOptions;
  /** The endpoint as given, for errors. */
  address: string;
  /** Turns the bound server into the resolved endpoint string. */
  resolveEndpoint(server: Server): string;
  /** Wraps each accepted socket. */
  wrap(socket: Socket): StreamConnection;
  /** Runs after the server stopped listening (e.g. to remove a temp directory). */
  cleanup?: () => void | Promise<void>;
  signal?: AbortSignal | undefined;
  /** `false`: the server and its accepted sockets do not keep the event loop alive. */
  ref?: boolean | undefined;
}

/** A `Listener` over a `net.Server` (TCP or Unix domain). */
export class NetListener implements Listener<StreamConnection> {
  readonly endpoint: string;
  readonly #server: Server;
  readonly #cleanup: (() => void | Promise<void>) | undefined;
  #onConnection: ((connection: StreamConnection) => void) | undefined;
  #onError: ((error: TransportError) => void) | undefined;
  #held: StreamConnection[] = [];
  #closing: Promise<void> | undefined;

  private constructor(server: Server, endpoint: string, options: NetListenOptions) {
    this.#server = server;
    this.endpoint = endpoint;
    this.#cleanup = options.cleanup;
    const ref = options.ref ?? true;
    if (!ref) server.unref();
    server.on("connection", (socket: Socket) => {
      if (!ref) socket.unref();
      const connection = options.wrap(socket);
      const callback = this.#onConnection;
      if (callback === undefined) this.#held.push(connection);
      else callback(connection);
    });
    server.on("error", (error) => {
      this.#onError?.(toTransportError(error, endpoint));
    });
  }

  /** Starts `server` listening; rejects with a `TransportError` (EADDRINUSE, ECANCELED, …). */
  static listen(server: Server, options: NetListenOptions): Promise<NetListener> {
    const { address, signal } = options;
    throwIfAborted(signal, address);
    return new Promise<NetListener>((resolve, reject) => {
      const onError = (error: Error) => {
        done();
        reject(toTransportError(error, address));
      };
      const onListening = () => {
        done();
        resolve(new NetListener(server, options.resolveEndpoint(server), options));
      };
      const offAbort = onAbort(signal, () => {
        done();
        // listen() may still complete (after a host lookup): close it then.
        if (server.listening) server.close();
        else server.once("listening", () => server.close());
        reject(abortError(address, signal?.reason));
      });
      const done = () => {
        offAbort();
        server.off("error", onError);
        server.off("listening", onListening);
      };
      server.once("error", onError);
      server.once("listening", onListening);
      server.listen(options.listen);
    });
  }

  /**
   * Starts `server` listening synchronously (zeromq.js's `bindSync`): a Unix path
   * through `server.listen`, which binds at once, an IP address through Node's
   * synchronous listen step (`server.listen` would first look the host up, which
   * always completes later). Throws a `TransportError` (EADDRINUSE, EACCES, …), read
   * from Node's `net.server.listen` diagnostics channel (EINVAL where this Node
   * version has neither that channel nor the synchronous step).
   */
  static listenSync(server: Server, options: NetListenOptions): NetListener {
    const { address } = options;
    const listen = options.listen;
    let failure: unknown;
    const onFailure = (message: unknown) => {
      const m = message as { server?: unknown; error?: unknown };
      if (m.server === server) failure ??= m.error;
    };
    // The 'error' event that follows a failure (a tick later) is already reported here.
    server.once("error", () => {});
    listenErrors.subscribe(onFailure);
    try {
      if (listen.path !== undefined) {
        server.listen(listen);
      } else {
        const listen2 = (server as unknown as { _listen2?: Listen2 })._listen2;
        const host = listen.host ?? "0.0.0.0";
        if (typeof listen2 !== "function" || nodeNet().isIP(host) === 0) {
          throw new TransportError("EINVAL", "a synchronous bind needs an IP address", address);
        }
        listen2.call(
          server,
          host,
          listen.port ?? 0,
          nodeNet().isIP(host),
          listen.backlog ?? 511,
          undefined,
          0,
        );
      }
    } finally {
      listenErrors.unsubscribe(onFailure);
    }
    if (!server.listening) {
      if (failure !== undefined) throw toTransportError(failure, address);
      throw new TransportError(
        "EINVAL",
        "this Node.js version reports listen errors only asynchronously: use bind()",
        address,
      );
    }
    return new NetListener(server, options.resolveEndpoint(server), options);
  }

  onConnection(callback: (connection: StreamConnection) => void): void {
    this.#onConnection = callback;
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    for (const connection of held) callback(connection);
  }

  onError(callback: (error: TransportError) => void): void {
    this.#onError = callback;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Closing the listening handle frees the address at once; accepted
    // connections belong to their owners and stay open.
    this.#server.close();
    for (const connection of this.#held) connection.destroy();
    this.#held = [];
    await this.#cleanup?.();
  }
}
