import type { AddressInfo, Server, Socket, TcpNetConnectOpts } from "node:net";
import {
  abortError,
  type BindOptions,
  type ConnectDone,
  type Connecter,
  type ConnectOptions,
  type Listener,
  parseEndpointFor,
  type StreamConnection,
  settleConnect,
  type Transport,
  TransportError,
  throwIfAborted,
} from "@zmq/transport";
import {
  adoptAccepted,
  awaitNetConnect,
  connectError,
  DIRECT_READS_SUPPORTED,
  DirectReads,
  NetListener,
  type NetListenOptions,
  NetStreamConnection,
  nodeNet,
  RAW_CONNECT_SUPPORTED,
  type RawAttemptCallback,
  type RawConnectTarget,
  RawTcpDialer,
  type RawTcpHandle,
  rawConnectError,
  rawSocket,
  WRITE_HIGH_WATER_MARK,
} from "@zmq/transport/node";
import {
  bindAddress,
  formatTcpEndpoint,
  lookupLocalHost,
  lookupLocalHostSync,
  notIpv4,
  parseTcpAddress,
  resolveLocalHost,
  type TcpAddress,
} from "./tcp-address";

/** Socket options shared by bind and connect. */
export interface TcpSocketOptions {
  /** TCP_NODELAY. Default `true` (as libzmq). */
  noDelay?: boolean;
  /** SO_KEEPALIVE (`ZMQ_TCP_KEEPALIVE`). Default `false`. */
  keepAlive?: boolean;
  /** Idle time before the first keepalive probe, in milliseconds (`ZMQ_TCP_KEEPALIVE_IDLE` × 1000). */
  keepAliveIdle?: number;
  /**
   * `ZMQ_IPV6`: `tcp://*:…` binds `::` (dual stack), interface names and host
   * names prefer IPv6. Without it, as in libzmq, only IPv4 is used: an IPv6
   * literal (`[::1]`) does not bind (ENODEV) and a connect to one is retried
   * like one to a name that does not resolve. Default `false`.
   */
  ipv6?: boolean;
}

/** Options for `TcpTransport.bind`. */
export interface TcpBindOptions extends BindOptions, TcpSocketOptions {
  /** Listen backlog (`ZMQ_BACKLOG`). Default 100, as libzmq. */
  backlog?: number;
}

/** Options for `TcpTransport.connect`. */
export interface TcpConnectOptions extends ConnectOptions, TcpSocketOptions {
  /**
   * Called once the attempt is under way: at once for an IP address, after the
   * lookup for a host name, and never for a name that does not resolve. (libzmq
   * resolves before it opens its socket, so its `connect:delay` event comes only
   * for a name that resolved.)
   */
  onConnecting?: () => void;
}

/**
 * Calls `options.onConnecting` when `socket`'s attempt at `host` is under way
 * (after Node's lookup of a host name, if it succeeded).
 */
function reportConnecting(socket: Socket, host: string, options: TcpConnectOptions): void {
  const onConnecting = options.onConnecting;
  if (onConnecting === undefined || nodeNet().isIP(host) !== 0) return;
  socket.once("lookup", (error: Error | null) => {
    if (error === null) onConnecting();
  });
}

function endpointOf(address: string | undefined, port: number | undefined): string {
  return formatTcpEndpoint(address ?? "", port ?? 0);
}

function wrap(socket: Socket, reads?: DirectReads): NetStreamConnection {
  return new NetStreamConnection(
    socket,
    endpointOf(socket.localAddress, socket.localPort),
    endpointOf(socket.remoteAddress, socket.remotePort),
    socket.remoteAddress ?? "",
    reads,
  );
}

/** An accepted socket, moved to one that reads through `onread` where possible. */
function wrapAccepted(socket: Socket): NetStreamConnection {
  const reads = new DirectReads();
  const adopted = adoptAccepted(socket, reads, { writableHighWaterMark: WRITE_HIGH_WATER_MARK });
  return adopted === undefined ? wrap(socket) : wrap(adopted, reads);
}

/**
 * The tcp transport: `tcp://host:port`, `tcp://*:*`, `tcp://[::1]:port`,
 * `tcp://eth0:port` (bind), `tcp://src;dst` (connect). Produces byte streams.
 */
