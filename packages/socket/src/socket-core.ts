/**
 * Everything a socket is, behind the public class: the pattern socket, the
 * endpoints, option values, pending send/receive and events. The public
 * `Socket` keeps one of these in a private field, so internals never show up
 * on the zeromq.js-compatible surface.
 */
import {
  createPipePair,
  createSocket,
  type SocketOptions as PatternOptions,
  type Pipe,
  type SocketBase,
  type SocketTraits,
  type SocketType,
  socketTraits,
} from "@zmq/patterns";
import { parseEndpoint, type Transport } from "@zmq/transport";
import type { SocketTypeName } from "@zmq/wire";
import type { AcceptFilter } from "./accept-filter";
import type { Context } from "./context";
import { BindEndpoint, ConnectEndpoint } from "./endpoints";
import { toZmqError, ZmqError } from "./errors";
import { InprocBind, InprocConnect, threadsFor } from "./inproc";
import type { Message } from "./message";
import { type Event, EventHub } from "./observer";
import { type CoreOptionName, type CoreOptions, defaultCoreOptions } from "./options";
import type { Runtime } from "./runtime";
import { securitySessionOptions } from "./security";
import type { PeerIdentity, ZmtpSessionOptions } from "./session";
import { checkTransportRole } from "./udp-session";

/**
 * What a transport's `bind`/`connect` gets: a snapshot of the socket's options,
 * under the names the transports take (each reads those it knows).
 */
export interface TransportOptions {
  /** Connect only: aborted when the attempt is abandoned (disconnect, close). */
  signal?: AbortSignal;
  /**
   * Connect only, for a transport with `reportsConnecting`: called once the attempt
   * is under way (a host name resolved), when libzmq reports `connect:delay`.
   */
  onConnecting?: () => void;
  /** Idle listeners and connections do not keep the process alive. */
  ref: boolean;
  /** ZMQ_IPV6. */
  ipv6: boolean;
  /** TCP_NODELAY, always on (as libzmq). */
  noDelay: boolean;
  /** ZMQ_TCP_KEEPALIVE = 1. */
  keepAlive?: boolean;
  /** ZMQ_TCP_KEEPALIVE_IDLE, in ms. */
  keepAliveIdle?: number;
  /** ZMQ_BACKLOG (bind). */
  backlog?: number;
  /** ZMQ_WSS_KEY_PEM: the `wss://` server's private key (PEM). */
  wssKeyPem?: string;
  /** ZMQ_WSS_CERT_PEM: the `wss://` server's certificate chain (PEM). */
  wssCertPem?: string;
  /** ZMQ_WSS_TRUST_PEM: certificates (PEM) a `wss://` client trusts. */
  wssTrustPem?: string;
  /** ZMQ_WSS_HOSTNAME: the name a `wss://` client checks the server certificate for. */
  wssHostname?: string;
  /** ZMQ_WSS_TRUST_SYSTEM resolved: a `wss://` client also trusts the system CAs. */
  wssTrustSystem?: boolean;
  /** ZMQ_MULTICAST_HOPS (udp connect). */
  multicastHops?: number;
  /** ZMQ_MULTICAST_LOOP (udp connect). */
  multicastLoop?: boolean;
}

interface SendWaiter {
  frames: Uint8Array[];
  /** A message the socket type refuses (see `send`): rejected with this once writable. */
  invalid: ZmqError | undefined;
  resolve(): void;
  reject(error: Error): void;
  cancelTimer: (() => void) | undefined;
}

interface ReceiveWaiter {
  resolve(message: Message[]): void;
  reject(error: Error): void;
  cancelTimer: (() => void) | undefined;
}

const RESOLVED = Promise.resolve();
/** Why a pending send/receive failed with EAGAIN at close (zeromq.js's text is EAGAIN's). */
const CLOSED = new Error("the socket was closed while the operation was pending");
/** How deep the current call stack is inside sockets' `send` (any socket). */
let sendDepth = 0;
/** Operations resolved synchronously in a row before one is deferred to let I/O run. */
const MAX_SYNC_OPERATIONS = 512;

export class SocketCore {
  readonly socketType: SocketTypeName;
  readonly traits: SocketTraits;
  readonly context: Context;
  readonly ps: SocketBase;
  readonly hub: EventHub;
  readonly options: CoreOptions;
  readonly runtime: Runtime;
  readonly #binds: Array<BindEndpoint | InprocBind> = [];
  /** Connected endpoints by address; libzmq allows several connects to one address. */
  readonly #connects = new Map<string, Array<ConnectEndpoint | InprocConnect>>();
  #pendingBinds = 0;
  /** close() was called while a bind/unbind was in flight: it runs when that settles. */
  #closeDeferred = false;
  lastEndpoint: string | null = null;
  #sendWaiter: SendWaiter | undefined;
  #receiveWaiter: ReceiveWaiter | undefined;
  #syncOps = 0;
  #wakeScheduled = false;
  #closed = false;

