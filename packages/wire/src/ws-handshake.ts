/**
 * The WebSocket opening handshake (RFC 6455 §4) for ZWS 2.0 (RFC 45), both
 * ends, sans-I/O: the HTTP/1.1 upgrade request and response, read
 * incrementally with a bound on the header block, and the ZWS subprotocol
 * negotiation as libzmq does it:
 *
 * - a client offers `ZWS2.0/NULL,ZWS2.0` (NULL), `ZWS2.0/PLAIN` or `ZWS2.0/CURVE`;
 * - a server takes the first offered protocol that matches its own mechanism,
 *   and bare `ZWS2.0` (no mechanism, ZMTP 2 style) only when that is NULL;
 * - `Connection` must contain the `upgrade` token (any case, any position),
 *   `Upgrade` must be `websocket`.
 *
 * A server that cannot accept a request answers nothing (libzmq closes the
 * connection silently); the error tells the owner why.
 */
import { ProtocolError, WireError } from "./errors";
import { base64Encode, sha1 } from "./sha1";

/** The GUID RFC 6455 appends to the key before hashing. */
export const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Bare ZWS 2.0: no mechanism; routing ids are exchanged as the first message. */
export const ZWS_BARE = "ZWS2.0";

/** Default bound on an HTTP header block (request or response), in bytes. */
export const DEFAULT_MAX_HEADER_SIZE = 8192;

/** `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)). */
export function wsAcceptKey(key: string): string {
  return base64Encode(sha1(latin1Bytes(key + WS_GUID)));
}

/** The subprotocols a client with `mechanism` offers, in libzmq's order. */
export function zwsOfferedProtocols(mechanism: string): string[] {
  return mechanism === "NULL" ? ["ZWS2.0/NULL", ZWS_BARE] : [`ZWS2.0/${mechanism}`];
}

/** True when a side whose mechanism is `mechanism` can speak `protocol`. */
export function zwsProtocolMatches(mechanism: string, protocol: string): boolean {
  if (protocol === ZWS_BARE) return mechanism === "NULL";
  return protocol === `ZWS2.0/${mechanism}`;
}

/** The server's choice from a `Sec-WebSocket-Protocol` list: the first offer that matches. */
export function selectZwsProtocol(
  mechanism: string,
  offered: readonly string[],
): string | undefined {
  return offered.find((protocol) => zwsProtocolMatches(mechanism, protocol));
}

/** A parsed HTTP/1.1 head: the start line and the header fields. */
export interface HttpHead {
  /** The first line, e.g. `GET / HTTP/1.1` or `HTTP/1.1 101 Switching Protocols`. */
  readonly startLine: string;
  /** Lower-case field names; repeated fields joined with `, `. */
  readonly headers: ReadonlyMap<string, string>;
}

/** What {@link HttpHeadReader.push} returns. */
export type HttpHeadResult =
  | {
      /** The blank line that ends the head has not arrived yet. */
      status: "partial";
    }
  | {
      /** The head is complete. */
      status: "done";
      /** The parsed head. */
      head: HttpHead;
      /** The bytes of the chunk after the head (the first WebSocket frames), possibly empty. */
      rest: Uint8Array;
    }
  | {
      /** The head is too long or malformed, or was already read. */
      status: "error";
      /** Why (EPROTO, reason `websocket-handshake`). */
      error: WireError;
    };

function handshakeError(message: string): WireError {
  return new WireError("EPROTO", "websocket-handshake", message, {
    protocolError: ProtocolError.WS_UNSPECIFIED,
  });
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Reads an HTTP head (up to the blank line) from chunks. Holds at most
 * `maxHeaderSize` bytes: a longer head is an error, whatever follows.
 */
export class HttpHeadReader {
  readonly #max: number;
  #text = "";
  /** How many bytes of `\r\n\r\n` the text currently ends with. */
  #matched = 0;
  #done = false;

  /** `maxHeaderSize`: the longest head accepted, in bytes (default 8 KiB). */
  constructor(maxHeaderSize = DEFAULT_MAX_HEADER_SIZE) {
    this.#max = maxHeaderSize;
  }

  /** Feeds the next received bytes; "done" once the blank line after the head arrived. */
  push(chunk: Uint8Array): HttpHeadResult {
    if (this.#done) return { status: "error", error: handshakeError("head already read") };
    let matched = this.#matched;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === (matched % 2 === 0 ? 13 : 10)) matched++;
      else matched = byte === 13 ? 1 : 0;
      if (this.#text.length + i + 1 > this.#max) {
        this.#done = true;
        return {
          status: "error",
          error: handshakeError(`HTTP header block larger than ${this.#max} bytes`),
        };
      }
      if (matched === 4) {
        this.#done = true;
        let text = this.#text;
        for (let j = 0; j <= i; j++) text += String.fromCharCode(chunk[j]!);
        this.#text = "";
        const head = parseHead(text.slice(0, -4));
        if (head instanceof WireError) return { status: "error", error: head };
        return { status: "done", head, rest: chunk.subarray(i + 1) };
      }
    }
    this.#matched = matched;
    for (let j = 0; j < chunk.length; j++) this.#text += String.fromCharCode(chunk[j]!);
    return { status: "partial" };
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseHead(text: string): HttpHead | WireError {
  const lines = text.split("\r\n");
  const startLine = lines[0]!;
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) return handshakeError("malformed HTTP header line");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return handshakeError("malformed HTTP header name");
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) return handshakeError("malformed HTTP header value");
    const key = name.toLowerCase();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }
  return { startLine, headers };
}

