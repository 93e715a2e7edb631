/**
 * Bound and connected endpoints of a socket. A bound endpoint owns a listener
 * and one session per accepted connection. A connected endpoint owns at most one
 * session at a time and reconnects after a disconnect (libzmq's connecter +
 * session), keeping its pipe across reconnects so that messages queued before
 * the peer exists, or while it is away, flow once it is back.
 */
import type { Pipe, PipeHandler } from "@zmq/patterns";
import {
  type AnyConnection,
  type ConnectDone,
  type Connecter,
  type Connection,
  type Listener,
  settleConnect,
  type Transport,
} from "@zmq/transport";
import type { WireError } from "@zmq/wire";
import type { AcceptFilter } from "./accept-filter";
import { AuthError, protocolErrorName, toZmqError, ZmqError } from "./errors";
import type { RuntimeTimer, TimerOptions } from "./runtime";
import {
  type PeerIdentity,
  RawSession,
  type Session,
  type SessionEnd,
  type SessionOwner,
  ZmtpSession,
} from "./session";
import type { SocketCore, TransportOptions } from "./socket-core";
import { GroupSession } from "./udp-session";

/** Closes a connection that no session took (any kind). */
/** Node's name-resolution error codes (the transport reports them as EHOSTUNREACH). */
const RESOLVE_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "ENODATA",
  // transport-tcp: an IPv6 address with the ipv6 option off
  "EAI_ADDRFAMILY",
]);

/** Whether a failed connect attempt failed at name resolution, before a socket existed. */
function isResolveFailure(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" && RESOLVE_CODES.has(cause.code);
}

function dropConnection(connection: AnyConnection): void {
  if (connection.kind === "stream") connection.destroy();
  else connection.close();
}

function noop(): void {}

/**
 * Whether a connecter retries after this protocol failure. A handshake or
 * heartbeat timeout is a timeout_error in libzmq, and a connection that never
 * produced a valid ZMTP greeting (other bytes, an old ZMTP version) is not a ZMTP
 * peer at all yet: both count as connection errors and the connecter keeps
 * trying with backoff. A peer that sent a valid greeting and then failed the
 * handshake (wrong socket type, mechanism, credentials) stops the endpoint.
 */
function retryAfter(error: WireError): boolean {
  return error.code === "ETIMEDOUT" || error.reason === "unsupported-version";
}

/**
 * `endpoint` (as given to `connect`) as libzmq reports it in `lastEndpoint` and
 * events: the transport's `reportedEndpoint`, else unchanged.
 */
export function reportedEndpoint(transport: Transport, endpoint: string): string {
  try {
    return transport.reportedEndpoint?.(endpoint) ?? endpoint;
  } catch {
    return endpoint;
  }
}

/** The scheme of `endpoint` (`tcp`, `ipc` …), "" without one. */
export function schemeOf(endpoint: string): string {
  return endpoint.slice(0, Math.max(0, endpoint.indexOf("://")));
}

/** Builds and starts the right session for a new connection. */
function startSession(
  core: SocketCore,
  owner: SessionOwner,
  endpoint: string,
  connection: Connection,
): Session {
  let session: Session & { start(): void };
  const any = connection as AnyConnection;
  if (any.kind === "datagram") {
    // Only a runtime with a datagram transport (Node) makes these sessions.
    const udpSession = core.runtime.udpSession;
    if (udpSession === undefined) throw new Error("this runtime has no udp sessions");
    session = udpSession(owner, endpoint, any);
  } else if (core.traits.raw) {
    session = new RawSession(owner, endpoint, connection);
  } else {
    const options = { ...core.sessionOptions(), engine: core.context._engine(schemeOf(endpoint)) };
    session = core.traits.groups
      ? new GroupSession(owner, endpoint, connection, options)
      : new ZmtpSession(owner, endpoint, connection, options);
  }
  if (
    session instanceof ZmtpSession ||
    session instanceof RawSession ||
    (any.kind === "datagram" && core.socketType === "RADIO")
  ) {
    core.context._trackForExit(session, core);
  }
  session.start();
  return session;
}