  constructor(type: SocketType, context: Context, owner: object) {
    this.socketType = type;
    this.traits = socketTraits(type);
    this.context = context;
    this.runtime = context._runtime;
    this.ps = createSocket(type, {}, { scheduler: this.runtime });
    this.hub = new EventHub(owner, context, this.runtime.events);
    this.options = defaultCoreOptions(context);
    this.ps.setHandler({
      readable: () => this.#readable(),
      writable: () => this.#onWritable(),
    });
    context._register(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get routingId(): Uint8Array | undefined {
    return this.ps.options.routingId;
  }

  emit(event: Event): void {
    // libzmq's monitor reports nothing for udp endpoints (no bind, connect or
    // handshake: there is no listener and no handshake); checked against zeromq.js.
    if (!this.hub.active || ("address" in event && event.address.startsWith("udp://"))) return;
    this.hub.emit(event);
  }

  /** A peer of the wrong kind (inproc): reported as a failed handshake, as over ZMTP. */
  reportProtocolError(address: string, message: string): void {
    this.emit({
      type: "handshake:error:protocol",
      address,
      error: new ZmqError("ERR_ZMTP_UNSPECIFIED", message, address),
    });
  }

  // ---- options

  /**
   * Counts the changes of `options` (`setOption`): a connect endpoint keeps the
   * transport options of its last attempt (`connectOptions`) while it is unchanged.
   */
  optionsVersion = 0;

  /** Stores a (validated) value of a non-pattern table option. */
  setOption<K extends CoreOptionName>(name: K, value: unknown): void {
    if (this.#closed) throw new ZmqError("EBADF");
    (this.options as Record<K, unknown>)[name] = value;
    this.optionsVersion++;
  }

  /** ZMQ_TCP_ACCEPT_FILTER's list: each set adds one; null or "" clears it (libzmq). */
  acceptFilters: readonly AcceptFilter[] = [];

  /**
   * Sets ZMQ_TCP_ACCEPT_FILTER as libzmq does: `null` or `""` removes every filter,
   * anything else is parsed as a numeric address with an optional mask (by the
   * socket's current `ipv6`) and added; unparsable text is EINVAL. Binds made later
   * apply the list. A runtime without `acceptFilters` (no tcp listeners: a browser)
   * only stores the value.
   */
  addAcceptFilter(text: string | null): void {
    if (this.#closed) throw new ZmqError("EBADF");
    const support = this.runtime.acceptFilters;
    if (text === null || text === "") {
      this.acceptFilters = [];
    } else if (support !== undefined) {
      const filter = support.parse(text, this.options.ipv6, utf8Length(text));
      if (filter === undefined) {
        throw new ZmqError("EINVAL", undefined, undefined, {
          cause: new Error(
            `tcpAcceptFilter ${JSON.stringify(text)} is not a numeric ${this.options.ipv6 ? "IPv4 or IPv6" : "IPv4"} address with an optional /mask`,
          ),
        });
      }
      this.acceptFilters = [...this.acceptFilters, filter];
    }
    this.options.tcpAcceptFilter = text;
  }

  patternOption<K extends keyof PatternOptions>(name: K): PatternOptions[K] {
    return this.ps.getOption(name);
  }

  setPatternOption<K extends keyof PatternOptions>(name: K, value: PatternOptions[K]): void {
    this.#checkOpen();
    try {
      this.ps.setOption(name, value);
    } catch (error) {
      throw convert(error);
    }
  }

  sessionOptions(): ZmtpSessionOptions {
    const o = this.options;
    return {
      routingId: this.ps.options.routingId,
      maxMessageSize: o.maxMessageSize,
      handshakeInterval: o.handshakeInterval,
      heartbeatInterval: o.heartbeatInterval,
      heartbeatTimeToLive: o.heartbeatTimeToLive,
      heartbeatTimeout: o.heartbeatTimeout,
      ...securitySessionOptions(this),
    };
  }

  /** The options of one connect attempt, for whichever transport serves it. */
  connectOptions(signal: AbortSignal | undefined): TransportOptions {
    const options = this.#commonTransportOptions();
    if (signal !== undefined) options.signal = signal;
    options.multicastHops = this.options.multicastHops;
    options.multicastLoop = this.options.multicastLoop;
    return options;
  }

  /** The options of one bind. */
  bindOptions(): TransportOptions {
    const options = this.#commonTransportOptions();
    options.backlog = this.options.backlog;
    return options;
  }

  // Built field by field rather than with conditional spreads: a reconnect loop
  // asks for these every attempt.
  #commonTransportOptions(): TransportOptions {
    const o = this.options;
    const options: TransportOptions = {
      // Idle sockets do not hold the process open; pending operations do (Context._hold).
      ref: false,
      ipv6: o.ipv6,
      noDelay: true,
    };
    if (o.tcpKeepalive === 1) {
      options.keepAlive = true;
      if (o.tcpKeepaliveIdle > 0) options.keepAliveIdle = o.tcpKeepaliveIdle * 1000;
    }
    if (o.wssKeyPem !== null) options.wssKeyPem = o.wssKeyPem;
    if (o.wssCertPem !== null) options.wssCertPem = o.wssCertPem;
    if (o.wssTrustPem !== null) options.wssTrustPem = o.wssTrustPem;
    if (o.wssHostname !== null) options.wssHostname = o.wssHostname;
    if (o.wssTrustSystem >= 0) options.wssTrustSystem = o.wssTrustSystem === 1;
    return options;
  }

  // ---- pipes

  /** Creates a pipe pair, attaches the socket end, returns the session end. */
  attachPeer(
    peer: PeerIdentity | undefined,
    connectRoutingId: Uint8Array | undefined,
    receiveAll = false,
  ): Pipe {
    const [socketEnd, sessionEnd] = createPipePair(this.ps.pipeOptions());
    if (peer?.properties) socketEnd.properties = peer.properties;
    this.ps.attachPipe(socketEnd, {
      ...(peer !== undefined && { routingId: peer.routingId }),
      ...(connectRoutingId !== undefined && { connectRoutingId }),
      ...(receiveAll && { receiveAll }),
    });
    return sessionEnd;
  }

  // ---- endpoints

  #transport(address: string): Transport {
    return this.context._transports.resolve(address).transport as Transport;
  }

  /** Binds; a closed socket, a bind in flight or a non-string address throw at once (zeromq.js). */
  bind(address: string): Promise<void> {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    return this.#bind(address);
  }

  async #bind(address: string): Promise<void> {
    let transport: Transport | undefined;
    try {
      if (parseEndpoint(address).scheme !== "inproc") {
        transport = this.#transport(address);
        checkTransportRole(this.socketType, transport.scheme, "bind", address);
      }
    } catch (error) {
      throw convert(error, address);
    }
    this.#pendingBinds++;
    try {
      if (transport === undefined) {
        // Asynchronous like every bind: calls meanwhile get EBUSY (as zeromq.js).
        await undefined;
        // Closed meanwhile: as zeromq.js, the bind succeeded and the close undoes it.
        if (!this.#closed) this.#bindInproc(address);
        return;
      }
      const listener = await transport.bind(address, this.bindOptions());
      if (this.#closed) {
        // Closed while binding: as zeromq.js (which delays the close), the bind
        // itself succeeded; the socket is closed right after.
        await listener.close();
        return;
      }
      const endpoint = new BindEndpoint(this, address, listener);
      this.#binds.push(endpoint);
      this.lastEndpoint = endpoint.endpoint;
      this.emit({ type: "bind", address: endpoint.endpoint });
    } catch (error) {
      const zerr = convert(error, address);
      this.runtime.trace?.(`${this.socketType} bind-error ${address} ${zerr.code} ${zerr.message}`);
      this.#emitBindError(address, zerr);
      throw zerr;
    } finally {
      this.#pendingBinds--;
      this.#closeIfDeferred();
    }
  }

  /**
   * zeromq.js's `bindSync`: bound (and `lastEndpoint` set) when it returns; throws
   * what `bind` rejects with. tcp and ipc bind synchronously on Node; a transport
   * that can only bind asynchronously (ws, udp) throws ENOTSUP.
   */
  bindSync(address: string): void {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    let transport: Transport | undefined;
    try {
      if (parseEndpoint(address).scheme !== "inproc") {
        transport = this.#transport(address);
        checkTransportRole(this.socketType, transport.scheme, "bind", address);
        if (transport.bindSync === undefined) {
          throw new ZmqError(
            "ENOTSUP",
            `${transport.scheme}:// binds asynchronously only: use bind()`,
            address,
          );
        }
      }
    } catch (error) {
      throw convert(error, address);
    }
    if (transport === undefined) {
      this.#bindInproc(address);
      return;
    }
    let listener: Awaited<ReturnType<Transport["bind"]>>;
    try {
      listener = transport.bindSync!(address, this.bindOptions());
    } catch (error) {
      const zerr = convert(error, address);
      this.runtime.trace?.(`${this.socketType} bind-error ${address} ${zerr.code} ${zerr.message}`);
      this.#emitBindError(address, zerr);
      throw zerr;
    }
    const endpoint = new BindEndpoint(this, address, listener);
    this.#binds.push(endpoint);
    this.lastEndpoint = endpoint.endpoint;
    this.emit({ type: "bind", address: endpoint.endpoint });
  }

  /**
   * The events of a failed bind, as libzmq's monitor gives them: when the listening
   * socket existed (the OS refused bind/listen: EADDRINUSE, EACCES …) first its
   * `close` — with no address for tcp, whose listener has no endpoint yet, with the
   * endpoint for ipc — then `bind:error` with the address without its scheme
   * (`127.0.0.1:5555`, `/tmp/sock`: libzmq's raw endpoint) and the error without
   * `address`. An address that did not resolve (EINVAL, ENODEV, ENAMETOOLONG) had no
   * socket, so no `close`.
   */
  #emitBindError(address: string, zerr: ZmqError): void {
    const scheme = address.indexOf("://");
    if (!ADDRESS_ERRORS.has(zerr.code)) {
      this.emit(
        address.startsWith("ipc://")
          ? { type: "close", address }
          : ({ type: "close" } as unknown as Event),
      );
    }
    const error = new ZmqError(zerr.code, zerr.message, undefined, { cause: zerr.cause ?? zerr });
    this.emit({
      type: "bind:error",
      address: scheme < 0 ? address : address.slice(scheme + 3),
      error,
    });
  }

  #bindInproc(address: string): void {
    const names = this.context._inproc;
    const bind = new InprocBind(this, address);
    const registry = threadsFor(this, bind.name);
    if (names.has(bind.name) || registry?.lookup(bind.name) !== undefined) {
      throw new ZmqError("EADDRINUSE", `inproc name already bound: ${address}`, address);
    }
    // Here first (this thread's waiting connects take the direct path), then for
    // the other threads of a shared context.
    names.register(bind.name, bind);
    if (registry !== undefined) {
      try {
        bind.publish(registry);
      } catch (error) {
        // The shared table is full: the name stays private to this thread.
        if ((error as { code?: string }).code !== "ENOMEM") {
          // Another thread bound the name in between.
          void bind.close();
          throw convert(error, address);
        }
      }
    }
    this.#binds.push(bind);
    this.lastEndpoint = bind.endpoint;
    this.emit({ type: "bind", address: bind.endpoint });
  }

