/**
 * ZMQ_TCP_ACCEPT_FILTER: a tcp listener accepts a connection only when the peer's
 * address lies in one of the socket's filters (none set: every peer). A filter is a
 * numeric address with an optional CIDR mask, `"192.168.1.0/24"`, `"::1"`,
 * `"[fe80::1%2]/64"`; host names are refused. The parsing follows libzmq's
 * `tcp_address_mask_t::resolve`, which hands the address to `getaddrinfo` with
 * `AI_NUMERICHOST`: so the IPv4 forms of C's `inet_aton` count (`"5"` is 0.0.0.5,
 * `"10.1"` is 10.0.0.1, `"0x7f.1"` is 127.0.0.1), and on a socket with `ipv6` set an
 * IPv4 filter becomes its IPv4-mapped IPv6 address, as the peers of a dual-stack
 * listener appear (and without `ipv6`, an IPv4-mapped IPv6 filter its IPv4 address).
 * One difference: a named IPv6 zone (`"fe80::1%eth0"`) is not looked up here, so
 * any name passes where libzmq refuses one that names no interface.
 */

/** One parsed filter: the network address (4 or 16 bytes) and the prefix length. */
export interface AcceptFilter {
  /** The network address: 4 bytes (IPv4) or 16 (IPv6). */
  readonly bytes: Uint8Array;
  /** The prefix length in bits (32 or 128 when no mask was given). */
  readonly mask: number;
}

/** libzmq stores the option in a buffer of at most 255 bytes (UCHAR_MAX). */
const MAX_FILTER_BYTES = 255;

/**
 * Parses `text` as libzmq does. Returns undefined where libzmq's `setsockopt` fails
 * with EINVAL. `byteLength` is the option's length in bytes (UTF-8).
 */
export function parseAcceptFilter(
  text: string,
  ipv6: boolean,
  byteLength = text.length,
): AcceptFilter | undefined {
  if (byteLength > MAX_FILTER_BYTES) return undefined;
  let address = text;
  let maskText: string | undefined;
  const slash = text.lastIndexOf("/");
  if (slash >= 0) {
    address = text.slice(0, slash);
    maskText = text.slice(slash + 1);
    if (maskText === "") return undefined;
  }
  const bytes = resolveNumeric(address, ipv6);
  if (bytes === undefined) return undefined;
  const full = bytes.length * 8;
  let mask = full;
  if (maskText !== undefined) {
    if (maskText === "0") mask = 0;
    else {
      const n = strtol(maskText);
      if (n < 1 || n > full) return undefined;
      mask = n;
    }
  }
  return { bytes, mask };
}

/**
 * Whether a peer at `remoteAddress` (Node's `socket.remoteAddress`: dotted IPv4, or
 * IPv6 text, IPv4-mapped on a dual-stack listener) passes `filter`: same address
 * family and the first `mask` bits equal (libzmq's `match_address`).
 */
export function acceptFilterMatches(filter: AcceptFilter, remoteAddress: string): boolean {
  const peer = remoteAddress.includes(":")
    ? parseIpv6(remoteAddress.replace(/%.*$/, ""))
    : parseIpv4Strict(remoteAddress);
  if (peer === undefined || peer.length !== filter.bytes.length) return false;
  const mask = filter.mask;
  const whole = mask >> 3;
  for (let i = 0; i < whole; i++) if (peer[i] !== filter.bytes[i]) return false;
  const bits = mask & 7;
  if (bits === 0) return true;
  const keep = (0xff << (8 - bits)) & 0xff;
  return (peer[whole]! & keep) === (filter.bytes[whole]! & keep);
}

/** Whether any of `filters` admits the peer (an empty list admits everyone). */
export function acceptFiltersAdmit(filters: readonly AcceptFilter[], remoteAddress: string) {
  return filters.length === 0 || filters.some((f) => acceptFilterMatches(f, remoteAddress));
}

/** libzmq's `ip_resolver_t::resolve` without DNS, NIC names or a port. */
function resolveNumeric(text: string, ipv6: boolean): Uint8Array | undefined {
  let address = text;
  if (address.length >= 2 && address.startsWith("[") && address.endsWith("]")) {
    address = address.slice(1, -1);
  }
  const percent = address.lastIndexOf("%");
  if (percent >= 0) {
    const zone = address.slice(percent + 1);
    if (zone === "") return undefined;
    address = address.slice(0, percent);
    // A named zone is an interface name libzmq looks up (if_nametoindex); with no
    // interface list in this runtime-neutral layer any name passes. A numeric one is
    // C's atoi, and zone 0 is refused.
    if (!/^[A-Za-z]/.test(zone) && atoi(zone) === 0) return undefined;
  }
  const v4 = inetAton(address);
  if (v4 !== undefined) {
    if (!ipv6) return v4;
    const mapped = new Uint8Array(16);
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped.set(v4, 12);
    return mapped;
  }
  const v6 = parseIpv6(address);
  if (v6 === undefined || ipv6) return v6;
  // glibc answers an IPv4 query for an IPv4-mapped IPv6 literal with its IPv4 address.
  const mapped = v6.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff));
  return mapped ? v6.slice(12) : undefined;
}

