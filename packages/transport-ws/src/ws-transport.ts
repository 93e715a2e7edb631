import type { AddressInfo, Socket } from "node:net";
import type { PeerCertificate, SecureContext } from "node:tls";
import {
  type BindOptions,
  type ConnectOptions,
  type Listener,
  parseEndpointFor,
  type StreamConnection,
  type Transport,
  TransportError,
  throwIfAborted,
} from "@zmq/transport";
import {
  adoptAccepted,
  awaitNetConnect,
  DIRECT_READS_SUPPORTED,
  DirectReads,
  lazyBuiltin,
  NetListener,
  NetStreamConnection,
  nodeNet,
  WRITE_HIGH_WATER_MARK,
} from "@zmq/transport/node";
import { resolveLocalHost, type TcpSocketOptions } from "@zmq/transport-tcp";
import { formatWsEndpoint, hostHeader, parseWsAddress, type WsScheme } from "./ws-address";

/** TLS (~5 ms of startup) is loaded by the first `wss://` bind or connect only. */
const tls = lazyBuiltin<typeof import("node:tls")>("node:tls");

/** What the ZWS engine needs to know about a connection: which end it is and what to ask for. */
export interface WsConnectionInfo {
  /** "client" for connections we made (we send the upgrade request), "server" for accepted ones. */
  readonly role: "client" | "server";
  /** Client: the `Host` header value (`host:port`). Server: the bound host and port. */
  readonly host: string;
  /** Client: the request path. Server: the bound endpoint's path (not enforced). */
  readonly path: string;
  /** True for `wss://` (TLS underneath). */
  readonly secure: boolean;
}

/**
 * A byte stream for `ws://`/`wss://`: raw TCP (or TLS) bytes, the WebSocket
 * upgrade and framing not yet done. The session runs `ZwsConnection` from
 * `@zmq/wire` over it, configured from `webSocket`.
 */
export class WsStreamConnection extends NetStreamConnection {
  readonly webSocket: WsConnectionInfo;

  constructor(
    socket: Socket,
    localEndpoint: string,
    remoteEndpoint: string,
    remoteAddress: string,
    info: WsConnectionInfo,
    reads?: DirectReads,
  ) {
    super(socket, localEndpoint, remoteEndpoint, remoteAddress, reads);
    this.webSocket = info;
  }
}

/** True for connections made by this transport (they carry `webSocket` info). */
export function isWsConnection(connection: unknown): connection is WsStreamConnection {
  return (
    typeof connection === "object" &&
    connection !== null &&
    typeof (connection as { webSocket?: unknown }).webSocket === "object"
  );
}

/** TLS options, named after libzmq's `ZMQ_WSS_*` socket options. */
export interface WssOptions {
  /** `ZMQ_WSS_KEY_PEM`: the server's private key (PEM). Required to bind `wss://`. */
  wssKeyPem?: string | Uint8Array;
  /** `ZMQ_WSS_CERT_PEM`: the server's certificate chain (PEM). Required to bind `wss://`. */
  wssCertPem?: string | Uint8Array;
  /** `ZMQ_WSS_TRUST_PEM`: certificate(s) a client trusts for the server (PEM). */
  wssTrustPem?: string | Uint8Array;
  /** `ZMQ_WSS_HOSTNAME`: the name the server's certificate must carry (and SNI). Default: the endpoint's host. */
  wssHostname?: string;
  /**
   * `ZMQ_WSS_TRUST_SYSTEM`: also trust the system's CA store. Default: true
   * when no `wssTrustPem` is given, false when one is.
   */
  wssTrustSystem?: boolean;
}

export interface WsBindOptions extends BindOptions, TcpSocketOptions, WssOptions {
  /** Listen backlog (`ZMQ_BACKLOG`). Default 100. */
  backlog?: number;
}

export interface WsConnectOptions extends ConnectOptions, TcpSocketOptions, WssOptions {}