/**
 * A failed handshake as zeromq.js reports it: the code names the ZMTP/ZAP failure,
 * the message is libzmq's generic text ("ZMTP protocol error", "ZAP protocol error"),
 * there is no errno (zeromq.js sets none); our explanation is the `cause`.
 */
function protocolEventError(end: Extract<SessionEnd, { kind: "protocol" }>): ZmqError {
  const code = protocolErrorName(end.error.protocolError);
  const text = code.startsWith("ERR_ZAP") ? "ZAP protocol error" : "ZMTP protocol error";
  const error = new ZmqError(code, text, undefined, {
    cause: new ZmqError(code, end.error.message, undefined, { cause: end.error }),
  });
  (error as { errno: number | undefined }).errno = undefined;
  return error;
}

/** zeromq.js's message for a ZAP status in `handshake:error:auth` (observer.cc). */
function authText(status: number): string {
  if (status === 300) return "Temporary error";
  if (status === 400) return "Authentication failure";
  if (status === 500) return "Internal error";
  return "Unknown error";
}

/** Reports how a session ended, as libzmq's monitor would. */
function reportEnd(
  core: SocketCore,
  address: string,
  session: Session,
  end: SessionEnd,
  wasReady: boolean,
): void {
  if (end.kind === "protocol") {
    if (end.error.code === "EMSGSIZE" || wasReady) {
      core.emit({ type: "disconnect", address });
    } else if (end.error.zapStatus !== undefined) {
      // libzmq HANDSHAKE_FAILED_AUTH: a ZAP status, ours or the one in the peer's ERROR.
      core.emit({
        type: "handshake:error:auth",
        address,
        // zeromq.js's text for the status; ours ("ZAP refused: 400") is the cause.
        error: new AuthError(end.error.zapStatus, authText(end.error.zapStatus), {
          cause: end.error,
        }),
      });
    } else if (end.error.code === "EFAULT") {
      // libzmq HANDSHAKE_FAILED_NO_DETAIL (EFAULT): a ZAP handler was needed and none is bound.
      core.emit({
        type: "handshake:error:other",
        address,
        error: new ZmqError("EFAULT", end.error.message, address, { cause: end.error }),
      });
    } else if (end.error.reason === "handshake-timeout") {
      core.emit({
        type: "handshake:error:other",
        address,
        error: new ZmqError("ETIMEDOUT", end.error.message, address, { cause: end.error }),
      });
    } else {
      core.emit({ type: "handshake:error:protocol", address, error: protocolEventError(end) });
    }
    // libzmq's engine reports the disconnect of every connection it drops, a failed
    // handshake included (stream_engine_base_t::error).
    if (end.error.code !== "EMSGSIZE" && !wasReady) core.emit({ type: "disconnect", address });
    return;
  }
  if (end.kind === "closed" && session.endpoint !== "") {
    if (!wasReady && session instanceof ZmtpSession) {
      // The connection went away during the handshake (the peer refused us and
      // closed): libzmq's HANDSHAKE_FAILED_NO_DETAIL with the read's errno, then
      // the disconnect.
      const code = end.error?.code ?? "EPIPE";
      core.emit({
        type: "handshake:error:other",
        address,
        error: new ZmqError(code, undefined, undefined, end.error && { cause: end.error }),
      });
    }
    core.emit({ type: "disconnect", address });
  }
}

/** Why a session ended, as a trace line's tail (only called while tracing). */
function endReason(end: SessionEnd, wasReady: boolean, endpoint: string): string {
  if (end.kind === "local") return `disconnect ${endpoint} reason=local-close`;
  if (end.kind === "closed") {
    const e = end.error;
    if (e === undefined) return `disconnect ${endpoint} reason=peer-closed`;
    return `disconnect ${endpoint} reason=${e.code} ${e.message}`;
  }
  const e = end.error;
  return `${wasReady ? "disconnect" : "handshake-failed"} ${endpoint} reason=${e.reason} ${e.message}`;
}