export class TcpTransport
  implements Transport<StreamConnection, TcpBindOptions, TcpConnectOptions>
{
  readonly scheme = "tcp";
  readonly kind = "stream" as const;
  /** `connect` calls `options.onConnecting` (see `TcpConnectOptions`). */
  readonly reportsConnecting = true;

  checkEndpoint(endpoint: string, role: "bind" | "connect"): void {
    // A connect endpoint is parsed once (sockets connecting to the same one over
    // and over, as in connection churn, find it in the cache).
    if (role === "connect") connectTarget(endpoint);
    else parseTcpAddress(parseEndpointFor("tcp", endpoint).address, endpoint, role);
  }

  async bind(endpoint: string, options: TcpBindOptions = {}): Promise<Listener<StreamConnection>> {
    const parsed = parseTcpAddress(parseEndpointFor("tcp", endpoint).address, endpoint, "bind");
    const ipv6 = options.ipv6 ?? false;
    const host = bindAddress(await lookupLocalHost(parsed.host, ipv6, endpoint), ipv6);
    const { server, listenOptions } = this.#prepareBind(endpoint, options, parsed, host);
    return NetListener.listen(server, listenOptions);
  }

  /**
   * Binds before returning (zeromq.js's `bindSync`); throws what `bind` rejects with,
   * except that a host name is not asked of DNS (Node has none that does not wait):
   * IP literals, interface names, names in the hosts file, `localhost` and this
   * host's own name bind synchronously, any other name throws ENODEV
   * (`lookupLocalHostSync`).
   */
  bindSync(endpoint: string, options: TcpBindOptions = {}): Listener<StreamConnection> {
    const parsed = parseTcpAddress(parseEndpointFor("tcp", endpoint).address, endpoint, "bind");
    const ipv6 = options.ipv6 ?? false;
    const host = bindAddress(lookupLocalHostSync(parsed.host, ipv6, endpoint), ipv6);
    const { server, listenOptions } = this.#prepareBind(endpoint, options, parsed, host);
    return NetListener.listenSync(server, listenOptions);
  }

  #prepareBind(endpoint: string, options: TcpBindOptions, parsed: TcpAddress, host: string) {
    throwIfAborted(options.signal, endpoint);
    const server = nodeNet().createServer({
      highWaterMark: WRITE_HIGH_WATER_MARK,
      allowHalfOpen: true,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveIdle ?? 0,
    });
    return {
      server,
      listenOptions: {
        listen: { host, port: parsed.port, backlog: options.backlog ?? 100, ipv6Only: false },
        address: endpoint,
        ref: options.ref,
        signal: options.signal,
        wrap: wrapAccepted,
        resolveEndpoint: (bound: Server) => {
          const info = bound.address() as AddressInfo;
          return formatTcpEndpoint(info.address, info.port);
        },
      } satisfies NetListenOptions,
    };
  }

  connect(endpoint: string, options: TcpConnectOptions = {}): Promise<StreamConnection> {
    // Not an async function: the attempt's promise is awaitNetConnect's own, with
    // no second promise around it (synchronous failures still become rejections).
    try {
      throwIfAborted(options.signal, endpoint);
      const reads = DIRECT_READS_SUPPORTED ? new DirectReads() : undefined;
      const netOptions = netConnectOptions(endpoint, options);
      if (reads !== undefined) netOptions.onread = reads.onread;
      if (nodeNet().isIP(netOptions.host!) !== 0) options.onConnecting?.();
      const socket = nodeNet().connect(netOptions);
      reportConnecting(socket, netOptions.host!, options);
      return awaitNetConnect(socket, endpoint, options, (connected) => wrap(connected, reads));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Attempts at `endpoint` that reuse the `net.Socket` of a failed attempt. */
  connecter(endpoint: string): Connecter<StreamConnection, TcpConnectOptions> {
    return new TcpConnecter(endpoint);
  }
}

/**
 * A reconnect loop's attempts at one endpoint. Where Node's TCP handle is
 * reachable (`RAW_CONNECT_SUPPORTED`) and the target is a numeric address, an
 * attempt is made on a bare handle, and only a connection that succeeds gets a
 * `net.Socket` (see `RawTcpDialer`; on Linux a refused handle is kept and
 * connected again by the next attempt, so a refused attempt makes no socket,
 * handle or close). A refused attempt then allocates its connect request and,
 * through `connect`, the attempt's promise, nothing else: the parsed
 * target is kept, the abort listener stays on the signal for as long as the
 * caller passes the same one, and the rejection for a given failure (status
 * and syscall) is made once per connecter and reused (a `TransportError` with
 * its platform error as `cause`, as `connect` makes).
 *
 * Otherwise a refused attempt leaves a destroyed `net.Socket` behind; once it
 * has emitted `close`, Node lets the same object `connect()` again, which skips
 * building a new stream (about half the cost of a refused attempt on loopback).
 * A socket that connects is handed to its connection and never reused.
 */
class TcpConnecter implements Connecter<StreamConnection, TcpConnectOptions> {
  readonly #endpoint: string;
  /** A socket whose attempt failed and which has closed: the next attempt's. */
  #spare: Socket | undefined;
  #closed = false;
  /** `close` listener of every socket this connecter made (`this` is the socket). */
  readonly #keep: (this: Socket) => void;
  /** Wraps a connected socket, which stops being a candidate for reuse. */
  readonly #wrap: (socket: Socket) => NetStreamConnection;

  // ---- the bare-handle path
  /** The numeric target for `ipv6` false / true (`null`: not numeric, use `net`). */
  readonly #targets: (RawConnectTarget | null | undefined)[] = [undefined, undefined];
  /** Attempts at `#targets[i]` (each keeps its refused handle for the next attempt). */
  readonly #dialers: (RawTcpDialer | undefined)[] = [undefined, undefined];
  /** The dialer of the attempt in flight and how to settle it. */
  #attempt: RawTcpDialer | undefined;
  #callback: ConnectDone<StreamConnection> | undefined;
  #options: TcpConnectOptions | undefined;
  /** A bare-handle attempt is being started (its failure must not be reported yet). */
  #starting = false;
  /** The signal `#onAbort` listens to. */
  #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  readonly #done: RawAttemptCallback;
  /** Rejections by failure (see the class doc). */
  readonly #errors = new Map<number, TransportError>();
  /** Cancels a `net` attempt made without the caller's signal, at close. */
  #netAbort: AbortController | undefined;

  constructor(endpoint: string) {
    this.#endpoint = endpoint;
    const connecter = this;
    this.#keep = function (this: Socket) {
      if (!connecter.#closed) connecter.#spare = this;
    };
    const keep = this.#keep;
    this.#wrap = (socket) => {
      socket.removeListener("close", keep);
      return wrap(socket, readsOf.get(socket));
    };
    this.#onAbort = () => {
      const callback = this.#callback;
      if (callback === undefined || this.#attempt?.abort() !== true) return;
      this.#settled();
      callback(undefined, abortError(endpoint, this.#signal?.reason));
    };
    this.#done = (status, syscall, handle) => this.#rawDone(status, syscall, handle);
  }

  // No closure in the functions of a refused attempt's path (this one,
  // `#rawStart`, `#rawDone`): a variable an inner function captures makes V8
  // allocate a context at every call, used or not. The other paths are in
  // functions of their own (`failLater`, `settleConnect`).
  attempt(options: TcpConnectOptions | undefined, done: ConnectDone<StreamConnection>): void {
    const settings = options ?? {};
    try {
      throwIfAborted(settings.signal, this.#endpoint);
      if (RAW_CONNECT_SUPPORTED) {
        const ipv6 = settings.ipv6 ?? false;
        if (this.#rawTarget(ipv6) !== null) {
          settings.onConnecting?.();
          this.#rawStart(ipv6, settings, done);
          return;
        }
      }
    } catch (error) {
      failLater(done, error);
      return;
    }
    settleConnect(this.connect(settings), done);
  }

  connect(options: TcpConnectOptions = {}): Promise<StreamConnection> {
    const endpoint = this.#endpoint;
    try {
      throwIfAborted(options.signal, endpoint);
      if (RAW_CONNECT_SUPPORTED) {
        const ipv6 = options.ipv6 ?? false;
        if (this.#rawTarget(ipv6) !== null) {
          options.onConnecting?.();
          return new Promise<StreamConnection>((resolve, reject) => {
            this.#rawStart(ipv6, options, (connection, error) => {
              if (connection !== undefined) resolve(connection);
              else reject(error);
            });
          });
        }
      }
      const netOptions = netConnectOptions(endpoint, options);
      if (nodeNet().isIP(netOptions.host!) !== 0) options.onConnecting?.();
      let socket = this.#spare;
      this.#spare = undefined;
      if (socket === undefined) {
        // The onread state stays with its socket: a reused socket reads through it
        // again (Node re-applies `onread` to the handle each connect makes).
        const reads = DIRECT_READS_SUPPORTED ? new DirectReads() : undefined;
        if (reads !== undefined) netOptions.onread = reads.onread;
        socket = nodeNet().connect(netOptions);
        if (reads !== undefined) readsOf.set(socket, reads);
        socket.on("close", this.#keep);
      } else {
        // What the constructor took from the options; connect() takes the rest.
        socket.setNoDelay(netOptions.noDelay);
        socket.setKeepAlive(netOptions.keepAlive, netOptions.keepAliveInitialDelay);
        // An attempt abandoned during its lookup left its listener behind.
        socket.removeAllListeners("lookup");
        socket.connect(netOptions);
      }
      reportConnecting(socket, netOptions.host!, options);
      // close() cancels the attempt: through the caller's signal if it gave one,
      // else through a controller of this connecter's (made on this path only).
      let netAttemptOptions: { signal?: AbortSignal | undefined; ref?: boolean | undefined } =
        options;
      if (options.signal === undefined) {
        this.#netAbort ??= new AbortController();
        netAttemptOptions = { ref: options.ref, signal: this.#netAbort.signal };
      }
      return awaitNetConnect(socket, endpoint, netAttemptOptions, this.#wrap);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The endpoint as a bare-handle target, or `null` when a name must be looked up. */
  #rawTarget(ipv6: boolean): RawConnectTarget | null {
    const index = ipv6 ? 1 : 0;
    let target = this.#targets[index];
    if (target === undefined) {
      const endpoint = this.#endpoint;
      const parsed = connectTarget(endpoint);
      const source = parsed.source;
      const localAddress =
        source === undefined ? undefined : resolveLocalHost(source.host, ipv6, endpoint);
      const family = nodeNet().isIP(parsed.host);
      target =
        // An IPv6 literal without ipv6 goes the net path, which fails it as libzmq does.
        family !== 0 &&
        (family === 4 || ipv6) &&
        (localAddress === undefined || nodeNet().isIP(localAddress) !== 0)
          ? {
              host: parsed.host,
              port: parsed.port,
              family: family === 6 ? 6 : 4,
              localAddress,
              localPort: source === undefined || source.port === 0 ? undefined : source.port,
            }
          : null;
      this.#targets[index] = target;
    }
    return target;
  }

  /**
   * Starts an attempt on a bare handle at `#targets[ipv6 ? 1 : 0]` (a numeric
   * target); `done` is called once, never before this returns.
   */
  #rawStart(ipv6: boolean, options: TcpConnectOptions, done: ConnectDone<StreamConnection>): void {
    const signal = options.signal;
    if (signal !== this.#signal) {
      this.#signal?.removeEventListener("abort", this.#onAbort);
      this.#signal = signal;
      signal?.addEventListener("abort", this.#onAbort);
    }
    this.#callback = done;
    this.#options = options;
    this.#starting = true;
    const index = ipv6 ? 1 : 0;
    let dialer = this.#dialers[index];
    if (dialer === undefined) {
      dialer = new RawTcpDialer(this.#targets[index]!, this.#done);
      this.#dialers[index] = dialer;
    }
    this.#attempt = dialer;
    try {
      dialer.start(options.ref !== false);
    } finally {
      this.#starting = false;
    }
  }

  #settled(): void {
    this.#attempt = undefined;
    this.#callback = undefined;
    this.#options = undefined;
  }

  #rawDone(status: number, syscall: "bind" | "connect", handle: RawTcpHandle | undefined): void {
    const done = this.#callback!;
    const options = this.#options!;
    this.#settled();
    if (handle === undefined) {
      const error = this.#error(status, syscall);
      // A connect call that failed at once: reported after the caller's call returns.
      if (this.#starting) failLater(done, error);
      else done(undefined, error);
      return;
    }
    const reads = DIRECT_READS_SUPPORTED ? new DirectReads() : undefined;
    const socket = rawSocket(handle, {
      allowHalfOpen: true,
      writableHighWaterMark: WRITE_HIGH_WATER_MARK,
      onread: reads?.onread,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveIdle ?? 0,
      ref: options.ref !== false,
    });
    done(wrap(socket, reads));
  }

  #error(status: number, syscall: "bind" | "connect"): TransportError {
    const key = syscall === "bind" ? status - 0x100000 : status;
    let error = this.#errors.get(key);
    if (error === undefined) {
      const parsed = connectTarget(this.#endpoint);
      error = connectError(
        rawConnectError(status, syscall, parsed.host, parsed.port),
        this.#endpoint,
      );
      if (this.#errors.size >= 16) this.#errors.clear();
      this.#errors.set(key, error);
    }
    return error;
  }

  close(): void {
    this.#closed = true;
    this.#spare = undefined;
    const callback = this.#callback;
    if (callback !== undefined && this.#attempt?.abort() === true) {
      this.#settled();
      callback(undefined, abortError(this.#endpoint, "connecter closed"));
    }
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#signal = undefined;
    this.#netAbort?.abort("connecter closed");
    for (const dialer of this.#dialers) dialer?.close();
  }
}

/** Reports `error` to `done` from a microtask (after the caller's call returns). */
function failLater(done: ConnectDone<StreamConnection>, error: unknown): void {
  queueMicrotask(() => done(undefined, error));
}

/** The `onread` state of each socket a connecter made. */
const readsOf = new WeakMap<Socket, DirectReads>();

/** `net.connect` options for one attempt; one object, no spreads (a reconnect loop builds it every ~150 ms). */
function netConnectOptions(
  endpoint: string,
  options: TcpConnectOptions,
): TcpNetConnectOpts & { writableHighWaterMark: number } {
  const target = connectTarget(endpoint);
  const ipv6 = options.ipv6 ?? false;
  if (!ipv6 && nodeNet().isIP(target.host.replace(/%.*$/, "")) === 6) {
    // libzmq resolves for IPv4 only: the attempt fails as for a name that does not
    // resolve (and is retried), before any socket exists.
    const why = Object.assign(new Error(notIpv4(target.host, endpoint).message), {
      code: "EAI_ADDRFAMILY",
    });
    throw new TransportError("EHOSTUNREACH", `cannot resolve host: ${why.message}`, endpoint, {
      cause: why,
    });
  }
  const netOptions: TcpNetConnectOpts & { writableHighWaterMark: number } = {
    // Supported by net.Socket (a Duplex option), missing from the connect typings.
    writableHighWaterMark: WRITE_HIGH_WATER_MARK,
    host: target.host,
    port: target.port,
    allowHalfOpen: true,
    noDelay: options.noDelay ?? true,
    keepAlive: options.keepAlive ?? false,
    keepAliveInitialDelay: options.keepAliveIdle ?? 0,
  };
  if (!ipv6) {
    netOptions.family = 4;
    netOptions.autoSelectFamily = false;
  }
  const source = target.source;
  if (source !== undefined) {
    netOptions.localAddress = resolveLocalHost(source.host, ipv6, endpoint);
    if (source.port !== 0) netOptions.localPort = source.port;
  }
  return netOptions;
}

/**
 * Parsed connect addresses by endpoint string. A connecter retrying a dead
 * endpoint asks for the same one every attempt; parsing it once keeps the loop
 * cheap. Bounded: cleared when full (endpoints are few in practice).
 */
const targets = new Map<string, TcpAddress>();
const MAX_TARGETS = 256;

function connectTarget(endpoint: string): TcpAddress {
  let target = targets.get(endpoint);
  if (target === undefined) {
    target = parseTcpAddress(parseEndpointFor("tcp", endpoint).address, endpoint, "connect");
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(endpoint, target);
  }
  return target;
}

/** A shared `TcpTransport` (it holds no state). */
export const tcp: TcpTransport = new TcpTransport();
