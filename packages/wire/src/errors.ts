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
  /** A ZMTP failure with no more specific value. */
  ZMTP_UNSPECIFIED: 0x10000000,
  /** A command (or a message frame) the handshake did not expect at this point. */
  ZMTP_UNEXPECTED_COMMAND: 0x10000001,
  /** A CURVE MESSAGE nonce that did not increase (a replay). */
  ZMTP_INVALID_SEQUENCE: 0x10000002,
  /** The CURVE key exchange failed. */
  ZMTP_KEY_EXCHANGE: 0x10000003,
  /** A malformed command of no particular kind. */
  ZMTP_MALFORMED_COMMAND_UNSPECIFIED: 0x10000011,
  /** A malformed CURVE MESSAGE. */
  ZMTP_MALFORMED_COMMAND_MESSAGE: 0x10000012,
  /** A malformed HELLO. */
  ZMTP_MALFORMED_COMMAND_HELLO: 0x10000013,
  /** A malformed INITIATE. */
  ZMTP_MALFORMED_COMMAND_INITIATE: 0x10000014,
  /** A malformed ERROR. */
  ZMTP_MALFORMED_COMMAND_ERROR: 0x10000015,
  /** A malformed READY. */
  ZMTP_MALFORMED_COMMAND_READY: 0x10000016,
  /** A malformed WELCOME. */
  ZMTP_MALFORMED_COMMAND_WELCOME: 0x10000017,
  /** Bad properties: malformed metadata, no `Socket-Type`, or an incompatible socket type. */
  ZMTP_INVALID_METADATA: 0x10000018,
  /** A CURVE box that does not open (wrong key or forged). */
  ZMTP_CRYPTOGRAPHIC: 0x11000001,
  /** The peer's greeting names another security mechanism. */
  ZMTP_MECHANISM_MISMATCH: 0x11000002,
  /** A ZAP failure with no more specific value. */
  ZAP_UNSPECIFIED: 0x20000000,
  /** The ZAP handler's reply is malformed. */
  ZAP_MALFORMED_REPLY: 0x20000001,
  /** The ZAP reply answers another request id. */
  ZAP_BAD_REQUEST_ID: 0x20000002,
  /** The ZAP reply's version is not "1.0". */
  ZAP_BAD_VERSION: 0x20000003,
  /** The ZAP reply's status is not 200, 300, 400 or 500. */
  ZAP_INVALID_STATUS_CODE: 0x20000004,
  /** The ZAP reply's metadata frame is malformed. */
  ZAP_INVALID_METADATA: 0x20000005,
  /** A WebSocket upgrade or framing failure (libzmq's `ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED`). */
  WS_UNSPECIFIED: 0x30000000,
} as const;

/** The optional details of a {@link WireError}. */
export interface WireErrorOptions {
  /** A `ZMQ_PROTOCOL_ERROR_*` value, when the failure maps to one. */
  protocolError?: number;
  /** A ZAP status (300, 400, 500) when authentication failed: libzmq's `HANDSHAKE_FAILED_AUTH`. */
  zapStatus?: number;
}

/** A protocol failure on one connection. */
export class WireError extends Error {
  /** Always `"WireError"` (what `isWireError` checks across bundle copies). */
  override readonly name = "WireError";
  /** The errno-style code, e.g. `"EPROTO"`. */
  readonly code: WireErrorCode;
  /** What went wrong, a stable string, e.g. `"socket-type-mismatch"`. */
  readonly reason: WireErrorReason;
  /** The `ZMQ_PROTOCOL_ERROR_*` value ({@link ProtocolError}), when the failure maps to one. */
  readonly protocolError: number | undefined;
  /** The ZAP status (300, 400, 500) when authentication failed. */
  readonly zapStatus: number | undefined;

  /**
   * An error of kind `code`/`reason`.
   *
   * @param code - the errno-style code
   * @param reason - the stable reason string
   * @param message - what happened, for people
   * @param options - the protocol error value and ZAP status, when known
   */
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
