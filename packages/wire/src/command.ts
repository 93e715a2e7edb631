/**
 * ZMTP commands (RFC 37): the body of a command frame is `name-len(1) name data`.
 * [!] RFC 23/37 prose speaks of a NUL separator; the ABNF and libzmq use the length
 * prefix, and so do we.
 */
import { ProtocolError, WireError } from "./errors";
import { utf8Decode, utf8Length, utf8Write } from "./utf8";

/** READY/INITIATE properties: name → raw value. */
export type Metadata = Map<string, Uint8Array>;

/** Properties to encode; string values are encoded as UTF-8. */
export type MetadataInput = Iterable<readonly [string, Uint8Array | string]>;

/** A decoded command. ttl is in deciseconds. */
export type Command =
  | {
      /** READY: the end of a NULL or PLAIN handshake. */
      type: "ready";
      /** The sender's properties (`Socket-Type`, `Identity` …). */
      metadata: Metadata;
    }
  | {
      /** ERROR: the peer refuses the handshake and closes. */
      type: "error";
      /** Its reason (0–255 ASCII characters). */
      reason: string;
    }
  | {
      /** SUBSCRIBE (ZMTP 3.1): a subscription from a SUB/XSUB peer. */
      type: "subscribe";
      /** The topic prefix (may be empty: everything). */
      topic: Uint8Array;
    }
  | {
      /** CANCEL (ZMTP 3.1): a subscription withdrawn. */
      type: "cancel";
      /** The topic prefix. */
      topic: Uint8Array;
    }
  | {
      /** PING: a heartbeat that asks for a PONG. */
      type: "ping";
      /** How long the peer may stay silent before this side gives up, in milliseconds (sent in deciseconds). */
      ttl: number;
      /** Up to 16 bytes the PONG echoes. */
      context: Uint8Array;
    }
  | {
      /** PONG: the answer to a PING. */
      type: "pong";
      /** The PING's context, echoed. */
      context: Uint8Array;
    }
  | {
      /** JOIN (DISH → RADIO): join a group. */
      type: "join";
      /** The group name, 0–255 bytes. */
      group: Uint8Array;
    }
  | {
      /** LEAVE (DISH → RADIO): leave a group. */
      type: "leave";
      /** The group name, 0–255 bytes. */
      group: Uint8Array;
    }
  | {
      /** Any other command: passed on undecoded. */
      type: "other";
      /** The command name (1–255 ASCII characters). */
      name: string;
      /** The rest of the command body. */
      data: Uint8Array;
    };

/** Largest PING context (RFC 37 `ping-context = 0*16OCTET`). */
const MAX_PING_CONTEXT = 16;
/** Largest RADIO/DISH group (libzmq `ZMQ_GROUP_MAX_LENGTH`). */
const MAX_GROUP = 255;

function invalid(message: string): WireError {
  return new WireError("EINVAL", "invalid-argument", message);
}

function asciiName(bytes: Uint8Array, start: number, end: number): string {
  let name = "";
  for (let i = start; i < end; i++) name += String.fromCharCode(bytes[i]!);
  return name;
}

function writeAscii(text: string, target: Uint8Array, offset: number): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}

function checkName(name: string): void {
  if (name.length < 1 || name.length > 255) {
    throw invalid(`command name must be 1..255 characters, got ${name.length}`);
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0 || code > 0x7f)
      throw invalid(`command name ${JSON.stringify(name)} is not ASCII`);
  }
}

/** Builds a command body `name-len name data`. The name must be 1..255 ASCII chars. */
export function encodeCommand(name: string, data?: Uint8Array): Uint8Array {
  checkName(name);
  const dataLength = data === undefined ? 0 : data.length;
  const out = new Uint8Array(1 + name.length + dataLength);
  out[0] = name.length;
  writeAscii(name, out, 1);
  if (data !== undefined) out.set(data, 1 + name.length);
  return out;
}

/** A command body with a fixed name and a payload that follows it directly. */
function simpleCommand(name: string, payload: Uint8Array, prefix?: number): Uint8Array {
  const head = 1 + name.length + (prefix === undefined ? 0 : 1);
  const out = new Uint8Array(head + payload.length);
  out[0] = name.length;
  writeAscii(name, out, 1);
  if (prefix !== undefined) out[head - 1] = prefix;
  out.set(payload, head);
  return out;
}

