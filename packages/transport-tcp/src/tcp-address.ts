import { readFileSync } from "node:fs";
import { TransportError } from "@zmq/transport";
import { lazyBuiltin, nodeNet } from "@zmq/transport/node";

const dns = lazyBuiltin<typeof import("node:dns")>("node:dns");
const os = lazyBuiltin<typeof import("node:os")>("node:os");

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
    if (nodeNet().isIP(host.replace(/%.*$/, "")) !== 6)
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
 * ENODEV for an IPv6 address where the socket's `ipv6` option is off: libzmq then
 * resolves for IPv4 only, and an IPv6 literal is no address it can use (bind fails
 * with ENODEV, connect retries as for a name that does not resolve).
 */
export function notIpv4(host: string, raw: string): TransportError {
  return new TransportError(
    "ENODEV",
    `"${host}" is an IPv6 address and the socket's ipv6 option is off (${raw})`,
    raw,
  );
}

/**
 * Resolves a local host (bind, or a connect source) the way libzmq does: `*`
 * is every interface, IP literals stand for themselves (an IPv6 one only with
 * `ipv6`), interface names map to their address (IPv4 only unless `ipv6`, then
 * IPv6 first); anything else is ENODEV here (a host
 * name needs a lookup: `lookupLocalHost`).
 */
export function resolveLocalHost(host: string, ipv6: boolean, raw: string): string {
  if (host === "*") return ipv6 ? "::" : "0.0.0.0";
  const literal = nodeNet().isIP(host.replace(/%.*$/, ""));
  if (literal === 6 && !ipv6) throw notIpv4(host, raw);
  if (literal !== 0) return host;
  const addresses = os().networkInterfaces()[host];
  if (addresses !== undefined && addresses.length > 0) {
    // Without ipv6, libzmq looks at an interface's IPv4 addresses only.
    const order = ipv6 ? ["IPv6", "IPv4"] : ["IPv4"];
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

/** Whether `resolveLocalHost` failed on `host` as a name to look up (not a bad literal or zone). */
function isHostName(error: unknown, host: string): boolean {
  return (
    error instanceof TransportError &&
    error.code === "ENODEV" &&
    !host.includes("%") &&
    nodeNet().isIP(host) === 0
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
    if (!isHostName(error, host)) throw error;
    const found = await new Promise<string | undefined>((resolve) => {
      dns().lookup(
        host,
        ipv6 ? { family: 6, hints: dns().V4MAPPED } : { family: 4 },
        (err, address) => resolve(err === null ? address : undefined),
      );
    });
    if (found === undefined) throw error;
    return found;
  }
}

/**
 * `lookupLocalHost` without waiting, for `bindSync` (Node has no synchronous DNS):
 * after `resolveLocalHost`, a name is looked up in the hosts file (read now), and
 * this machine's own host name (`os.hostname()`) and `localhost` are known without
 * it: the own name stands for its first non-internal interface address, `localhost`
 * (and `*.localhost`) for the loopback address. Any other name is ENODEV here,
 * even one DNS knows: `bind` looks those up.
 */
export function lookupLocalHostSync(host: string, ipv6: boolean, raw: string): string {
  try {
    return resolveLocalHost(host, ipv6, raw);
  } catch (error) {
    if (!isHostName(error, host)) throw error;
    const found = fromHostsFile(host, ipv6) ?? wellKnown(host, ipv6);
    if (found === undefined) {
      throw new TransportError(
        "ENODEV",
        `"${host}" is no IP address, network interface, hosts-file name or name of this host; bindSync() does not ask DNS, bind() does (${raw})`,
        raw,
      );
    }
    return found;
  }
}

/** The hosts file of this platform. */
function hostsFilePath(): string {
  if (process.platform !== "win32") return "/etc/hosts";
  const root = process.env.SystemRoot ?? process.env.windir ?? "C:\\Windows";
  return `${root}\\System32\\drivers\\etc\\hosts`;
}

/**
 * The address the hosts file gives `host`, as getaddrinfo would for libzmq: IPv4
 * without `ipv6`; with it, IPv6 first, else IPv4 as a mapped address (`::ffff:…`).
 */
function fromHostsFile(host: string, ipv6: boolean): string | undefined {
  let text: string;
  try {
    text = readFileSync(hostsFilePath(), "latin1");
  } catch {
    return undefined;
  }
  const wanted = host.toLowerCase();
  let v4: string | undefined;
  let v6: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const fields = line.replace(/#.*/, "").trim().split(/\s+/);
    if (fields.length < 2) continue;
    const address = fields[0]!;
    if (!fields.slice(1).some((name) => name.toLowerCase() === wanted)) continue;
    const family = nodeNet().isIP(address);
    if (family === 4) v4 ??= address;
    else if (family === 6) v6 ??= address;
  }
  if (!ipv6) return v4;
  return v6 ?? (v4 === undefined ? undefined : `::ffff:${v4}`);
}

/** `localhost` names and this host's own name, where the hosts file has neither. */
function wellKnown(host: string, ipv6: boolean): string | undefined {
  const name = host.toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return ipv6 ? "::1" : "127.0.0.1";
  if (name !== os().hostname().toLowerCase()) return undefined;
  const families = ipv6 ? ["IPv6", "IPv4"] : ["IPv4"];
  const all = Object.values(os().networkInterfaces()).flatMap((list) => list ?? []);
  for (const family of families) {
    const found = all.find(
      (a) => a.family === family && !a.internal && !a.address.startsWith("fe80:"),
    );
    if (found !== undefined) {
      return family === "IPv4" && ipv6 ? `::ffff:${found.address}` : found.address;
    }
  }
  return undefined;
}

/**
 * The address a bind listens on for a resolved local host: with `ipv6`, libzmq
 * resolves an IPv4 address as its IPv4-mapped IPv6 one and listens on an IPv6
 * socket (`tcp://127.0.0.1:*` binds, and reports, `[::ffff:127.0.0.1]`). Where
 * this machine has no IPv6 at all, it stays IPv4 (libzmq falls back likewise).
 */
export function bindAddress(host: string, ipv6: boolean): string {
  if (!ipv6 || nodeNet().isIP(host) !== 4 || !hasIpv6()) return host;
  return `::ffff:${host}`;
}

function hasIpv6(): boolean {
  return Object.values(os().networkInterfaces()).some((list) =>
    list?.some((a) => a.family === "IPv6"),
  );
}

/** Formats `tcp://host:port`, bracketing IPv6 literals. */
export function formatTcpEndpoint(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}