/** The comma-separated elements of a header value, trimmed, empty ones dropped. */
export function headerList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((element) => element.trim())
    .filter((element) => element.length > 0);
}

function hasToken(value: string | undefined, token: string): boolean {
  return headerList(value).some((element) => element.toLowerCase() === token);
}

/** What {@link encodeUpgradeRequest} writes. */
export interface UpgradeRequestOptions {
  /** `Host` header: `host:port` (IPv6 in brackets). */
  host: string;
  /** Request target, starting with `/`. */
  path: string;
  /** The base64 of 16 random bytes. */
  key: string;
  /** Subprotocols offered, in order of preference. */
  protocols: readonly string[];
  /** Extra header lines (name, value), e.g. `Origin`. */
  headers?: readonly (readonly [string, string])[];
}

function checkHeaderText(text: string, what: string): void {
  if (/[\r\n\0]/.test(text) || /[^\x20-\x7e]/.test(text)) {
    throw new WireError("EINVAL", "invalid-argument", `invalid characters in ${what}`);
  }
}

/** The client's upgrade request, ready to write. Throws EINVAL for unsafe header text. */
export function encodeUpgradeRequest(options: UpgradeRequestOptions): Uint8Array {
  const { host, path, key, protocols } = options;
  checkHeaderText(host, "host");
  checkHeaderText(path, "path");
  if (!path.startsWith("/") || path.includes(" ")) {
    throw new WireError("EINVAL", "invalid-argument", `invalid request path ${path}`);
  }
  let text =
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ${protocols.join(",")}\r\n` +
    "Sec-WebSocket-Version: 13\r\n";
  for (const [name, value] of options.headers ?? []) {
    if (!TOKEN.test(name)) throw new WireError("EINVAL", "invalid-argument", `bad header ${name}`);
    checkHeaderText(value, name);
    text += `${name}: ${value}\r\n`;
  }
  return latin1Bytes(`${text}\r\n`);
}

/** What a server learned from an acceptable upgrade request. */
export interface UpgradeRequest {
  /** The request target as sent (libzmq ignores it). */
  path: string;
  /** The client's `Sec-WebSocket-Key` (the response's accept key derives from it). */
  key: string;
  /** The subprotocol chosen for the local mechanism. */
  protocol: string;
  /** Every header field, names in lower case. */
  headers: ReadonlyMap<string, string>;
}

const KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Checks a client's upgrade request and picks the subprotocol for a server
 * whose mechanism is `mechanism`; a `WireError` says why it is refused.
 */
export function checkUpgradeRequest(head: HttpHead, mechanism: string): UpgradeRequest | WireError {
  const parts = head.startLine.split(" ");
  if (parts.length !== 3 || parts[0] !== "GET" || parts[2] !== "HTTP/1.1" || parts[1] === "") {
    return handshakeError(`not a GET … HTTP/1.1 request: ${head.startLine.slice(0, 80)}`);
  }
  const { headers } = head;
  if (!hasToken(headers.get("upgrade"), "websocket")) {
    return handshakeError("request without Upgrade: websocket");
  }
  if (!hasToken(headers.get("connection"), "upgrade")) {
    return handshakeError("request without an upgrade token in Connection");
  }
  const version = headers.get("sec-websocket-version");
  if (version !== undefined && version !== "13") {
    return handshakeError(`unsupported Sec-WebSocket-Version ${version}`);
  }
  const key = headers.get("sec-websocket-key");
  if (key === undefined || !KEY.test(key)) {
    return handshakeError("missing or malformed Sec-WebSocket-Key");
  }
  const offered = headerList(headers.get("sec-websocket-protocol"));
  const protocol = selectZwsProtocol(mechanism, offered);
  if (protocol === undefined) {
    return handshakeError(
      `no offered subprotocol (${offered.join(",") || "none"}) fits mechanism ${mechanism}`,
    );
  }
  return { path: parts[1]!, key, protocol, headers };
}

/** The server's `101 Switching Protocols` answer. */
export function encodeUpgradeResponse(key: string, protocol: string): Uint8Array {
  return latin1Bytes(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${wsAcceptKey(key)}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
}

/**
 * Checks a server's answer to our request (sent with `key`, offering
 * `offered`); returns the subprotocol it chose or why the upgrade failed.
 */
export function checkUpgradeResponse(
  head: HttpHead,
  key: string,
  offered: readonly string[],
): string | WireError {
  const match = /^HTTP\/1\.1 +(\d{3})(?: .*)?$/.exec(head.startLine);
  if (match === null)
    return handshakeError(`malformed status line: ${head.startLine.slice(0, 80)}`);
  if (match[1] !== "101") return handshakeError(`upgrade refused with HTTP ${match[1]}`);
  const { headers } = head;
  if (!hasToken(headers.get("upgrade"), "websocket")) {
    return handshakeError("response without Upgrade: websocket");
  }
  if (!hasToken(headers.get("connection"), "upgrade")) {
    return handshakeError("response without an upgrade token in Connection");
  }
  if (headers.get("sec-websocket-accept") !== wsAcceptKey(key)) {
    return handshakeError("wrong or missing Sec-WebSocket-Accept");
  }
  const protocol = headers.get("sec-websocket-protocol");
  if (protocol === undefined || !offered.includes(protocol)) {
    return handshakeError(`server chose a subprotocol that was not offered: ${protocol ?? "none"}`);
  }
  return protocol;
}