/**
 * Encodes properties as `name-len(1) name value-len(4 BE) value`, in order.
 * Names must be 1..255 bytes of UTF-8; throws a `WireError` (EINVAL) otherwise.
 */
export function encodeMetadata(props: MetadataInput): Uint8Array {
  const entries: [string, number, Uint8Array | string, number][] = [];
  let total = 0;
  for (const [name, value] of props) {
    const nameLength = utf8Length(name);
    if (nameLength < 1 || nameLength > 255) {
      throw invalid(`property name must be 1..255 bytes, got ${nameLength}`);
    }
    const valueLength = typeof value === "string" ? utf8Length(value) : value.length;
    if (valueLength > 0xffffffff) throw invalid("property value longer than 2^32-1 bytes");
    entries.push([name, nameLength, value, valueLength]);
    total += 1 + nameLength + 4 + valueLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const [name, nameLength, value, valueLength] of entries) {
    out[at++] = nameLength;
    at = utf8Write(name, out, at);
    out[at++] = valueLength >>> 24;
    out[at++] = (valueLength >>> 16) & 0xff;
    out[at++] = (valueLength >>> 8) & 0xff;
    out[at++] = valueLength & 0xff;
    if (typeof value === "string") at = utf8Write(value, out, at);
    else {
      out.set(value, at);
      at += valueLength;
    }
  }
  return out;
}

function invalidMetadata(message: string): WireError {
  return new WireError("EPROTO", "invalid-metadata", message, {
    protocolError: ProtocolError.ZMTP_INVALID_METADATA,
  });
}

/**
 * Parses properties. Values are zero-copy views into `bytes`; names are decoded as
 * UTF-8 and kept as sent (libzmq compares them case-sensitively). A later
 * duplicate replaces an earlier one. Returns a `WireError` ("invalid-metadata") on
 * an empty name or a truncated property.
 */
export function decodeMetadata(bytes: Uint8Array): Metadata | WireError {
  const metadata: Metadata = new Map();
  let at = 0;
  const length = bytes.length;
  while (at < length) {
    const nameLength = bytes[at]!;
    if (nameLength === 0) return invalidMetadata(`empty property name at offset ${at}`);
    const nameStart = at + 1;
    const nameEnd = nameStart + nameLength;
    if (nameEnd + 4 > length) return invalidMetadata(`truncated property at offset ${at}`);
    const valueLength =
      ((bytes[nameEnd]! << 24) |
        (bytes[nameEnd + 1]! << 16) |
        (bytes[nameEnd + 2]! << 8) |
        bytes[nameEnd + 3]!) >>>
      0;
    const valueStart = nameEnd + 4;
    if (valueLength > length - valueStart) {
      return invalidMetadata(`property value of ${valueLength} bytes overruns the command`);
    }
    metadata.set(
      utf8Decode(bytes.subarray(nameStart, nameEnd)),
      bytes.subarray(valueStart, valueStart + valueLength),
    );
    at = valueStart + valueLength;
  }
  return metadata;
}

/** `READY` with the given properties (NULL mechanism; PLAIN and CURVE servers). */
export function encodeReady(props: MetadataInput): Uint8Array {
  return simpleCommand("READY", encodeMetadata(props));
}

/** `ERROR` with a reason of at most 255 bytes (UTF-8); throws EINVAL otherwise. */
export function encodeError(reason: string): Uint8Array {
  const length = utf8Length(reason);
  if (length > 255) throw invalid(`ERROR reason must be at most 255 bytes, got ${length}`);
  const out = new Uint8Array(7 + length);
  out[0] = 5;
  writeAscii("ERROR", out, 1);
  out[6] = length;
  utf8Write(reason, out, 7);
  return out;
}

/** `SUBSCRIBE` (ZMTP 3.1); the topic is a prefix. */
export function encodeSubscribe(topic: Uint8Array): Uint8Array {
  return simpleCommand("SUBSCRIBE", topic);
}

/** `CANCEL` (ZMTP 3.1). */
export function encodeCancel(topic: Uint8Array): Uint8Array {
  return simpleCommand("CANCEL", topic);
}

/**
 * `PING` with a TTL in deciseconds (0..65535) and a context of at most 16 bytes;
 * throws EINVAL otherwise.
 */