function pemText(value: string | Uint8Array): string {
  return typeof value === "string" ? value : new TextDecoder().decode(value);
}

function endpointOf(
  scheme: WsScheme,
  host: string | undefined,
  port: number | undefined,
  path = "",
) {
  return formatWsEndpoint(scheme, host ?? "", port ?? 0, path);
}

/**
 * `ws://host:port/path` and `wss://host:port/path`, bind and connect. The
 * connections are byte streams (see `WsStreamConnection`). One listener per
 * port: the path is not used to dispatch, as in libzmq.
 */
export class WsTransport implements Transport<StreamConnection, WsBindOptions, WsConnectOptions> {
  readonly scheme: WsScheme;
  readonly kind = "stream" as const;

  constructor(scheme: WsScheme = "ws") {
    this.scheme = scheme;
  }

  /**
   * Throws EINVAL for a malformed endpoint (no port, `*` host or port on connect, a
   * bad path), and, as libzmq's ws connect (which resolves the address at once), for
   * an IPv6 literal to connect to without `ipv6`.
   */
  checkEndpoint(
    endpoint: string,
    role: "bind" | "connect",
    options: { readonly ipv6?: boolean } = {},
  ): void {
    const { address } = parseEndpointFor(this.scheme, endpoint);
    const parsed = parseWsAddress(this.scheme, address, endpoint, role);
    if (role === "connect" && !(options.ipv6 ?? false) && parsed.host.includes(":")) {
      throw new TransportError(
        "EINVAL",
        `${endpoint}: an IPv6 address needs the ipv6 option (ZMQ_IPV6)`,
        endpoint,
      );
    }
  }

  /**
   * A connected endpoint as libzmq reports it (`lastEndpoint`, event addresses):
   * the host as given, the port, and the path, `/` when the endpoint has none.
   */
  reportedEndpoint(endpoint: string): string {
    const { address } = parseEndpointFor(this.scheme, endpoint);
    const parsed = parseWsAddress(this.scheme, address, endpoint, "connect");
    return formatWsEndpoint(this.scheme, parsed.host, parsed.port, parsed.path);
  }

  async bind(endpoint: string, options: WsBindOptions = {}): Promise<Listener<StreamConnection>> {
    const scheme = this.scheme;
    const { address } = parseEndpointFor(scheme, endpoint);
    const parsed = parseWsAddress(scheme, address, endpoint, "bind");
    const host = resolveLocalHost(parsed.host, options.ipv6 ?? false, endpoint);
    let context: SecureContext | undefined;
    if (scheme === "wss") {
      if (options.wssKeyPem === undefined || options.wssCertPem === undefined) {
        throw new TransportError(
          "EINVAL",
          `binding ${endpoint} needs wssKeyPem and wssCertPem (ZMQ_WSS_KEY_PEM, ZMQ_WSS_CERT_PEM)`,
          endpoint,
        );
      }
      try {
        context = tls().createSecureContext({
          key: pemText(options.wssKeyPem),
          cert: pemText(options.wssCertPem),
        });
      } catch (error) {
        throw new TransportError(
          "EINVAL",
          `bad wss key or certificate: ${(error as Error).message}`,
          endpoint,
          {
            cause: error,
          },
        );
      }
    }
    throwIfAborted(options.signal, endpoint);
    const server = nodeNet().createServer({
      highWaterMark: WRITE_HIGH_WATER_MARK,
      allowHalfOpen: true,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveIdle ?? 0,
    });
    // The resolved endpoint always names its path: `/` when the endpoint has
    // none (libzmq reports `ws://127.0.0.1:5555/`).
    const path = parsed.path;
    let bound = { host: "", port: 0 };
    return NetListener.listen(server, {
      listen: { host, port: parsed.port, backlog: options.backlog ?? 100, ipv6Only: false },
      address: endpoint,
      ref: options.ref,
      signal: options.signal,
      wrap: (raw) => {
        // Plain ws:// reads through `onread` (into shared slabs) where possible.
        const reads = context === undefined ? new DirectReads() : undefined;
        const adopted =
          reads === undefined
            ? undefined
            : adoptAccepted(raw, reads, { writableHighWaterMark: WRITE_HIGH_WATER_MARK });
        // The adopted socket holds the handle now (the old one reads no addresses).
        const tcpSocket = adopted ?? raw;
        const socket =
          context === undefined
            ? tcpSocket
            : new (tls().TLSSocket)(raw, { isServer: true, secureContext: context });
        return new WsStreamConnection(
          socket,
          endpointOf(scheme, tcpSocket.localAddress, tcpSocket.localPort),
          endpointOf(scheme, tcpSocket.remoteAddress, tcpSocket.remotePort),
          tcpSocket.remoteAddress ?? "",
          {
            role: "server",
            host: hostHeader(bound.host, bound.port),
            path: parsed.path,
            secure: scheme === "wss",
          },
          adopted === undefined ? undefined : reads,
        );
      },
      resolveEndpoint: (listening) => {
        const info = listening.address() as AddressInfo;
        bound = { host: info.address, port: info.port };
        return formatWsEndpoint(scheme, info.address, info.port, path);
      },
    });
  }

