import type { Socket, SocketType } from "node:dgram";
import {
  type BindOptions,
  type ConnectOptions,
  type DatagramConnection,
  type Listener,
  parseEndpointFor,
  type Transport,
  TransportError,
  throwIfAborted,
  toTransportError,
} from "@zmq/transport";
import { lazyBuiltin, nodeNet } from "@zmq/transport/node";
import { isMulticast, parseUdpAddress, resolveLocalHost, type UdpAddress } from "./udp-address";
import { UdpConnection } from "./udp-connection";

const dgram = lazyBuiltin<typeof import("node:dgram")>("node:dgram");
const dns = lazyBuiltin<typeof import("node:dns")>("node:dns");
const dnsPromises = lazyBuiltin<typeof import("node:dns/promises")>("node:dns/promises");

/** libzmq's `MAX_UDP_MSG`: its send and receive buffers hold 8192 bytes. */
export const DEFAULT_MAX_DATAGRAM_SIZE = 8192;
/** The largest UDP payload over IPv4. */
export const MAX_DATAGRAM_SIZE = 65507;

/** Options shared by bind and connect. */
export interface UdpSocketOptions {
  /** `ZMQ_IPV6`: `udp://*:port` binds `::`; names resolve to IPv6 first. Default `false`. */
  ipv6?: boolean;
  /**
   * Largest datagram sent or accepted; bigger ones are dropped and counted, never
   * split. Default 8192 (libzmq's `MAX_UDP_MSG`), at most 65507.
   */
  maxDatagramSize?: number;
}

/** Options for `UdpTransport.bind` (a receiving socket). */
export interface UdpBindOptions extends BindOptions, UdpSocketOptions {}

/** Options for `UdpTransport.connect` (a sending socket). */
export interface UdpConnectOptions extends ConnectOptions, UdpSocketOptions {
  /** `ZMQ_MULTICAST_LOOP`: multicast sent here is looped back to this host. Default `true`. */
  multicastLoop?: boolean;
  /** `ZMQ_MULTICAST_HOPS`: multicast TTL; values ≤ 0 leave the OS default (1). Default 1. */
  multicastHops?: number;
}

function family(host: string, ipv6: boolean): 4 | 6 {
  const literal = nodeNet().isIP(host.replace(/%.*$/, ""));
  if (literal === 4 || literal === 6) return literal;
  return ipv6 ? 6 : 4;
}

function maxSize(options: UdpSocketOptions, endpoint: string): number {
  const size = options.maxDatagramSize ?? DEFAULT_MAX_DATAGRAM_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_DATAGRAM_SIZE) {
    throw new TransportError(
      "EINVAL",
      `maxDatagramSize must be an integer from 1 to ${MAX_DATAGRAM_SIZE}`,
      endpoint,
    );
  }
  return size;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The endpoint as given, with the port the OS chose when it was `*`/`0`. */
function formatEndpoint(address: UdpAddress, port: number): string {
  const iface = address.iface === undefined ? "" : `${formatHost(address.iface)};`;
  return `udp://${iface}${formatHost(address.host)}:${port}`;
}