export function encodePing(ttlDeciseconds: number, context?: Uint8Array): Uint8Array {
  if (!Number.isInteger(ttlDeciseconds) || ttlDeciseconds < 0 || ttlDeciseconds > 0xffff) {
    throw invalid(`PING ttl must be an integer in 0..65535, got ${ttlDeciseconds}`);
  }
  const contextLength = context === undefined ? 0 : context.length;
  if (contextLength > MAX_PING_CONTEXT) {
    throw invalid(`PING context must be at most ${MAX_PING_CONTEXT} bytes`);
  }
  const out = new Uint8Array(7 + contextLength);
  out[0] = 4;
  writeAscii("PING", out, 1);
  out[5] = ttlDeciseconds >>> 8;
  out[6] = ttlDeciseconds & 0xff;
  if (context !== undefined) out.set(context, 7);
  return out;
}

/** `PONG` echoing a PING's context. */
export function encodePong(context: Uint8Array): Uint8Array {
  return simpleCommand("PONG", context);
}

function checkGroup(group: Uint8Array): void {
  if (group.length > MAX_GROUP) throw invalid(`group must be at most ${MAX_GROUP} bytes`);
}

/** `JOIN` (DISH → RADIO); the group is at most 255 bytes, else EINVAL. */
export function encodeJoin(group: Uint8Array): Uint8Array {
  checkGroup(group);
  return simpleCommand("JOIN", group);
}

/** `LEAVE` (DISH → RADIO); the group is at most 255 bytes, else EINVAL. */
export function encodeLeave(group: Uint8Array): Uint8Array {
  checkGroup(group);
  return simpleCommand("LEAVE", group);
}

function malformed(message: string, protocolError: number): WireError {
  return new WireError("EPROTO", "malformed-command", message, { protocolError });
}

/**
 * Decodes a command body. Names are matched case-sensitively, as libzmq does.
 * Topics, contexts, groups and metadata values are zero-copy views into `body`.
 * HELLO, WELCOME, INITIATE, MESSAGE and unknown commands come back as "other".
 * Returns a `WireError` ("malformed-command") for a truncated name, bad READY
 * metadata, an ERROR
 * reason overrunning the body, or a JOIN/LEAVE group over 255 bytes.
 */
export function decodeCommand(body: Uint8Array): Command | WireError {
  const nameLength = body.length > 0 ? body[0]! : 0;
  if (nameLength === 0 || 1 + nameLength > body.length) {
    return malformed(
      body.length === 0 ? "empty command" : "command name is empty or truncated",
      ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    );
  }
  const name = asciiName(body, 1, 1 + nameLength);
  const data = body.subarray(1 + nameLength);
  switch (name) {
    case "READY": {
      const metadata = decodeMetadata(data);
      if (metadata instanceof WireError) {
        return malformed(
          `malformed READY: ${metadata.message}`,
          ProtocolError.ZMTP_MALFORMED_COMMAND_READY,
        );
      }
      return { type: "ready", metadata };
    }
    case "ERROR": {
      if (data.length < 1 || 1 + data[0]! > data.length) {
        return malformed(
          "ERROR reason is missing or truncated",
          ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
        );
      }
      return { type: "error", reason: utf8Decode(data.subarray(1, 1 + data[0]!)) };
    }
    case "SUBSCRIBE":
      return { type: "subscribe", topic: data };
    case "CANCEL":
      return { type: "cancel", topic: data };
    case "PING": {
      // A PING shorter than its 2-byte TTL is tolerated, as libzmq does (it keeps
      // the peer and answers PONG): the missing TTL reads as 0, "no TTL".
      if (data.length < 2) return { type: "ping", ttl: 0, context: data.subarray(0, 0) };
      // A longer context is cut to 16 bytes, as libzmq does before echoing it in PONG.
      const end = Math.min(data.length, 2 + MAX_PING_CONTEXT);
      return { type: "ping", ttl: (data[0]! << 8) | data[1]!, context: data.subarray(2, end) };
    }
    case "PONG":
      return { type: "pong", context: data };
    case "JOIN":
    case "LEAVE": {
      if (data.length > MAX_GROUP) {
        return malformed(
          `${name} group longer than ${MAX_GROUP} bytes`,
          ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
        );
      }
      return name === "JOIN" ? { type: "join", group: data } : { type: "leave", group: data };
    }
    default:
      return { type: "other", name, data };
  }
}
