/**
 * Typed errors for the wire layer. Parsers never throw out of their loops: they
 * return a `WireError` as a value, and the connection that produced it is closed.
 */

/** errno-style codes, as zeromq.js reports them. */
export type WireErrorCode =
  | "EPROTO"
  | "EMSGSIZE"
  | "EINVAL"
  | "ETIMEDOUT"
  | "ECONNRESET"
  | "EACCES"
  | "EFAULT";

/** What exactly went wrong; stable strings, safe to switch on. */
export type WireErrorReason =
  | "unsupported-version"
  | "bad-signature"
  | "mechanism-mismatch"
  | "frame-too-large"
  | "malformed-command"
  | "malformed-frame"
  | "unexpected-command"
  | "invalid-metadata"
  | "socket-type-mismatch"
  | "peer-error"
  | "handshake-timeout"
  | "heartbeat-timeout"
  | "invalid-argument"
  | "auth-failed"
  | "cryptographic"
  | "invalid-sequence"
  | "zap-failure"
  | "websocket-handshake"
  | "peer-closed";

/**
 * libzmq's `ZMQ_PROTOCOL_ERROR_*` values, reported with the
 * `HANDSHAKE_FAILED_PROTOCOL` monitor event.
 */
export const ProtocolError = {
  ZMTP_UNSPECIFIED: 0x10000000,
  ZMTP_UNEXPECTED_COMMAND: 0x10000001,
  ZMTP_INVALID_SEQUENCE: 0x10000002,
  ZMTP_KEY_EXCHANGE: 0x10000003,
  ZMTP_MALFORMED_COMMAND_UNSPECIFIED: 0x10000011,
  ZMTP_MALFORMED_COMMAND_MESSAGE: 0x10000012,
  ZMTP_MALFORMED_COMMAND_HELLO: 0x10000013,
  ZMTP_MALFORMED_COMMAND_INITIATE: 0x10000014,
  ZMTP_MALFORMED_COMMAND_ERROR: 0x10000015,
  ZMTP_MALFORMED_COMMAND_READY: 0x10000016,
  ZMTP_MALFORMED_COMMAND_WELCOME: 0x10000017,
  ZMTP_INVALID_METADATA: 0x10000018,
  ZMTP_CRYPTOGRAPHIC: 0x11000001,
  ZMTP_MECHANISM_MISMATCH: 0x11000002,
  ZAP_UNSPECIFIED: 0x20000000,
  ZAP_MALFORMED_REPLY: 0x20000001,
  ZAP_BAD_REQUEST_ID: 0x20000002,
  ZAP_BAD_VERSION: 0x20000003,
  ZAP_INVALID_STATUS_CODE: 0x20000004,
  ZAP_INVALID_METADATA: 0x20000005,
  /** A WebSocket upgrade or framing failure (libzmq's `ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED`). */
  WS_UNSPECIFIED: 0x30000000,
} as const;

export interface WireErrorOptions {
  /** A `ZMQ_PROTOCOL_ERROR_*` value, when the failure maps to one. */
  protocolError?: number;
  /** A ZAP status (300, 400, 500) when authentication failed: libzmq's `HANDSHAKE_FAILED_AUTH`. */
  zapStatus?: number;
}

/** A protocol failure on one connection. */
export class WireError extends Error {
  override readonly name = "WireError";
  readonly code: WireErrorCode;
  readonly reason: WireErrorReason;
  readonly protocolError: number | undefined;
  readonly zapStatus: number | undefined;

  constructor(
    code: WireErrorCode,
    reason: WireErrorReason,
    message: string,
    options: WireErrorOptions = {},
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.protocolError = options.protocolError;
    this.zapStatus = options.zapStatus;
  }
}

/** True when `value` is a `WireError` (works across bundle copies too). */
export function isWireError(value: unknown): value is WireError {
  return (
    value instanceof WireError ||
    (value instanceof Error && value.name === "WireError" && "reason" in value && "code" in value)
  );
}