/**
 * Linger for the session end of a pipe whose connection is gone: messages the
 * session already delivered stay readable by the socket until it reads them.
 * libzmq writes the delimiter after them (`pipe_t::terminate`), whatever
 * ZMQ_LINGER says; what the peer sent before it left is not lost just because
 * the socket had not read it yet.
 */
const UNTIL_READ = -1;

/**
 * Timer options of the reconnect loop: it never holds the process open, and a
 * retry may come up to 10 ms late so that the retries of many endpoints share
 * wake-ups (see `TimerOptions.slack`). Used for the backoff intervals, which
 * have no jitter (libzmq 4.3.5 with ZMQ_RECONNECT_IVL_MAX).
 */
const UNREF = { ref: false } as const;
const RETRY = { ref: false, slack: 10 } as const;

/**
 * The reconnect delay without backoff, as libzmq draws it: the interval plus a
 * random jitter in [0, interval). Here (for intervals of 30 ms or more) the
 * jitter is 0 or 1 grid step of a third of the interval, and the timer takes
 * the step as its slack: the runtime rounds the deadline up to the step's grid,
 * which adds up to one more step. A retry then falls in [interval, 2 ×
 * interval) as libzmq's does, and a loop of refused attempts (each timer fires
 * on a grid point, so its next deadline is rounded up by a whole step) waits
 * 4/3 or 5/3 × interval: 1.5 × on average, as libzmq. But every endpoint with
 * the same interval retries on the same grid points: twenty sockets retrying a
 * dead endpoint every ~150 ms wake the process at most 30 times a second
 * rather than ~130, and the attempts of one grid point complete together. A
 * wake-up of a Node process costs more than the attempt it runs (measured on
 * a loaded 2-core VM: an empty timer wake-up ~0.35-0.45 ms of CPU, a refused
 * attempt ~50-90 us on top; see tests/reliability/README.md), so the number of
 * wake-ups is what a retry loop costs.
 */
interface JitterGrid {
  readonly interval: number;
  /** The grid step (the timer's slack); 1 for a plain millisecond jitter. */
  readonly step: number;
  /** How many whole steps the jitter is drawn from. */
  readonly choices: number;
  readonly options: TimerOptions;
}

function jitterGrid(interval: number): JitterGrid {
  if (interval < 30) return { interval, step: 1, choices: interval, options: UNREF };
  const step = Math.floor(interval / 3);
  return { interval, step, choices: 2, options: { ref: false, slack: step } };
}

/** One `bind()`: a listener plus the sessions it accepted. */
export class BindEndpoint implements SessionOwner {
  readonly core: SocketCore;
  readonly address: string;
  readonly listener: Listener;
  readonly #sessions = new Map<Session, boolean>();
  /** ZMQ_TCP_ACCEPT_FILTER as it was at bind (libzmq copies the options into the listener). */
  readonly #acceptFilters: readonly AcceptFilter[];
  #closed = false;

