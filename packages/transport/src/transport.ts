import type { AnyConnection, Connection } from "./connection";
import type { TransportError } from "./transport-error";

/** Options every `bind` accepts. Transports extend this. */
export interface BindOptions {
  /** Aborting rejects a pending bind with ECANCELED. */
  signal?: AbortSignal;
  /**
   * Whether the listener and the connections it accepts keep the Node.js event
   * loop alive (default true). `false` unrefs them, so an idle socket does not
   * hold the process open (as with libzmq, whose I/O threads are not libuv handles).
   */
  ref?: boolean;
}

/** Options every `connect` accepts. Transports extend this. */
export interface ConnectOptions {
  /** Aborting rejects a pending connect with ECANCELED (and drops the half-made connection). */
  signal?: AbortSignal;
  /** Whether the connection (and the attempt) keeps the Node.js event loop alive (default true). */
  ref?: boolean;
}

/** A bound endpoint accepting connections. */
export interface Listener<C extends AnyConnection = Connection> {
  /**
   * The resolved endpoint, like `ZMQ_LAST_ENDPOINT`: wildcards and port 0 are
   * replaced by what the OS chose (`tcp://0.0.0.0:49152`, `ipc:///tmp/…/socket`).
   */
  readonly endpoint: string;
  /** Sets the callback for accepted connections. Connections accepted before it is set are held, then passed to it. */
  onConnection(callback: (connection: C) => void): void;
  /** Sets the callback for accept failures (libzmq's ACCEPT_FAILED); the listener keeps going. */
  onError(callback: (error: TransportError) => void): void;
  /** Stops accepting and frees the address. Accepted connections stay open. Idempotent. */
  close(): Promise<void>;
}

/** Produces connections for one endpoint scheme. Knows nothing of socket types. */
export interface Transport<
  C extends AnyConnection = Connection,
  B extends BindOptions = BindOptions,
  O extends ConnectOptions = ConnectOptions,
> {
  /** The endpoint scheme, e.g. `"tcp"`. */
  readonly scheme: string;
  /** The kind of connection `bind` and `connect` produce. */
  readonly kind: C["kind"];
  /**
   * Checks that `endpoint` is a valid address of this transport for `role`,
   * without any I/O, and throws the `TransportError` `bind`/`connect` would
   * (EINVAL, EPROTONOSUPPORT …). The socket layer calls it on `connect()`, which
   * must fail at once on a malformed address, as `zmq_connect` does, while the
   * connection itself is made in the background. `options.ipv6` is the socket's
   * ZMQ_IPV6, for transports that check literals against it.
   */
  checkEndpoint?(
    endpoint: string,
    role: "bind" | "connect",
    options?: { readonly ipv6?: boolean },
  ): void;
  /**
   * Optional: the form in which a connected `endpoint` is reported (the socket's
   * `lastEndpoint` and its events' addresses), where libzmq normalises it (ws: the
   * default path `/` added). Without it, or when it throws, the endpoint as given.
   */
  reportedEndpoint?(endpoint: string): string;
  /** Binds `endpoint`; rejects with a `TransportError` (EINVAL, EADDRINUSE, EADDRNOTAVAIL, …). */
  bind(endpoint: string, options?: B): Promise<Listener<C>>;
  /**
   * Binds `endpoint` before returning, where the runtime can (zeromq.js's
   * `bindSync`); throws the `TransportError` `bind` would reject with. Absent
   * where binding is asynchronous only.
   */
  bindSync?(endpoint: string, options?: B): Listener<C>;
  /** Connects to `endpoint`; rejects with a `TransportError` (ECONNREFUSED, ENOENT, …). */
  connect(endpoint: string, options?: O): Promise<C>;
  /**
   * Optional: a `Connecter` for repeated attempts at one endpoint (a reconnect
   * loop), which may keep what a failed attempt leaves behind for the next one.
   * Without it, each attempt is a plain `connect`.
   */
  connecter?(endpoint: string): Connecter<C, O>;
}

/** How a `Connecter.attempt` ends: a connection, or (connection undefined) the error. */
export type ConnectDone<C> = (connection: C | undefined, error?: unknown) => void;

/**
 * Reports how a `connect` promise settles to `done`, as `Connecter.attempt`
 * would (for callers and connecters that have only the promise at hand).
 * @internal
 */
export function settleConnect<C>(attempt: Promise<C>, done: ConnectDone<C>): void {
  attempt.then(done, (error: unknown) => done(undefined, error));
}

/**
 * Repeated connection attempts to one endpoint, one at a time. A socket layer
 * retrying a dead peer makes one every ~150 ms for as long as it lives, so a
 * transport can make them cheaper than independent `connect` calls (the tcp
 * transport reuses the platform socket object of a refused attempt).
 */
export interface Connecter<
  C extends AnyConnection = Connection,
  O extends ConnectOptions = ConnectOptions,
> {
  /** One attempt, as `Transport.connect(endpoint, options)`. Start the next only once it settled. */
  connect(options?: O): Promise<C>;
  /**
   * Optional: the same attempt, reported to `done` instead of through a promise:
   * once, never before `attempt` returns, with the connection or with the error
   * `connect` would reject with. A loop of refused attempts then makes no
   * promise, reaction or microtask per attempt.
   */
  attempt?(options: O | undefined, done: ConnectDone<C>): void;
  /**
   * Drops whatever is kept between attempts and cancels an attempt still in
   * flight (its promise rejects with ECANCELED, as after an abort), so a caller
   * that closes its connecter needs no `AbortSignal` of its own. Connections
   * already made are not affected.
   */
  close(): void;
}