  /** Unbinds; a closed socket or a bind in flight throw at once (zeromq.js). */
  unbind(address: string): Promise<void> {
    this.#checkOpen();
    this.#checkNotBlocked();
    return this.#untilSettled(this.#unbind(address));
  }

  /**
   * `operation`, counted as a bind/unbind in flight until it settles, failed or not: as in
   * zeromq.js (where the work runs on another thread), a close() meanwhile waits for it.
   */
  async #untilSettled(operation: Promise<void>): Promise<void> {
    this.#pendingBinds++;
    try {
      await operation;
    } finally {
      this.#pendingBinds--;
      this.#closeIfDeferred();
    }
  }

  /**
   * Unbinds before returning: the address is free when it returns (the listener
   * closes at once; its cleanup, e.g. removing an `ipc://*` directory, follows).
   * zeromq.js 6 binds instead (its `unbindSync` is wired to `bindSync`); this does
   * what the name says.
   */
  unbindSync(address: string): void {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    const endpoint = this.#takeBind(address);
    void endpoint.close();
    this.emit({ type: "close", address: endpoint.endpoint });
  }

  /** Removes and returns the bound endpoint `address` names, or throws ENOENT. */
  #takeBind(address: string): BindEndpoint | InprocBind {
    // libzmq looks the endpoint up by its resolved form: a wildcard port or ipc path
    // ("tcp://127.0.0.1:*", "ipc://*") names no endpoint (ENOENT).
    // ws/wss only by the resolved form, which always names a path: `ws://127.0.0.1:5555`
    // (bound as given) is ENOENT, `ws://127.0.0.1:5555/` unbinds (libzmq).
    const wildcard =
      /:(\*|0)$/.test(address) || address === "ipc://*" || /^wss?:\/\//.test(address);
    const index = this.#binds.findIndex(
      (b) => b.endpoint === address || (!wildcard && b.address === address),
    );
    if (index < 0) throw this.#unknownEndpoint(address);
    return this.#binds.splice(index, 1)[0]!;
  }

  async #unbind(address: string): Promise<void> {
    const endpoint = this.#takeBind(address);
    this.#pendingBinds++;
    try {
      await endpoint!.close();
    } finally {
      this.#pendingBinds--;
      this.#closeIfDeferred();
    }
    this.emit({ type: "close", address: endpoint!.endpoint });
  }

  /** Connects; returns the new endpoint (undefined when a repeated connect is a no-op). */
  connect(
    address: string,
    connectRoutingId?: Uint8Array,
  ): ConnectEndpoint | InprocConnect | undefined {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    let transport: Transport | undefined;
    try {
      if (parseEndpoint(address).scheme !== "inproc") {
        transport = this.#transport(address);
        // Validate the address now, as zmq_connect does, so a typo throws at once.
        transport.checkEndpoint?.(address, "connect", { ipv6: this.options.ipv6 });
        checkTransportRole(this.socketType, transport.scheme, "connect", address);
      }
    } catch (error) {
      throw convert(error, address);
    }
    const existing = this.#connects.get(address);
    if (existing !== undefined && transport !== undefined && this.traits.singleConnect) {
      // libzmq: "no valid use for multiple connects" for these types; a repeat is a no-op.
      return undefined;
    }
    const routingId = connectRoutingId ?? this.ps.takeConnectRoutingId();
    const endpoint =
      transport === undefined
        ? new InprocConnect(this, address, routingId)
        : new ConnectEndpoint(this, address, transport, routingId);
    if (existing === undefined) this.#connects.set(address, [endpoint]);
    else existing.push(endpoint);
    // libzmq's zmq_connect sets ZMQ_LAST_ENDPOINT too: the address as given (ws: with its path).
    this.lastEndpoint = endpoint instanceof ConnectEndpoint ? endpoint.reported : address;
    endpoint.start();
    return endpoint;
  }

  disconnect(address: string): void {
    this.#checkOpen();
    this.#checkNotBlocked();
    const endpoints = this.#connects.get(address);
    if (endpoints === undefined) throw this.#unknownEndpoint(address);
    // Every connection made to this address goes (libzmq's term_endpoint).
    for (const endpoint of [...endpoints]) endpoint.close();
  }

  /**
   * An endpoint unbind/disconnect does not know: a malformed address or an unknown
   * scheme fail as libzmq parses it (EINVAL, EPROTONOSUPPORT), a well-formed one ENOENT.
   */
  #unknownEndpoint(address: string): ZmqError {
    try {
      if (parseEndpoint(address).scheme !== "inproc") this.#transport(address);
    } catch (error) {
      return convert(error, address);
    }
    return new ZmqError("ENOENT", undefined, address);
  }

  connectEndpointClosed(endpoint: ConnectEndpoint | InprocConnect): void {
    const endpoints = this.#connects.get(endpoint.address);
    const index = endpoints?.indexOf(endpoint) ?? -1;
    if (index < 0) return;
    endpoints!.splice(index, 1);
    if (endpoints!.length === 0) this.#connects.delete(endpoint.address);
  }

  subscribe(prefix: Uint8Array | string, on: boolean): void {
    // A subscription is a socket option in libzmq (ZMQ_SUBSCRIBE): zeromq.js's errors are an
    // option's, ENOTSOCK once closed.
    if (this.#closed) throw new ZmqError("ENOTSOCK");
    if (typeof prefix !== "string" && !(prefix instanceof Uint8Array)) {
      throw new TypeError("Option value must be a string or buffer");
    }
    try {
      if (on) this.ps.subscribe(prefix);
      else this.ps.unsubscribe(prefix);
    } catch (error) {
      throw convert(error);
    }
  }

  // ---- send and receive

  /**
   * The checks `send` makes before it looks at the message, thrown synchronously
   * (zeromq.js): closed (EBADF), a bind or unbind in flight or a send waiting (EBUSY).
   * The draft sockets call it before they convert their routing id or group, as
   * zeromq.js's validation runs in that order.
   */
  checkSend(): void {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (this.#sendWaiter) {
      throw new ZmqError(
        "EBUSY",
        "Socket is busy writing; only one send operation may be in progress at any time",
      );
    }
  }

  /**
   * Sends `frames`, waiting up to `sendTimeout` while the socket cannot send.
   * `invalid`: the socket type refuses this message (a multipart message on a
   * draft type); as in zeromq.js, which only hands a message to libzmq once the
   * socket is writable (or `sendTimeout` is 0, or the timeout expired), the send
   * then rejects with it, and waits like any other send until then.
   */
  send(frames: Uint8Array[], invalid?: ZmqError): Promise<void> {
    this.checkSend();
    // An empty array is a message of no frames: nothing to send (as with zeromq.js).
    if (frames.length === 0) return RESOLVED;
    const timeout = this.options.sendTimeout;
    if (this.runtime.trace !== undefined && this.socketType === "ROUTER") {
      this.runtime.tracing?.routerSend(this, frames, this.runtime.trace);
    }
    let sent: boolean;
    if (invalid !== undefined) {
      if (timeout === 0 || this.writable) return Promise.reject(invalid);
      sent = false;
    } else {
      try {
        sendDepth++;
        try {
          sent = this.ps.send(frames);
        } finally {
          sendDepth--;
        }
      } catch (error) {
        const zerr = convert(error);
        // A state error waits, as zeromq.js (the socket is not writable until the state
        // changes), and is reported when the timeout expires.
        if (!this.#waitsOnState(zerr)) return Promise.reject(zerr);
        if (timeout === 0) return Promise.reject(stateError(zerr));
        sent = false;
      }
    }
    if (sent) {
      this.#afterSend();
      if (++this.#syncOps < MAX_SYNC_OPERATIONS) return RESOLVED;
      this.#syncOps = 0;
      return new Promise((resolve) => this.runtime.defer(resolve));
    }
    this.#syncOps = 0;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN"));
    return new Promise<void>((resolve, reject) => {
      const waiter: SendWaiter = { frames, invalid, resolve, reject, cancelTimer: undefined };
      if (timeout > 0) {
        waiter.cancelTimer = this.runtime.setTimer(timeout, () => {
          if (this.#sendWaiter !== waiter) return;
          this.#sendWaiter = undefined;
          this.context._release();
          // One last attempt tells a state error (EFSM, EHOSTUNREACH) from a full pipe.
          if (invalid !== undefined) {
            reject(invalid);
            return;
          }
          try {
            if (this.ps.send(frames)) {
              this.#afterSend();
              resolve();
              return;
            }
          } catch (error) {
            const zerr = convert(error);
            reject(this.#waitsOnState(zerr) ? stateError(zerr) : zerr);
            return;
          }
          reject(new ZmqError("EAGAIN"));
        });
      }
      this.#sendWaiter = waiter;
      this.context._hold();
    });
  }

  receive(): Promise<Message[]> {
    this.#checkOpen();
    this.#checkNotBlocked();
    if (this.#receiveWaiter) {
      throw new ZmqError(
        "EBUSY",
        "Socket is busy reading; only one receive operation may be in progress at any time",
      );
    }
    const timeout = this.options.receiveTimeout;
    let message: Uint8Array[] | undefined;
    try {
      message = this.ps.receive();
    } catch (error) {
      const zerr = convert(error);
      if (!this.#waitsOnState(zerr)) return Promise.reject(zerr);
      if (timeout === 0) return Promise.reject(stateError(zerr));
      message = undefined;
    }
    if (message !== undefined) {
      this.#afterReceive();
      const ready = this.runtime.toMessage(message) as Message[];
      if (++this.#syncOps < MAX_SYNC_OPERATIONS) return Promise.resolve(ready);
      this.#syncOps = 0;
      return new Promise((resolve) => this.runtime.defer(() => resolve(ready)));
    }
    this.#syncOps = 0;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN"));
    return new Promise<Message[]>((resolve, reject) => {
      const waiter: ReceiveWaiter = { resolve, reject, cancelTimer: undefined };
      if (timeout > 0) {
        waiter.cancelTimer = this.runtime.setTimer(timeout, () => {
          if (this.#receiveWaiter !== waiter) return;
          this.#receiveWaiter = undefined;
          this.context._release();
          try {
            const late = this.ps.receive();
            if (late !== undefined) {
              this.#afterReceive();
              resolve(this.runtime.toMessage(late) as Message[]);
              return;
            }
          } catch (error) {
            const zerr = convert(error);
            reject(this.#waitsOnState(zerr) ? stateError(zerr) : zerr);
            return;
          }
          reject(new ZmqError("EAGAIN"));
        });
      }
      this.#receiveWaiter = waiter;
      this.context._hold();
    });
  }

  /**
   * The next message when it can be taken now, with no wait, deferral or error
   * (the async iterator's fast path: no promise chain per message); undefined
   * means "call `receive()`", which then also reports any error.
   */
  receiveNow(): Message[] | undefined {
    if (this.#closed || this.#pendingBinds > 0 || this.#receiveWaiter !== undefined)
      return undefined;
    if (this.#syncOps + 1 >= MAX_SYNC_OPERATIONS) return undefined;
    let message: Uint8Array[] | undefined;
    try {
      message = this.ps.receive();
    } catch {
      return undefined; // receive() meets the same error and handles it
    }
    if (message === undefined) return undefined;
    this.#syncOps++;
    this.#afterReceive();
    return this.runtime.toMessage(message) as Message[];
  }

  get readable(): boolean {
    return !this.#closed && this.ps.canReceive;
  }

  get writable(): boolean {
    // libzmq's SUB never reports ZMQ_POLLOUT (its xhas_out is false: subscriptions are no
    // messages of the application), unlike XSUB and DISH.
    return !this.#closed && this.socketType !== "SUB" && this.ps.canSend;
  }

  #onWritable(): void {
    const waiter = this.#sendWaiter;
    if (waiter === undefined) return;
    if (waiter.invalid !== undefined) {
      if (!this.writable) return;
      this.#settleSend(waiter);
      waiter.reject(waiter.invalid);
      return;
    }
    let sent: boolean;
    try {
      sendDepth++;
      try {
        sent = this.ps.send(waiter.frames);
      } finally {
        sendDepth--;
      }
    } catch (error) {
      const zerr = convert(error);
      if (this.#waitsOnState(zerr)) return; // still the wrong state: keep waiting
      this.#settleSend(waiter);
      waiter.reject(zerr);
      return;
    }
    if (!sent) return;
    this.#settleSend(waiter);
    this.#afterSend();
    waiter.resolve();
  }

  /**
   * A message arrived. Inside another socket's send (an inproc peer writing into
   * the pipe pair), the wake-up is deferred, as libzmq's activate_read command
   * reaches the reader later: the sender goes on queuing, and the reader then
   * takes a batch without a promise round trip per message.
   */
  #readable(): void {
    if (sendDepth === 0) {
      this.#onReadable();
      return;
    }
    if (this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    this.runtime.defer(this.#deferredReadable);
  }

  readonly #deferredReadable = (): void => {
    this.#wakeScheduled = false;
    if (!this.#closed) this.#onReadable();
  };

  #onReadable(): void {
    const waiter = this.#receiveWaiter;
    if (waiter === undefined) return;
    let message: Uint8Array[] | undefined;
    try {
      message = this.ps.receive();
    } catch (error) {
      const zerr = convert(error);
      if (this.#waitsOnState(zerr)) return;
      this.#settleReceive(waiter);
      waiter.reject(zerr);
      return;
    }
    if (message === undefined) return;
    this.#settleReceive(waiter);
    this.#afterReceive();
    waiter.resolve(this.runtime.toMessage(message) as Message[]);
  }

  /**
   * Errors that mean "not now" rather than "never", as libzmq's poll flags make them:
   * REQ/REP out of turn (EFSM: not writable/readable until the state changes) and a
   * mandatory ROUTER with no peer to write to (EHOSTUNREACH while it has none). zeromq.js
   * waits on them and reports them when the timeout expires.
   */
  #waitsOnState(error: ZmqError): boolean {
    if (error.code === "EFSM") return true;
    return error.code === "EHOSTUNREACH" && this.socketType === "ROUTER" && !this.ps.canSend;
  }

  /** A send went out: a REQ/REP state change may let a waiting receive proceed. */
  #afterSend(): void {
    if (this.#receiveWaiter !== undefined) this.runtime.defer(() => this.#onReadable());
  }

  /** A receive completed: a waiting send may proceed now (REQ after its reply). */
  #afterReceive(): void {
    if (this.#sendWaiter !== undefined) this.runtime.defer(() => this.#onWritable());
  }

  #settleSend(waiter: SendWaiter): void {
    waiter.cancelTimer?.();
    this.#sendWaiter = undefined;
    this.context._release();
  }

  #settleReceive(waiter: ReceiveWaiter): void {
    waiter.cancelTimer?.();
    this.#receiveWaiter = undefined;
    this.context._release();
  }

  // ---- life cycle

  #checkOpen(): void {
    if (this.#closed) throw new ZmqError("EBADF");
  }

  /** While a bind or unbind is in flight, zeromq.js refuses endpoint and I/O calls with EBUSY. */
  #checkNotBlocked(): void {
    if (this.#pendingBinds > 0) {
      throw new ZmqError("EBUSY", "Socket is blocked by a bind or unbind operation");
    }
  }

  /** How many endpoints are bound or connected (zeromq.js's Proxy needs at least one). */
  get endpointCount(): number {
    let count = this.#binds.length;
    for (const endpoints of this.#connects.values()) count += endpoints.length;
    return count;
  }

  /** Bind/unbind in flight (zeromq.js refuses some calls meanwhile). */
  get binding(): boolean {
    return this.#pendingBinds > 0;
  }

  #closeIfDeferred(): void {
    if (!this.#closeDeferred || this.#pendingBinds > 0) return;
    this.#closeDeferred = false;
    this.close();
  }

  /**
   * Closes the socket. During a bind or unbind the close waits until that settles (the
   * socket reads `closed === false` meanwhile), as zeromq.js defers it.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#pendingBinds > 0) {
      this.#closeDeferred = true;
      return;
    }
    this.#closed = true;
    // A pending send or receive is tried one last time, as zeromq.js does when it closes
    // (its poller fires them): a state error (EFSM …) is reported as such, anything else
    // that cannot complete is EAGAIN.
    const send = this.#sendWaiter;
    if (send) {
      this.#settleSend(send);
      let sent = false;
      let failure: ZmqError | undefined;
      try {
        sent = this.ps.send(send.frames);
      } catch (error) {
        const zerr = convert(error);
        if (this.#waitsOnState(zerr)) failure = stateError(zerr);
      }
      if (sent) send.resolve();
      else send.reject(failure ?? new ZmqError("EAGAIN", undefined, undefined, { cause: CLOSED }));
    }
    const receive = this.#receiveWaiter;
    if (receive) {
      this.#settleReceive(receive);
      let message: Uint8Array[] | undefined;
      let failure: ZmqError | undefined;
      try {
        message = this.ps.receive();
      } catch (error) {
        const zerr = convert(error);
        if (this.#waitsOnState(zerr)) failure = stateError(zerr);
      }
      if (message !== undefined) receive.resolve(this.runtime.toMessage(message) as Message[]);
      else
        receive.reject(failure ?? new ZmqError("EAGAIN", undefined, undefined, { cause: CLOSED }));
    }
    // What sends already handed over is taken first (see Session.pumpBeforeClose).
    for (const bind of this.#binds) if (bind instanceof BindEndpoint) bind.pumpBeforeClose();
    for (const endpoint of [...this.#connects.values()].flat()) {
      if (endpoint instanceof ConnectEndpoint) endpoint.pumpBeforeClose();
    }
    // inproc pairs in this thread: sent messages are the peer's already, whatever the linger.
    for (const bind of this.#binds) if (bind instanceof InprocBind) bind.releaseOnClose();
    for (const endpoint of [...this.#connects.values()].flat()) {
      if (endpoint instanceof InprocConnect) endpoint.releaseOnClose();
    }
    // Pipes terminate with the linger option: queued output keeps flowing for that long.
    this.ps.close();
    for (const bind of this.#binds.splice(0)) {
      bind.stopListening();
      // libzmq reports each listener it closes (ZMQ_EVENT_CLOSED) before the monitor ends.
      this.emit({ type: "close", address: bind.endpoint });
    }
    // Connect endpoints with queued output keep (re)connecting until their pipe
    // drains or the linger time passes; the others stop now.
    for (const endpoint of [...this.#connects.values()].flat()) endpoint.socketClosed();
    this.context._unregister(this);
    this.hub.end();
  }
}

/** A state error as zeromq.js reports it (libzmq's text); ours explains it in `cause`. */
function stateError(error: ZmqError): ZmqError {
  return new ZmqError(error.code, undefined, undefined, { cause: error });
}

/**
 * Lower layers' errors as ZmqError; a TypeError (a wrong argument) is thrown as it is. The
 * message is libzmq's `zmq_strerror` text for the code, as zeromq.js reports it; the lower
 * layer's explanation stays reachable as `cause`.
 */
function convert(error: unknown, address?: string): ZmqError {
  if (error instanceof TypeError) throw error;
  return withLibzmqText(toZmqError(error, address));
}

/** `error` with libzmq's `zmq_strerror` text for its code as message, the original as `cause`. */
export function withLibzmqText(error: ZmqError): ZmqError {
  const text = new ZmqError(error.code).message;
  if (text === error.code || text === error.message) return error;
  return new ZmqError(error.code, text, error.address, { cause: error });
}

/** Bind errors of an address that never got a listening socket (no `close` event). */
const ADDRESS_ERRORS = new Set([
  "EINVAL",
  "ENODEV",
  "ENAMETOOLONG",
  "EPROTONOSUPPORT",
  "ENOCOMPATPROTO",
]);

/** The length of `text` in UTF-8 bytes. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
