import { TransportError } from "@zmq/transport";
import { lazyBuiltin, nodeNet } from "@zmq/transport/node";

const os = lazyBuiltin<typeof import("node:os")>("node:os");

/** A parsed udp address: `[iface;]host:port`. */
export interface UdpAddress {
  /** The `iface` of `udp://iface;group:port` (a name, an IP or `*`); multicast only. */
  readonly iface: string | undefined;
  /** Host without brackets: `*`, an IP literal, an interface name (bind) or a host name (connect). */
  readonly host: string;
  /** 0 for `*` or `0` (bind only: an ephemeral port). */
  readonly port: number;
}

const HOST = /^[A-Za-z0-9._%:-]+$/;

function invalid(raw: string, why: string): TransportError {
  return new TransportError("EINVAL", `malformed udp endpoint ${raw}: ${why}`, raw);
}

/**
 * Parses the address part of a udp endpoint (after `udp://`), libzmq's
 * `udp_address_t` syntax: `host:port`, `[ipv6]:port`, and `iface;group:port`
 * where the interface prefix is only valid with a multicast group. A bind may use
 * `*` as host and `*`/`0` as port; a connect needs a concrete host and port.
 */
export function parseUdpAddress(
  address: string,
  raw: string,
  mode: "bind" | "connect",
): UdpAddress {
  const semicolon = address.lastIndexOf(";");
  let iface: string | undefined;
  let target = address;
  if (semicolon >= 0) {
    iface = address.slice(0, semicolon);
    target = address.slice(semicolon + 1);
    if (iface.length === 0) throw invalid(raw, "empty interface before ';'");
    if (iface.startsWith("[") && iface.endsWith("]")) iface = iface.slice(1, -1);
    if (iface !== "*" && !HOST.test(iface)) throw invalid(raw, `bad interface "${iface}"`);
  }
  let host: string;
  let portText: string;
  if (target.startsWith("[")) {
    const close = target.indexOf("]");
    if (close < 0 || target[close + 1] !== ":") throw invalid(raw, "expected [ipv6]:port");
    host = target.slice(1, close);
    portText = target.slice(close + 2);
    if (nodeNet().isIP(host.replace(/%.*$/, "")) !== 6)
      throw invalid(raw, `"${host}" is not an IPv6 address`);
  } else {
    const colon = target.lastIndexOf(":");
    if (colon < 0) throw invalid(raw, "missing :port");
    host = target.slice(0, colon);
    portText = target.slice(colon + 1);
  }
  if (host.length === 0) throw invalid(raw, "empty host");
  if (host !== "*" && !HOST.test(host)) throw invalid(raw, `bad host "${host}"`);
  let port: number;
  if (portText === "*") port = 0;
  else if (/^[0-9]{1,5}$/.test(portText) && Number(portText) <= 65535) port = Number(portText);
  else throw invalid(raw, `bad port "${portText}" (1..65535, or * / 0 to bind)`);
  if (mode === "connect") {
    if (host === "*") throw invalid(raw, "cannot connect to a wildcard host");
    if (port === 0) throw invalid(raw, "cannot connect to port 0 or *");
  }
  if (iface !== undefined && !isMulticast(host)) {
    throw invalid(raw, "an interface (iface;addr) is only valid with a multicast group");
  }
  return { iface, host, port };
}

/** True for an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast literal. */
export function isMulticast(host: string): boolean {
  const bare = host.replace(/%.*$/, "");
  const family = nodeNet().isIP(bare);
  if (family === 4) {
    const first = Number(bare.split(".")[0]);
    return first >= 224 && first <= 239;
  }
  if (family === 6) return bare.toLowerCase().startsWith("ff");
  return false;
}

/**
 * A local host (bind address or multicast interface) as libzmq resolves it: `*`
 * is any address, IP literals stand for themselves, interface names map to their
 * address of the wanted family; host names are not looked up (ENODEV).
 */
export function resolveLocalHost(host: string, family: 4 | 6, raw: string): string {
  if (host === "*") return family === 6 ? "::" : "0.0.0.0";
  if (nodeNet().isIP(host.replace(/%.*$/, "")) !== 0) return host;
  const addresses = os().networkInterfaces()[host];
  const wanted = family === 6 ? "IPv6" : "IPv4";
  const found = addresses?.find((a) => a.family === wanted);
  if (found !== undefined) {
    return found.address.startsWith("fe80:") ? `${found.address}%${host}` : found.address;
  }
  throw new TransportError(
    "ENODEV",
    `"${host}" is neither an IP address nor a network interface with an ${wanted} address (${raw})`,
    raw,
  );
}

/** `ip:port`, or `[ip6]:port`: how datagram senders are named (libzmq DGRAM uses `ip:port`). */
export function formatPeer(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Reads a destination `ip:port` / `[ip6]:port` (a trailing NUL, as libzmq puts in
 * DGRAM addresses, is ignored). Undefined when it is not an IP literal with a
 * non-zero port: datagram destinations are never looked up.
 */
export function parsePeer(text: string): { address: string; port: number } | undefined {
  const end = text.indexOf("\0");
  const value = end >= 0 ? text.slice(0, end) : text;
  let address: string;
  let portText: string;
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    if (close < 0 || value[close + 1] !== ":") return undefined;
    address = value.slice(1, close);
    portText = value.slice(close + 2);
  } else {
    const colon = value.lastIndexOf(":");
    if (colon < 0) return undefined;
    address = value.slice(0, colon);
    portText = value.slice(colon + 1);
  }
  if (nodeNet().isIP(address.replace(/%.*$/, "")) === 0) return undefined;
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port === 0 || port > 65535) return undefined;
  return { address, port };
}