function bindSocket(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

/** The one "accepted" connection of a udp bind: the bound socket itself. */
class UdpListener implements Listener<DatagramConnection> {
  readonly endpoint: string;
  readonly #connection: UdpConnection;
  #handedOver = false;

  constructor(connection: UdpConnection) {
    this.#connection = connection;
    this.endpoint = connection.localEndpoint;
  }

  onConnection(callback: (connection: DatagramConnection) => void): void {
    if (this.#handedOver) return;
    this.#handedOver = true;
    callback(this.#connection);
  }

  onError(): void {
    // A datagram socket has nothing to accept; its errors go to the connection.
  }

  async close(): Promise<void> {
    this.#connection.close();
  }
}

/**
 * The udp transport (libzmq's, for RADIO/DISH and DGRAM): `bind` opens a
 * receiving socket — `udp://*:port`, `udp://ip:port`, multicast
 * `udp://group:port` or `udp://iface;group:port` (joins the group) — and hands it
 * out as the listener's only connection; `connect` opens a sending socket whose
 * default destination is the endpoint (`udp://host:port`, multicast with
 * `multicastLoop`/`multicastHops`, `iface;group:port` picks the outgoing
 * interface). Datagrams are never split; oversize ones are dropped and counted.
 */
export class UdpTransport
  implements Transport<DatagramConnection, UdpBindOptions, UdpConnectOptions>
{
  readonly scheme = "udp";
  readonly kind = "datagram" as const;

  checkEndpoint(endpoint: string, role: "bind" | "connect"): void {
    parseUdpAddress(parseEndpointFor("udp", endpoint).address, endpoint, role);
  }

  async bind(
    endpoint: string,
    options: UdpBindOptions = {},
  ): Promise<Listener<DatagramConnection>> {
    const { address } = parseEndpointFor("udp", endpoint);
    const parsed = parseUdpAddress(address, endpoint, "bind");
    const size = maxSize(options, endpoint);
    const ipv6 = options.ipv6 ?? false;
    const multicast = isMulticast(parsed.host);
    const fam = parsed.host === "*" ? (ipv6 ? 6 : 4) : family(parsed.host, ipv6);
    // Multicast: bind "any" on the port and join the group (libzmq); unicast: bind the address.
    const local = multicast
      ? fam === 6
        ? "::"
        : "0.0.0.0"
      : resolveLocalHost(parsed.host, fam, endpoint);
    const iface =
      multicast && parsed.iface !== undefined && parsed.iface !== "*"
        ? resolveLocalHost(parsed.iface, fam, endpoint)
        : undefined;
    throwIfAborted(options.signal, endpoint);
    const type: SocketType = fam === 6 ? "udp6" : "udp4";
    // Several receivers may share a multicast port (libzmq sets SO_REUSEADDR/SO_REUSEPORT).
    const socket = dgram().createSocket({
      type,
      lookup: literalLookup,
      reuseAddr: multicast,
      ...(fam === 6 && { ipv6Only: false }),
    });
    try {
      await bindSocket(socket, parsed.port, local);
      if (multicast) socket.addMembership(parsed.host, iface);
    } catch (error) {
      socket.close();
      throw toTransportError(error, endpoint);
    }
    throwIfAborted(options.signal, endpoint);
    if (options.ref === false) socket.unref();
    const port = socket.address().port;
    return new UdpListener(
      new UdpConnection(socket, formatEndpoint(parsed, port), undefined, size),
    );
  }

  async connect(endpoint: string, options: UdpConnectOptions = {}): Promise<DatagramConnection> {
    const { address } = parseEndpointFor("udp", endpoint);
    const parsed = parseUdpAddress(address, endpoint, "connect");
    const size = maxSize(options, endpoint);
    const ipv6 = options.ipv6 ?? false;
    let host = parsed.host;
    if (nodeNet().isIP(host.replace(/%.*$/, "")) === 0) {
      try {
        host = (await dnsPromises().lookup(host, { family: ipv6 ? 0 : 4, verbatim: true })).address;
      } catch (error) {
        throw toTransportError(error, endpoint);
      }
    }
    throwIfAborted(options.signal, endpoint);
    return openSender(endpoint, parsed, host, size, options);
  }

  /**
   * `connect` done synchronously, for the moment the process ends (no event loop
   * runs again, but a datagram sent now still goes out): the sending socket,
   * bound and ready, or undefined when the host is a name (resolving it would
   * need the event loop). Throws as `connect` rejects.
   */
  connectSync(endpoint: string, options: UdpConnectOptions = {}): DatagramConnection | undefined {
    const { address } = parseEndpointFor("udp", endpoint);
    const parsed = parseUdpAddress(address, endpoint, "connect");
    const size = maxSize(options, endpoint);
    if (nodeNet().isIP(parsed.host.replace(/%.*$/, "")) === 0) return undefined;
    return openSender(endpoint, parsed, parsed.host, size, options);
  }
}

/**
 * The sending socket of a connect to `host` (numeric), bound to an ephemeral
 * port. Synchronous: with `literalLookup` Node binds at once.
 */
function openSender(
  endpoint: string,
  parsed: UdpAddress,
  host: string,
  size: number,
  options: UdpConnectOptions,
): UdpConnection {
  const ipv6 = options.ipv6 ?? false;
  const fam = family(host, ipv6);
  const multicast = isMulticast(host);
  const socket = dgram().createSocket({ type: fam === 6 ? "udp6" : "udp4", lookup: literalLookup });
  // A bind that fails is reported as an 'error' event, synchronously here.
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  socket.on("error", onError);
  try {
    socket.bind({ port: 0, address: fam === 6 ? "::" : "0.0.0.0", exclusive: true });
    if (failure !== undefined) throw failure;
    if (multicast) {
      socket.setMulticastLoopback(options.multicastLoop ?? true);
      const hops = options.multicastHops ?? 1;
      if (hops > 0) socket.setMulticastTTL(hops);
      if (parsed.iface !== undefined && parsed.iface !== "*") {
        socket.setMulticastInterface(resolveLocalHost(parsed.iface, fam, endpoint));
      }
    }
  } catch (error) {
    try {
      socket.close();
    } catch {}
    throw toTransportError(error, endpoint);
  } finally {
    socket.removeListener("error", onError);
  }
  if (options.signal?.aborted) {
    socket.close();
    throwIfAborted(options.signal, endpoint);
  }
  if (options.ref === false) socket.unref();
  const local = socket.address();
  return new UdpConnection(
    socket,
    `udp://${formatHost(local.address)}:${local.port}`,
    { address: host, port: parsed.port, endpoint },
    size,
  );
}

/**
 * The name lookup of our dgram sockets: a numeric address (all this transport
 * sends to or binds, names are resolved before) answers at once, where Node's
 * own lookup answers on the next tick. So `send()` hands the datagram to the OS
 * right away, and a `close()` straight after (a RADIO's linger) or the end of
 * the process no longer drops what was sent before it.
 */
function literalLookup(
  address: string,
  family: unknown,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  const literal = nodeNet().isIP(address.replace(/%.*$/, ""));
  if (literal !== 0) {
    callback(null, address, literal);
    return;
  }
  (dns().lookup as (host: string, family: unknown, done: typeof callback) => void)(
    address,
    family,
    callback,
  );
}

/** A shared `UdpTransport` (it holds no state). */
export const udp: UdpTransport = new UdpTransport();
