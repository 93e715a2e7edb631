/**
 * Errors as zeromq.js reports them: an `Error` with an errno-style `code`, the
 * numeric `errno` (Linux values; libzmq's own for EFSM, ETERM …) and, for
 * endpoint operations, the `address`.
 */

import { ERRNO, type ErrnoCode } from "@zmq/transport";
import { ProtocolError } from "@zmq/wire";

export type { ErrnoCode };

const messages: Partial<Record<ErrnoCode, string>> = {
  ENOENT: "No such endpoint",
  ENODEV: "No such device",
  EACCES: "Permission denied",
  EBADF: "Socket is closed",
  EAGAIN: "Operation was not possible or timed out",
  EFAULT: "Context is closed",
  EBUSY: "Socket is busy",
  EINVAL: "Invalid argument",
  EMSGSIZE: "Message too long",
  EPROTONOSUPPORT: "Protocol not supported",
  ENOTSOCK: "Socket operation on non-socket",
  ENOTSUP: "Operation not supported",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ECONNREFUSED: "Connection refused",
  EHOSTUNREACH: "Host unreachable",
  EFSM: "Operation cannot be accomplished in current state",
  ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
  ETERM: "Context was terminated",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open file descriptors",
  EPIPE: "Broken pipe",
  ECONNRESET: "Connection reset by peer",
};

/** The error type every socket operation rejects or throws with. */
export class ZmqError extends Error {
  // Own properties in zeromq.js's order (`errno`, `code`, then `address` only when there is one):
  // what `Object.keys(err)` and a snapshot of the error show.
  /** The Linux errno number of `code` (0 for a code that has none). */
  readonly errno: number;
  /** The errno name, e.g. `"EAGAIN"` or `"EADDRINUSE"` (zeromq.js's `code`). */
  readonly code: string;
  /** The endpoint the failed operation was given, for `bind`/`connect`/`unbind`/`disconnect` errors. */
  declare readonly address?: string;

  /** `message` defaults to the usual strerror text of `code`. */
  constructor(code: string, message?: string, address?: string, options?: ErrorOptions) {
    super(message ?? messages[code as ErrnoCode] ?? code, options);
    this.errno = errnoOf(code);
    this.code = code;
    if (address !== undefined) this.address = address;
  }
}

/**
 * The error of a `handshake:error:auth` event (libzmq's HANDSHAKE_FAILED_AUTH): a
 * plain `Error` with the ZAP status, as zeromq.js makes it (its message is the
 * status's text, and it has no `code`, `errno` or `address`). Our own account of
 * the refusal ("ZAP refused: 400", "peer refused the handshake: 400") is its `cause`.
 */
export class AuthError extends Error {
  /** The ZAP status code the handler answered with (300 temporary, 400 denied, 500 internal error). */
  readonly status: 300 | 400 | 500;

  /** An unknown `status` is recorded as 500. */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status === 300 || status === 400 ? status : 500;
  }
}

/** The errno number for `code` (0 when unknown). */
export function errnoOf(code: string): number {
  return Object.hasOwn(ERRNO, code) ? ERRNO[code as ErrnoCode] : 0;
}

/**
 * The one conversion of a lower layer's error (TransportError, PatternError,
 * WireError, a platform error with a `code`) into a ZmqError: code, message and
 * address kept, the original as `cause`.
 */
export function toZmqError(error: unknown, address?: string): ZmqError {
  if (error instanceof ZmqError) return error;
  if (error instanceof Error) {
    const { code, address: where } = error as { code?: unknown; address?: unknown };
    return new ZmqError(
      typeof code === "string" ? code : "EINVAL",
      error.message,
      address ?? (typeof where === "string" ? where : undefined),
      { cause: error },
    );
  }
  return new ZmqError("EINVAL", String(error), address, { cause: error });
}

/** `ERR_ZMTP_…`/`ERR_ZAP_…` by `ZMQ_PROTOCOL_ERROR_*` value, from wire's `ProtocolError`. */
const PROTOCOL_ERROR_NAMES = new Map<number, string>(
  Object.entries(ProtocolError).map(([name, value]) => [value, `ERR_${name}`]),
);

/** The zeromq.js name of a `ZMQ_PROTOCOL_ERROR_*` value (ERR_ZMTP_UNSPECIFIED when unknown). */
export function protocolErrorName(value: number | undefined): string {
  return (value !== undefined && PROTOCOL_ERROR_NAMES.get(value)) || "ERR_ZMTP_UNSPECIFIED";
}