/** C's `strtoul(text, &end, 0)` on a string that starts with a digit: value and length. */
function strtoulBase0(text: string, from: number): [number, number] {
  let i = from;
  let base = 10;
  if (text[i] === "0") {
    if ((text[i + 1] === "x" || text[i + 1] === "X") && /[0-9a-fA-F]/.test(text[i + 2] ?? "")) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  let value = 0;
  for (; i < text.length; i++) {
    const digit = Number.parseInt(text[i]!, 16);
    if (Number.isNaN(digit) || digit >= base) break;
    value = value * base + digit;
  }
  return [value, i];
}

/**
 * glibc's `__inet_aton_exact`: one to four parts separated by dots, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the remaining bytes.
 */
function inetAton(text: string): Uint8Array | undefined {
  const parts: number[] = [];
  let i = 0;
  let last: number;
  for (;;) {
    if (!/[0-9]/.test(text[i] ?? "")) return undefined;
    const [value, end] = strtoulBase0(text, i);
    if (value > 0xffffffff) return undefined;
    i = end;
    if (text[i] === ".") {
      if (parts.length > 2 || value > 0xff) return undefined;
      parts.push(value);
      i++;
      continue;
    }
    last = value;
    break;
  }
  if (i !== text.length) return undefined;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length]!;
  if (last > max) return undefined;
  const out = new Uint8Array(4);
  parts.forEach((p, k) => {
    out[k] = p;
  });
  for (let k = 3; k >= parts.length; k--) {
    out[k] = last % 256;
    last = Math.floor(last / 256);
  }
  return out;
}

/** glibc's `inet_pton4`: exactly four decimal octets, no leading zeros. */
function parseIpv4Strict(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let k = 0; k < 4; k++) {
    const p = parts[k]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[k] = Number(p);
  }
  return out;
}

/** glibc's `inet_pton6`: hex groups, one `::`, an optional dotted IPv4 tail. */
function parseIpv6(text: string): Uint8Array | undefined {
  if (text === "") return undefined;
  let src = text;
  if (src.startsWith(":")) {
    if (!src.startsWith("::")) return undefined;
    src = src.slice(1);
  }
  const out = new Uint8Array(16);
  let tp = 0;
  let colon = -1;
  let digits = 0;
  let value = 0;
  let token = 0;
  let i = 0;
  while (i < src.length) {
    const ch = src[i++]!;
    const digit = /[0-9a-fA-F]/.test(ch) ? Number.parseInt(ch, 16) : -1;
    if (digit >= 0) {
      if (digits === 4) return undefined;
      value = (value << 4) | digit;
      digits++;
      continue;
    }
    if (ch === ":") {
      token = i;
      if (digits === 0) {
        if (colon >= 0) return undefined;
        colon = tp;
        continue;
      }
      if (i === src.length || tp + 2 > 16) return undefined;
      out[tp++] = value >> 8;
      out[tp++] = value & 0xff;
      digits = 0;
      value = 0;
      continue;
    }
    if (ch === "." && tp + 4 <= 16) {
      const v4 = parseIpv4Strict(src.slice(token));
      if (v4 === undefined) return undefined;
      out.set(v4, tp);
      tp += 4;
      digits = 0;
      break;
    }
    return undefined;
  }
  if (digits > 0) {
    if (tp + 2 > 16) return undefined;
    out[tp++] = value >> 8;
    out[tp++] = value & 0xff;
  }
  if (colon >= 0) {
    if (tp === 16) return undefined;
    const tail = out.slice(colon, tp);
    out.fill(0, colon);
    out.set(tail, 16 - tail.length);
    tp = 16;
  }
  return tp === 16 ? out : undefined;
}

/** C's `strtol(text, NULL, 10)`: leading spaces, a sign, then digits (0 when none). */
function strtol(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(text)!;
  if (m[2] === "") return 0;
  const n = Number(m[2]);
  return m[1] === "-" ? -n : n;
}

/** C's `atoi`. */
function atoi(text: string): number {
  return strtol(text);
}
