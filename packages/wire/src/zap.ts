/**
 * ZAP (RFC 27) as data: the request a server-side mechanism sends to the
 * authentication handler, the reply it gets back, and how a reply turns into a
 * handshake step. The exchange itself (a REQ-style socket talking to the handler
 * bound at `inproc://zeromq.zap.01`) is the owner's business: mechanisms get a
 * `ZapClient` callback and stay sans-I/O.
 */
import { utf8Encode } from "./bytes";
import { decodeMetadata, encodeError, type Metadata } from "./command";
import { ProtocolError, WireError } from "./errors";
import type { MechanismStep } from "./mechanism";

/** The endpoint a ZAP handler binds (libzmq). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/** One authentication request (RFC 27 frames 4-9). */
export interface ZapRequest {
  /** ZMQ_ZAP_DOMAIN of the server socket (may be empty). */
  domain: string;
  /** The peer's address, e.g. "127.0.0.1" (libzmq sends the IP only). */
  address: string;
  /** [!] libzmq sends the *local* socket's routing id here, not the peer's. */
  identity: Uint8Array;
  /** The security mechanism of the handshake being authenticated. */
  mechanism: "NULL" | "PLAIN" | "CURVE";
  /** NULL: none; PLAIN: username, password; CURVE: the client's 32-byte long-term key. */
  credentials: Uint8Array[];
}

/** A validated ZAP reply. */
export interface ZapReply {
  /** 200 accepted; 300 temporary failure; 400 refused; 500 internal error of the handler. */
  status: 200 | 300 | 400 | 500;
  /** The handler's reason, sent to a refused PLAIN or CURVE client in its ERROR command. */
  statusText: string;
  /** The authenticated user id (may be empty); becomes the messages' `User-Id` property. */
  userId: Uint8Array;
  /** Properties the handler attaches to the peer's messages (RFC 27 metadata frame). */
  metadata: Metadata;
}

/**
 * Asks the ZAP handler. Resolves to the reply, or to `undefined` when no handler
 * is bound; rejects with a `WireError` (a `ZAP_*` protocol error) on a bad reply.
 */
export type ZapClient = (request: ZapRequest) => Promise<ZapReply | undefined>;

/** What a server-side mechanism needs to consult ZAP. */
export interface ZapOptions {
  /** The ZAP exchange; absent = no handler (as if none were bound). */
  zap?: ZapClient | undefined;
  /** ZMQ_ZAP_DOMAIN; "" when unset. */
  zapDomain?: string | undefined;
  /** ZMQ_ZAP_ENFORCE_DOMAIN. */
  zapEnforceDomain?: boolean | undefined;
  /** The peer's address for the request. */
  peerAddress?: string | undefined;
  /** The local routing id for the request's identity frame. */
  routingId?: Uint8Array | undefined;
}

const VERSION = "1.0";
const REQUEST_ID = "1";

/** The request as the frames a REQ socket sends after its empty delimiter. */
export function encodeZapRequest(request: ZapRequest): Uint8Array[] {
  return [
    utf8Encode(VERSION),
    utf8Encode(REQUEST_ID),
    utf8Encode(request.domain),
    utf8Encode(request.address),
    request.identity,
    utf8Encode(request.mechanism),
    ...request.credentials,
  ];
}

function zapError(message: string, protocolError: number): WireError {
  return new WireError("EPROTO", "zap-failure", message, { protocolError });
}