  constructor(core: SocketCore, address: string, listener: Listener) {
    this.core = core;
    this.address = address;
    this.listener = listener;
    this.#acceptFilters = address.startsWith("tcp://") ? core.acceptFilters : [];
    listener.onConnection((connection) => this.#accept(connection));
    listener.onError((error) => {
      core.runtime.trace?.(`${core.socketType} accept-error ${listener.endpoint} ${error}`);
      core.emit({ type: "accept:error", address: listener.endpoint, error: toZmqError(error) });
    });
  }

  get socketType() {
    return this.core.socketType;
  }

  get runtime() {
    return this.core.context._runtime;
  }

  /** The resolved endpoint (what `lastEndpoint` reports). */
  get endpoint(): string {
    return this.listener.endpoint;
  }

  #accept(connection: Connection): void {
    if (this.#closed || this.core.closed) {
      dropConnection(connection);
      return;
    }
    const filters = this.#acceptFilters;
    if (
      filters.length > 0 &&
      this.runtime.acceptFilters?.admit(filters, connection.remoteAddress) === false
    ) {
      // libzmq's tcp_listener closes the connection at once and reports accept:error
      // (with EAGAIN, the errno its accept loop leaves behind).
      this.runtime.trace?.(`${this.socketType} accept-filtered ${this.endpoint}`);
      dropConnection(connection);
      this.core.emit({
        type: "accept:error",
        address: this.endpoint,
        error: new ZmqError("EAGAIN"),
      });
      return;
    }
    this.core.emit({ type: "accept", address: this.endpoint });
    this.runtime.trace?.(`${this.socketType} accept ${this.endpoint}`);
    const session = startSession(this.core, this, this.endpoint, connection);
    if (!this.#sessions.has(session) && !session.ended) this.#sessions.set(session, false);
  }

  sessionReady(session: Session, peer: PeerIdentity): void {
    this.#sessions.set(session, true);
    const pipe = this.core.attachPeer(peer, undefined);
    if (this.runtime.trace !== undefined)
      this.runtime.tracing?.pipe(this.core, pipe, this.endpoint, this.runtime.trace);
    session.usePipe(pipe);
    this.core.emit({ type: "handshake", address: this.endpoint });
  }

  sessionEnded(session: Session, end: SessionEnd): void {
    const wasReady = this.#sessions.get(session) ?? false;
    this.#sessions.delete(session);
    session.releasePipe()?.terminate(UNTIL_READ);
    this.runtime.trace?.(`${this.socketType} ${endReason(end, wasReady, this.endpoint)}`);
    if (end.kind !== "local") reportEnd(this.core, this.endpoint, session, end, wasReady);
  }

  /** Socket close is next: each session takes what its pipe already holds. */
  pumpBeforeClose(): void {
    for (const session of this.#sessions.keys()) session.pumpBeforeClose();
  }

  /** Socket close: stop listening; accepted connections end with the linger. */
  stopListening(): void {
    void this.listener.close();
  }

  /** Unbind: stop listening and close every connection accepted here. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#sessions.keys()]) session.shutdown();
    this.#sessions.clear();
    await this.listener.close();
  }
}

/** One `connect()`: a connection that comes back after it drops. */
export class ConnectEndpoint implements SessionOwner, PipeHandler {
  readonly core: SocketCore;
  /** The endpoint as given to `connect` (what `disconnect` names). */
  readonly address: string;
  /** The endpoint as events and `lastEndpoint` report it (the transport's `reportedEndpoint`). */
  readonly reported: string;
  readonly transport: Transport;
  readonly #connectRoutingId: Uint8Array | undefined;
  /** The session end of this endpoint's pipe, kept across reconnects. */
  #pipe: Pipe | undefined;
  #session: Session | undefined;
  #ready = false;
  /**
   * The attempt in flight, if any: its AbortController, or `#attemptDone` when
   * it has none (the connecter cancels it on close).
   */
  #abort: object | undefined;
  /**
   * The transport options of the attempts without a controller, kept while the
   * socket's options are unchanged (`SocketCore.optionsVersion`): a reconnect
   * loop builds none per attempt.
   */
  #options: TransportOptions | undefined;
  #optionsVersion = -1;
  /** The reconnect timer, where the runtime has reusable ones (`Runtime.timer`). */
  #retryTimer: RuntimeTimer | undefined;
  /** The controller the next attempt reuses (replaced once aborted). */
  #controller: AbortController | undefined;
  /** The transport's connecter for this endpoint, made at the first attempt. */
  #connecter: Connecter | undefined;
  #cancelTimer: (() => void) | undefined;
  #interval: number;
  /** The jitter grid of the last reconnect interval used (see `jitterGrid`). */
  #grid: JitterGrid | undefined;
  #closed = false;
  /** The socket closed with output still queued here (linger). */
  #lingering = false;
  #holding = false;

  constructor(
    core: SocketCore,
    address: string,
    transport: Transport,
    connectRoutingId: Uint8Array | undefined,
  ) {
    this.core = core;
    this.address = address;
    this.transport = transport;
    this.reported = reportedEndpoint(transport, address);
    this.#connectRoutingId = connectRoutingId;
    this.#interval = core.options.reconnectInterval;
  }

  get socketType() {
    return this.core.socketType;
  }

  get runtime() {
    return this.core.context._runtime;
  }

  /**
   * Whether the pipe is attached before the peer is known (libzmq without IMMEDIATE):
   * for every type that needs no peer identity, and for ROUTER/STREAM when `connect`
   * named the peer's routing id (a send to it right away is queued, as libzmq).
   */
  get #eager(): boolean {
    return (
      !this.core.options.immediate &&
      (this.core.traits.eagerPipe || this.#connectRoutingId !== undefined)
    );
  }

  start(): void {
    if (this.#eager) this.#createPipe(undefined);
    this.core.context._trackEndpointForExit(this);
    this.#attempt();
  }

  #createPipe(peer: PeerIdentity | undefined): Pipe {
    // A udp destination takes every group: the DISH behind it filters (libzmq).
    const receiveAll = (this.transport as { kind: string }).kind === "datagram";
    const pipe = this.core.attachPeer(peer, this.#connectRoutingId, receiveAll);
    if (this.runtime.trace !== undefined)
      this.runtime.tracing?.pipe(this.core, pipe, this.address, this.runtime.trace);
    this.#pipe = pipe;
    pipe.setHandler(this);
    return pipe;
  }

  // The pipe, while no session uses it: only its termination matters.
  terminated(): void {
    this.#pipe = undefined;
    this.close();
  }

  #attempt(): void {
    if (this.#closed) return;
    let connecter = this.#connecter;
    if (connecter === undefined && this.transport.connecter !== undefined) {
      connecter = this.transport.connecter(this.address);
      this.#connecter = connecter;
    }
    // A connecter cancels its attempt in flight when closed, so an AbortController
    // is only needed for a connect timeout or a transport without one (a socket
    // that connects once and closes, as in connection churn, then builds none).
    // One controller serves every attempt until one is aborted (connect timeout):
    // a reconnect loop need not build an AbortSignal every ~150 ms.
    let abort: AbortController | undefined;
    if (connecter === undefined || this.#timesOut()) {
      abort = this.#controller;
      if (abort === undefined || abort.signal.aborted) {
        abort = new AbortController();
        this.#controller = abort;
      }
    }
    // Without a controller, every attempt reports to `#attemptDone`, which is
    // also its token (`#abort`), with the same options: a loop of refused
    // attempts through a connecter that reports through callbacks
    // (`Connecter.attempt`) allocates nothing here, no closure, options object,
    // promise or microtask. With one, a callback per attempt, its token the
    // controller. (No closure in this function itself: a variable captured by
    // one would make V8 allocate a context at every call.)
    let done: ConnectDone<Connection>;
    let options: TransportOptions;
    if (abort === undefined) {
      done = this.#attemptDone;
      this.#abort = done;
      options = this.#reusedOptions();
    } else {
      done = this.#controlledDone(abort);
      this.#abort = abort;
      options = this.#attemptOptions(abort.signal);
    }
    if (this.#lingering) this.#updateHold();
    // libzmq connects ipc at once (a Unix socket connect does not wait): no connect:delay.
    // A tcp host name is resolved first: no connect:delay for one that does not resolve
    // (the transport calls `onConnecting`, see `#attemptOptions`).
    if (
      (this.transport as { reportsConnecting?: boolean }).reportsConnecting !== true &&
      schemeOf(this.address) !== "ipc" &&
      this.core.hub.active
    ) {
      this.core.emit({ type: "connect:delay", address: this.reported });
    }
    this.runtime.trace?.(`${this.socketType} connect ${this.address} attempt`);
    if (connecter?.attempt !== undefined) {
      connecter.attempt(options, done);
      return;
    }
    settleConnect(
      connecter === undefined
        ? this.transport.connect(this.address, options)
        : connecter.connect(options),
      done,
    );
  }

  /** The callback of an attempt under `abort` (its token), with its connect timeout armed. */
  #controlledDone(abort: AbortController): ConnectDone<Connection> {
    const cancelTimeout = this.#connectTimeout(abort);
    return (connection, error) => {
      cancelTimeout();
      if (connection !== undefined) this.#connected(abort, connection);
      else this.#failed(abort, error);
    };
  }

  /** Where every attempt without a controller reports, and its token (see `#attempt`). */
  readonly #attemptDone = (connection: Connection | undefined, error?: unknown): void => {
    if (connection !== undefined) this.#connected(this.#attemptDone, connection);
    else this.#failed(this.#attemptDone, error);
  };

  /** The transport options of one attempt (`signal`: its controller's). */
  #attemptOptions(signal: AbortSignal | undefined): TransportOptions {
    const options = this.core.connectOptions(signal);
    if ((this.transport as { reportsConnecting?: boolean }).reportsConnecting === true) {
      options.onConnecting = this.#onConnecting;
    }
    return options;
  }

  /** The options of attempts without a controller: the last ones, unless the socket's changed. */
  #reusedOptions(): TransportOptions {
    const version = this.core.optionsVersion;
    let options = this.#options;
    if (options === undefined || this.#optionsVersion !== version) {
      options = this.#attemptOptions(undefined);
      this.#options = options;
      this.#optionsVersion = version;
    }
    return options;
  }

  /** `onConnecting` of every attempt: the attempt in flight is under way (connect:delay). */
  readonly #onConnecting = (): void => {
    if (this.#abort !== undefined && !this.#closed && this.core.hub.active) {
      this.core.emit({ type: "connect:delay", address: this.reported });
    }
  };

