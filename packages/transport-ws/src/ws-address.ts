import { TransportError } from "@zmq/transport";
import { parseTcpAddress, type TcpHostPort } from "@zmq/transport-tcp";

/** The schemes this package serves. */
export type WsScheme = "ws" | "wss";

/** A parsed `ws://host:port/path` or `wss://…` address. */
export interface WsAddress extends TcpHostPort {
  readonly scheme: WsScheme;
  /** The request path, `/` when the endpoint has none. Kept whole (`/a/b` stays `/a/b`). */
  readonly path: string;
  /** Whether the endpoint named a path (the resolved endpoint then repeats it). */
  readonly hasPath: boolean;
}

const PATH = /^\/[\x21-\x7e]*$/;

/**
 * Parses the address part of a `ws://` / `wss://` endpoint: `host:port` then
 * an optional path. Bind takes `*` hosts, interface names and `*`/`0` ports;
 * connect needs a concrete host and port. The path must be printable ASCII
 * without spaces. There is no `src;dst` form (libzmq has none for ws).
 */
export function parseWsAddress(
  scheme: WsScheme,
  address: string,
  raw: string,
  mode: "bind" | "connect",
): WsAddress {
  // The path starts at the first "/" (an IPv6 literal has none).
  const slash = address.indexOf("/");
  const hostPort = slash < 0 ? address : address.slice(0, slash);
  const path = slash < 0 ? "/" : address.slice(slash);
  if (hostPort.includes(";")) {
    throw new TransportError("EINVAL", `malformed ${scheme} endpoint ${raw}: no src;dst form`, raw);
  }
  if (!PATH.test(path)) {
    throw new TransportError("EINVAL", `malformed ${scheme} endpoint ${raw}: bad path`, raw);
  }
  let parsed: TcpHostPort;
  try {
    parsed = parseTcpAddress(hostPort, raw, mode);
  } catch (error) {
    if (error instanceof TransportError) {
      throw new TransportError(
        "EINVAL",
        error.message.replace("tcp endpoint", `${scheme} endpoint`),
        raw,
      );
    }
    throw error;
  }
  return { scheme, host: parsed.host, port: parsed.port, path, hasPath: slash >= 0 };
}

/** Formats `ws://host:port[/path]`, bracketing IPv6 literals. */
export function formatWsEndpoint(scheme: WsScheme, host: string, port: number, path = ""): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `${scheme}://${h}:${port}${path}`;
}

/** The `Host` header for a connection to `host:port`. */
export function hostHeader(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
