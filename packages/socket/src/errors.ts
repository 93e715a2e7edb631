/**
 * Errors as zeromq.js reports them: an `Error` with an errno-style `code`, the
 * numeric `errno` (Linux values; libzmq's own for EFSM, ETERM …) and, for
 * endpoint operations, the `address`.
 */

import { ERRNO } from "@zmq/transport";

/** Linux errno values: the transports' codes plus the ones only the socket layer raises. */
const errnos = {
  ...ERRNO,
  EINTR: 4,
  EBADF: 9,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  ENODATA: 61,
  EPROTO: 71,
  EMSGSIZE: 90,
  ENOTSUP: 95,
  // libzmq's own (ZMQ_HAUSNUMERO + n).
  EFSM: 156384763,
  ENOCOMPATPROTO: 156384764,
  ETERM: 156384765,
  EMTHREAD: 156384766,
} as const;

export type ErrnoCode = keyof typeof errnos;

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
};

/** The error type every @zmq/node operation rejects or throws with. */
export class ZmqError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly address?: string;

  constructor(code: string, message?: string, address?: string) {
    super(message ?? messages[code as ErrnoCode] ?? code);
    this.code = code;
    this.errno = errnos[code as ErrnoCode] ?? 0;
    if (address !== undefined) this.address = address;
  }
}

/** The errno number for `code` (0 when unknown). */
export function errnoOf(code: string): number {
  return errnos[code as ErrnoCode] ?? 0;
}

/**
 * Converts an error from a lower layer (TransportError, PatternError, WireError)
 * into a ZmqError, keeping its code and message.
 */
export function toZmqError(error: unknown, address?: string): ZmqError {
  if (error instanceof ZmqError) return error;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === "string") {
    const code = (error as unknown as { code: string }).code;
    const where = address ?? (error as { address?: string }).address;
    return new ZmqError(code, error.message, where);
  }
  return new ZmqError("EINVAL", error instanceof Error ? error.message : String(error), address);
}