  async connect(endpoint: string, options: WsConnectOptions = {}): Promise<StreamConnection> {
    const scheme = this.scheme;
    const { address } = parseEndpointFor(scheme, endpoint);
    const parsed = parseWsAddress(scheme, address, endpoint, "connect");
    const ipv6 = options.ipv6 ?? false;
    throwIfAborted(options.signal, endpoint);
    const info: WsConnectionInfo = {
      role: "client",
      host: hostHeader(parsed.host, parsed.port),
      path: parsed.path,
      secure: scheme === "wss",
    };
    const reads = scheme === "ws" && DIRECT_READS_SUPPORTED ? new DirectReads() : undefined;
    const wrap = (socket: Socket) =>
      new WsStreamConnection(
        socket,
        endpointOf(scheme, socket.localAddress, socket.localPort),
        endpointOf(scheme, socket.remoteAddress, socket.remotePort, parsed.path),
        socket.remoteAddress ?? "",
        info,
        reads,
      );
    const common = {
      host: parsed.host,
      port: parsed.port,
      ...(ipv6 ? {} : { family: 4, autoSelectFamily: false }),
      allowHalfOpen: true,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveIdle ?? 0,
    };
    if (scheme === "ws") {
      const socket = nodeNet().connect({
        ...({ writableHighWaterMark: WRITE_HIGH_WATER_MARK } as object),
        ...(reads !== undefined && { onread: reads.onread }),
        ...common,
      });
      return awaitNetConnect(socket, endpoint, options, wrap);
    }
    const trustSystem = options.wssTrustSystem ?? options.wssTrustPem === undefined;
    const ca = [
      ...(trustSystem ? tls().rootCertificates : []),
      ...(options.wssTrustPem === undefined ? [] : [pemText(options.wssTrustPem)]),
    ];
    const servername = options.wssHostname ?? parsed.host;
    const socket = tls().connect({
      ...({ writableHighWaterMark: WRITE_HIGH_WATER_MARK } as object),
      ...common,
      ca,
      // SNI takes host names only; an IP literal is still checked against the certificate.
      ...(/^[0-9.]+$|:/.test(servername) ? {} : { servername }),
      checkServerIdentity: (_host, cert) => checkIdentity(servername, cert),
      rejectUnauthorized: true,
    });
    return awaitNetConnect(socket, endpoint, options, wrap, "secureConnect");
  }
}

function checkIdentity(name: string, cert: PeerCertificate): Error | undefined {
  return tls().checkServerIdentity(name, cert);
}

/** The `ws://` transport. */
export const ws: WsTransport = new WsTransport("ws");
/** The `wss://` transport (TLS). */
export const wss: WsTransport = new WsTransport("wss");
