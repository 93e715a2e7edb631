import { lookup, V4MAPPED } from "node:dns";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { TransportError } from "@zmq/transport";

/** One `host:port` half of a tcp address, as written. */
export interface TcpHostPort {
  /** Host without brackets: `*`, an IPv4/IPv6 literal, an interface name or a host name. */
  readonly host: string;
  /** 0 for `*` or `0` (ephemeral). */
  readonly port: number;
}

/** A parsed tcp address: `[source;]host:port`. */
export interface TcpAddress extends TcpHostPort {
  /** The `src` of `tcp://src;dst` (connect only). */
  readonly source: TcpHostPort | undefined;
}

const HOST = /^[A-Za-z0-9._%:-]+$/;

function invalid(raw: string, why: string): TransportError {
  return new TransportError("EINVAL", `malformed tcp endpoint ${raw}: ${why}`, raw);
}

function parseHostPort(text: string, raw: string): TcpHostPort {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || text[close + 1] !== ":") throw invalid(raw, "expected [ipv6]:port");
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(host.replace(/%.*$/, "")) !== 6)
      throw invalid(raw, `"${host}" is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw invalid(raw, "missing :port");
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (host.length === 0) throw invalid(raw, "empty host");
  if (host !== "*" && !HOST.test(host)) throw invalid(raw, `bad host "${host}"`);
  let port: number;
  if (portText === "*") port = 0;
  else if (/^[0-9]{1,5}$/.test(portText) && Number(portText) <= 65535) port = Number(portText);
  else throw invalid(raw, `bad port "${portText}" (0..65535 or *)`);
  return { host, port };
}

/**
 * Parses the address part of a tcp endpoint (after `tcp://`). For `bind`, the
 * host may be `*` and the port `*`/`0`, and there is no source part; for
 * `connect`, the destination needs a concrete host and a non-zero port, and a
 * `source;` prefix may name the local address to connect from.
 */
export function parseTcpAddress(
  address: string,
  raw: string,
  mode: "bind" | "connect",
): TcpAddress {
  const parts = address.split(";");
  if (parts.length > 2) throw invalid(raw, "more than one ';'");
  if (parts.length === 2 && mode === "bind") {
    throw invalid(raw, "a source address (src;dst) is only valid for connect");
  }
  const destination = parseHostPort(parts[parts.length - 1]!, raw);
  const source = parts.length === 2 ? parseHostPort(parts[0]!, raw) : undefined;
  if (mode === "connect") {
    if (destination.host === "*") throw invalid(raw, "cannot connect to a wildcard host");
    if (destination.port === 0) throw invalid(raw, "cannot connect to port 0 or *");
  }
  return { host: destination.host, port: destination.port, source };
}

/**
 * Resolves a local host (bind, or a connect source) the way libzmq does: `*`
 * is every interface, IP literals stand for themselves, interface names map to
 * their address (IPv4 first unless `ipv6`); anything else is ENODEV here (a host
 * name needs a lookup: `lookupLocalHost`).
 */
export function resolveLocalHost(host: string, ipv6: boolean, raw: string): string {
  if (host === "*") return ipv6 ? "::" : "0.0.0.0";
  if (isIP(host.replace(/%.*$/, "")) !== 0) return host;
  const addresses = networkInterfaces()[host];
  if (addresses !== undefined && addresses.length > 0) {
    const order = ipv6 ? ["IPv6", "IPv4"] : ["IPv4", "IPv6"];
    for (const family of order) {
      const found = addresses.find((a) => a.family === family && !a.address.startsWith("fe80:"));
      if (found !== undefined) return found.address;
    }
    if (ipv6) {
      const linkLocal = addresses.find((a) => a.family === "IPv6");
      if (linkLocal !== undefined) return `${linkLocal.address}%${host}`;
    }
  }
  throw new TransportError(
    "ENODEV",
    `"${host}" is neither an IP address nor a network interface of this host (${raw})`,
    raw,
  );
}

/**
 * `resolveLocalHost`, and where that finds no IP literal or interface, a host name
 * lookup (the hosts file, then DNS), as libzmq's bind does: `tcp://localhost:5555`
 * binds 127.0.0.1. IPv4 only unless `ipv6`, then IPv6 with IPv4 addresses mapped
 * (`::ffff:127.0.0.1`, as libzmq reports it). A name that does not resolve stays
 * ENODEV.
 */
export async function lookupLocalHost(host: string, ipv6: boolean, raw: string): Promise<string> {
  try {
    return resolveLocalHost(host, ipv6, raw);
  } catch (error) {
    if (!(error instanceof TransportError) || error.code !== "ENODEV" || host.includes("%")) {
      throw error;
    }
    const found = await new Promise<string | undefined>((resolve) => {
      lookup(host, ipv6 ? { family: 6, hints: V4MAPPED } : { family: 4 }, (err, address) =>
        resolve(err === null ? address : undefined),
      );
    });
    if (found === undefined) throw error;
    return found;
  }
}

/** Formats `tcp://host:port`, bracketing IPv6 literals. */
export function formatTcpEndpoint(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}
