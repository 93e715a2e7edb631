import {
  type AddressInfo,
  createServer,
  connect as netConnect,
  type Server,
  type Socket,
} from "node:net";
import {
  type BindOptions,
  type ConnectOptions,
  type Listener,
  parseEndpointFor,
  type StreamConnection,
  type Transport,
  throwIfAborted,
} from "@zmq/transport";
import {
  awaitNetConnect,
  NetListener,
  type NetListenOptions,
  NetStreamConnection,
  WRITE_HIGH_WATER_MARK,
} from "@zmq/transport/node";
import { formatTcpEndpoint, parseTcpAddress, resolveLocalHost } from "./tcp-address";

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
   * names prefer IPv6. IPv6 literals (`[::1]`) work either way. Default `false`.
   */
  ipv6?: boolean;
}

/** Options for `TcpTransport.bind`. */
export interface TcpBindOptions extends BindOptions, TcpSocketOptions {
  /** Listen backlog (`ZMQ_BACKLOG`). Default 100, as libzmq. */
  backlog?: number;
}

/** Options for `TcpTransport.connect`. */
export interface TcpConnectOptions extends ConnectOptions, TcpSocketOptions {}

function endpointOf(address: string | undefined, port: number | undefined): string {
  return formatTcpEndpoint(address ?? "", port ?? 0);
}

function wrap(socket: Socket): NetStreamConnection {
  return new NetStreamConnection(
    socket,
    endpointOf(socket.localAddress, socket.localPort),
    endpointOf(socket.remoteAddress, socket.remotePort),
    socket.remoteAddress ?? "",
  );
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

  checkEndpoint(endpoint: string, role: "bind" | "connect"): void {
    parseTcpAddress(parseEndpointFor("tcp", endpoint).address, endpoint, role);
  }

  async bind(endpoint: string, options: TcpBindOptions = {}): Promise<Listener<StreamConnection>> {
    const { server, listenOptions } = this.#prepareBind(endpoint, options);
    return NetListener.listen(server, listenOptions);
  }

  /** Binds before returning (zeromq.js's `bindSync`); throws what `bind` rejects with. */
  bindSync(endpoint: string, options: TcpBindOptions = {}): Listener<StreamConnection> {
    const { server, listenOptions } = this.#prepareBind(endpoint, options);
    return NetListener.listenSync(server, listenOptions);
  }

  #prepareBind(endpoint: string, options: TcpBindOptions) {
    const { address } = parseEndpointFor("tcp", endpoint);
    const parsed = parseTcpAddress(address, endpoint, "bind");
    const ipv6 = options.ipv6 ?? false;
    const host = resolveLocalHost(parsed.host, ipv6, endpoint);
    throwIfAborted(options.signal, endpoint);
    const server = createServer({
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
        wrap,
        resolveEndpoint: (bound: Server) => {
          const info = bound.address() as AddressInfo;
          return formatTcpEndpoint(info.address, info.port);
        },
      } satisfies NetListenOptions,
    };
  }

  async connect(endpoint: string, options: TcpConnectOptions = {}): Promise<StreamConnection> {
    const { address } = parseEndpointFor("tcp", endpoint);
    const parsed = parseTcpAddress(address, endpoint, "connect");
    const ipv6 = options.ipv6 ?? false;
    const { signal } = options;
    let localAddress: string | undefined;
    let localPort: number | undefined;
    if (parsed.source !== undefined) {
      localAddress = resolveLocalHost(parsed.source.host, ipv6, endpoint);
      if (parsed.source.port !== 0) localPort = parsed.source.port;
    }
    throwIfAborted(signal, endpoint);
    const socket = netConnect({
      // Supported by net.Socket (a Duplex option), missing from the connect typings.
      ...({ writableHighWaterMark: WRITE_HIGH_WATER_MARK } as object),
      host: parsed.host,
      port: parsed.port,
      ...(ipv6 ? {} : { family: 4, autoSelectFamily: false }),
      ...(localAddress === undefined ? {} : { localAddress }),
      ...(localPort === undefined ? {} : { localPort }),
      allowHalfOpen: true,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveIdle ?? 0,
    });
    return awaitNetConnect(socket, endpoint, options, wrap);
  }
}

/** A shared `TcpTransport` (it holds no state). */
export const tcp: TcpTransport = new TcpTransport();