function ascii(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/**
 * Validates a reply as libzmq does (`zap_client.cpp`): exactly 6 frames after
 * the delimiter (version, request id, status, status text, user id, metadata),
 * version "1.0", request id "1", status 200/300/400/500, well-formed metadata.
 * `frames` excludes the empty delimiter a REQ socket strips.
 */
export function decodeZapReply(frames: readonly Uint8Array[]): ZapReply | WireError {
  if (frames.length !== 6) {
    return zapError(
      `ZAP reply has ${frames.length + 1} frames, expected 7`,
      ProtocolError.ZAP_MALFORMED_REPLY,
    );
  }
  const [version, requestId, status, statusText, userId, metadataBytes] = frames as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  if (ascii(version) !== VERSION) {
    return zapError(`ZAP reply version ${ascii(version)}`, ProtocolError.ZAP_BAD_VERSION);
  }
  if (ascii(requestId) !== REQUEST_ID) {
    return zapError("ZAP reply has a wrong request id", ProtocolError.ZAP_BAD_REQUEST_ID);
  }
  const code = ascii(status);
  if (code !== "200" && code !== "300" && code !== "400" && code !== "500") {
    return zapError(
      `ZAP reply status ${JSON.stringify(code)}`,
      ProtocolError.ZAP_INVALID_STATUS_CODE,
    );
  }
  const metadata = decodeMetadata(metadataBytes);
  if (metadata instanceof WireError) {
    return zapError(`ZAP reply metadata: ${metadata.message}`, ProtocolError.ZAP_INVALID_METADATA);
  }
  return {
    status: Number(code) as ZapReply["status"],
    statusText: ascii(statusText),
    userId,
    metadata,
  };
}

/** libzmq's handling of a non-200 status: 300 disconnects silently, 400/500 send ERROR first. */
export function zapRejection(
  status: number,
  errorCommand: (reason: string) => Uint8Array = encodeError,
): MechanismStep {
  const error = new WireError("EACCES", "auth-failed", `ZAP refused: ${status}`, {
    zapStatus: status,
  });
  return status === 300 ? { error } : { send: [errorCommand(String(status))], error };
}

/** A ZAP handler could not be reached and the mechanism requires one (libzmq EFAULT). */
export function noZapHandler(mechanism: string): MechanismStep {
  return {
    error: new WireError(
      "EFAULT",
      "zap-failure",
      `${mechanism} server needs a ZAP handler at ${ZAP_ENDPOINT}`,
    ),
  };
}

/**
 * Runs a ZAP request and continues with `accepted(reply)` on 200. `onMissing`
 * decides what happens when no handler is bound.
 */
export function consultZap(
  options: ZapOptions,
  mechanism: ZapRequest["mechanism"],
  credentials: Uint8Array[],
  accepted: (reply: ZapReply | undefined) => MechanismStep,
  onMissing: () => MechanismStep,
  errorCommand?: (reason: string) => Uint8Array,
): MechanismStep {
  const zap = options.zap;
  if (zap === undefined) return onMissing();
  const request: ZapRequest = {
    domain: options.zapDomain ?? "",
    address: options.peerAddress ?? "",
    identity: options.routingId ?? new Uint8Array(0),
    mechanism,
    credentials,
  };
  return {
    pending: zap(request).then((reply) => {
      if (reply === undefined) return onMissing();
      if (reply.status !== 200) return zapRejection(reply.status, errorCommand);
      return accepted(reply);
    }),
  };
}

/** The parts of a 200 reply a handshake result carries. */
export function zapResult(reply: ZapReply | undefined): {
  /** The reply's user id (absent without a ZAP reply). */
  userId?: Uint8Array;
  /** The reply's metadata (absent without a ZAP reply). */
  zapMetadata?: Metadata;
} {
  if (reply === undefined) return {};
  return { userId: reply.userId, zapMetadata: reply.metadata };
}

/**
 * The error for an ERROR command received during a handshake. A reason of
 * "300", "400" or "500" is a ZAP status (libzmq `handle_error_reason`): the
 * error then carries `zapStatus`, reported as an authentication failure.
 */
export function peerRefused(reason: string): WireError {
  const status =
    reason.length === 3 &&
    reason[1] === "0" &&
    reason[2] === "0" &&
    reason[0]! >= "3" &&
    reason[0]! <= "5"
      ? Number(reason)
      : undefined;
  return new WireError(
    status === undefined ? "EPROTO" : "EACCES",
    status === undefined ? "peer-error" : "auth-failed",
    `peer refused the handshake: ${reason}`,
    status === undefined ? {} : { zapStatus: status },
  );
}