  /** An attempt made a connection. */
  #connected(attempt: object, connection: Connection): void {
    if (this.#closed || this.#abort !== attempt) {
      dropConnection(connection);
      return;
    }
    this.#abort = undefined;
    // libzmq starts a fresh connecter (initial interval) once a connection
    // exists, whether or not its handshake then succeeds: the backoff grows
    // only over attempts that found no listener (measured on zeromq.js 6.8.0
    // against a peer that accepts and closes: connect:retry 100, 100, …).
    this.#interval = this.core.options.reconnectInterval;
    this.core.emit({ type: "connect", address: this.reported });
    this.runtime.trace?.(`${this.socketType} connect ${this.address} ok`);
    this.#ready = false;
    this.#session = startSession(this.core, this, this.address, connection);
    this.#updateHold();
  }

  /** An attempt failed (refused, unreachable, aborted, …). */
  #failed(attempt: object, error: unknown): void {
    if (this.#closed || this.#abort !== attempt) return;
    this.#abort = undefined;
    if (this.#holding) this.#updateHold();
    const code = (error as { code?: string }).code;
    this.runtime.trace?.(`${this.socketType} connect ${this.address} failed ${error}`);
    // Bad addresses are not worth retrying; the network being away is.
    if (code === "EINVAL" || code === "EPROTONOSUPPORT" || code === "ENODEV") {
      this.core.emit({ type: "close", address: this.reported });
      this.close();
      return;
    }
    // libzmq closes the socket of the failed attempt and says so (`close`) before it
    // schedules the next one; a host name that did not resolve had no socket yet.
    if (this.core.hub.active && !isResolveFailure(error)) {
      this.core.emit({ type: "close", address: this.reported });
    }
    this.#scheduleReconnect();
  }

  /** Whether attempts here are abandoned after ZMQ_CONNECT_TIMEOUT. */
  #timesOut(): boolean {
    return this.core.options.connectTimeout > 0 && this.transport.kind === "stream";
  }

  /**
   * ZMQ_CONNECT_TIMEOUT: a stream connection not established in time is
   * abandoned and retried like a refused one (libzmq's tcp_connecter). Returns
   * the function that disarms it.
   */
  #connectTimeout(abort: AbortController): () => void {
    const timeout = this.core.options.connectTimeout;
    if (!this.#timesOut()) return noop;
    return this.runtime.setTimer(
      timeout,
      () => {
        if (this.#abort !== abort || this.#closed) return;
        this.#abort = undefined;
        abort.abort();
        this.#updateHold();
        this.runtime.trace?.(`${this.socketType} connect ${this.address} timeout ${timeout}ms`);
        this.core.emit({ type: "close", address: this.reported });
        this.#scheduleReconnect();
      },
      { ref: false },
    );
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const { reconnectInterval, reconnectMaxInterval } = this.core.options;
    if (reconnectInterval < 0) {
      this.close();
      return;
    }
    if (reconnectMaxInterval > 0) {
      // Exponential backoff up to the maximum, no jitter (libzmq).
      const delay = Math.min(this.#interval, reconnectMaxInterval);
      this.#interval = Math.min(this.#interval * 2, reconnectMaxInterval);
      this.#schedule(delay, delay >= 50 ? RETRY : UNREF);
      return;
    }
    // libzmq adds a random jitter in [0, interval), drawn here on a grid (see `jitterGrid`).
    let grid = this.#grid;
    if (grid === undefined || grid.interval !== reconnectInterval) {
      grid = jitterGrid(reconnectInterval);
      this.#grid = grid;
    }
    const delay = reconnectInterval + grid.step * Math.floor(Math.random() * grid.choices);
    this.#schedule(delay, grid.options);
  }

  /** Arms the reconnect timer (`#cancelTimer` disarms it). */
  #schedule(delay: number, options: TimerOptions): void {
    if (this.core.hub.active) {
      this.core.emit({ type: "connect:retry", address: this.reported, interval: delay });
    }
    const runtime = this.runtime;
    runtime.trace?.(`${this.socketType} reconnect ${this.address} in ${delay}ms`);
    if (runtime.timer === undefined) {
      this.#cancelTimer = runtime.setTimer(delay, this.#retry, options);
      return;
    }
    let timer = this.#retryTimer;
    if (timer === undefined) {
      timer = runtime.timer(this.#retry);
      this.#retryTimer = timer;
    }
    timer.start(delay, options);
    this.#cancelTimer = this.#cancelRetryTimer;
  }

  readonly #cancelRetryTimer = (): void => {
    this.#retryTimer?.cancel();
  };

  /** The reconnect timer's callback (one function for every retry). */
  readonly #retry = (): void => {
    this.#cancelTimer = undefined;
    this.#attempt();
  };

  sessionReady(session: Session, peer: PeerIdentity): void {
    this.#ready = true;
    const pipe = this.#pipe ?? this.#createPipe(peer);
    session.usePipe(pipe);
    this.core.emit({ type: "handshake", address: this.reported });
  }

  sessionEnded(session: Session, end: SessionEnd): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#updateHold();
    const wasReady = this.#ready;
    this.#ready = false;
    this.runtime.trace?.(`${this.socketType} ${endReason(end, wasReady, this.address)}`);
    const pipe = session.releasePipe();
    if (session.lingering || this.#closed) {
      // The socket end of the pipe is gone: this endpoint is done.
      this.close();
      return;
    }
    if (pipe !== undefined) {
      if (!this.#eager || this.core.traits.freshPipeOnReconnect) {
        // A fresh pipe next time: subscriptions are re-sent when it attaches,
        // and a lazily attached peer gets its identity anew.
        pipe.terminate(UNTIL_READ);
        this.#pipe = undefined;
      } else {
        pipe.setHandler(this);
      }
    }
    reportEnd(this.core, this.reported, session, end, wasReady);
    if (end.kind === "protocol" && !retryAfter(end.error)) {
      // libzmq stops reconnecting an endpoint whose peer broke the protocol.
      this.close();
      return;
    }
    if (this.#eager && this.#pipe === undefined && !this.#closed) this.#createPipe(undefined);
    this.#scheduleReconnect();
  }

  /** Socket close is next: the session takes what the pipe already holds. */
  pumpBeforeClose(): void {
    this.#session?.pumpBeforeClose();
  }

  /** The socket closed: stop unless queued output still waits for a peer (linger). */
  socketClosed(): void {
    if (this.#pipe === undefined || this.core.ps.options.linger === 0) {
      this.close();
      return;
    }
    this.#lingering = true;
    this.#updateHold();
  }

  /**
   * While a closed socket's queued output waits for its peer (a connection attempt,
   * a session, or the wait before the next attempt), the process stays alive, as
   * libzmq's linger holds `zmq_ctx_term` at exit: `send(); close()` at the end of a
   * script delivers, and with linger -1 an absent peer is waited for (zeromq.js's
   * `blocky` default; `context.blocky = false` or a finite linger end the wait).
   */
  #updateHold(): void {
    const hold = this.#lingering && !this.#closed;
    if (hold === this.#holding) return;
    this.#holding = hold;
    if (hold) this.core.context._hold();
    else this.core.context._release();
  }

  /**
   * @internal At process end: what `exit-backlog.ts` needs to take this endpoint's
   * queued messages out (see `exitBacklogOf`).
   */
  _exitState(): {
    pipe: Pipe | undefined;
    ready: boolean;
    closed: boolean;
    connectRoutingId: Uint8Array | undefined;
  } {
    return {
      pipe: this.#pipe,
      ready: this.#ready,
      closed: this.#closed,
      connectRoutingId: this.#connectRoutingId,
    };
  }

  /**
   * @internal At process end (`deliverForExit`): `connection`, opened synchronously,
   * replaces whatever attempt or unfinished session this endpoint had, with a
   * session of its own as if a connect had just succeeded. Undefined once closed.
   */
  _connectForExit(connection: AnyConnection): Session | undefined {
    if (this.#closed) return undefined;
    // The attempt in flight (its handle is closed now) and the next one's timer.
    const attempt = this.#abort;
    this.#abort = undefined;
    if (attempt instanceof AbortController) attempt.abort();
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    // An unfinished session (its connection already closed at exit) lets go of the
    // pipe without ending the endpoint.
    const old = this.#session;
    this.#session = undefined;
    if (old !== undefined) {
      old.releasePipe();
      old.closeForExit();
    }
    this.#ready = false;
    const session = startSession(this.core, this, this.address, connection as Connection);
    if (!session.ended) this.#session = session;
    return session;
  }

  /**
   * @internal A replay of an `ExitBacklog`: queues `messages` (as a pipe holds them)
   * for the session to come, whatever the high-water mark.
   */
  _preload(messages: readonly Uint8Array[][]): boolean {
    const pipe = this.#pipe;
    if (pipe === undefined) return false;
    for (const msg of messages) if (!pipe.peer.write(msg)) return false;
    return true;
  }

  /** Disconnect: stop reconnecting and close the current connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const attempt = this.#abort;
    this.#abort = undefined;
    if (attempt instanceof AbortController) attempt.abort();
    this.#controller = undefined;
    this.#connecter?.close();
    this.#connecter = undefined;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const session = this.#session;
    this.#session = undefined;
    const pipe = this.#pipe;
    this.#pipe = undefined;
    pipe?.setHandler(undefined);
    if (session !== undefined) {
      session.releasePipe();
      session.shutdown();
    }
    pipe?.terminate(UNTIL_READ);
    this.#updateHold();
    this.core.context._forgetEndpointForExit(this);
    this.core.connectEndpointClosed(this);
  }
}
