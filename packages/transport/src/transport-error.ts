/**
 * One error class for every transport failure, shaped like zeromq.js errors:
 * an errno string (`code`), its Linux number (`errno`) and the endpoint
 * (`address`) that failed.
 */

/**
 * errno values (Linux numbers; libzmq's own for EFSM … EMTHREAD), declared once
 * for every layer: the codes transports report, and the ones only the socket
 * layer raises (`ZmqError`).
 */
export const ERRNO = {
  /** Interrupted (socket layer only). */
  EINTR: 4,
  /** Bad descriptor (socket layer only). */
  EBADF: 9,
  /** Out of memory (socket layer only). */
  ENOMEM: 12,
  /** Bad address, e.g. an invalid argument object (socket layer only). */
  EFAULT: 14,
  /** A `send` or `receive` is already in progress on the socket (socket layer only). */
  EBUSY: 16,
  /** No data, e.g. an unknown message property (socket layer only). */
  ENODATA: 61,
  /** The peer broke the protocol (socket layer only; a handshake failure). */
  EPROTO: 71,
  /** A message over the size limit (`maxMessageSize`) (socket layer only). */
  EMSGSIZE: 90,
  /** The operation is not supported by this socket type (socket layer only). */
  ENOTSUP: 95,
  // libzmq's own (ZMQ_HAUSNUMERO + n).
  /** libzmq's: the operation is not valid in the socket's current state (REQ/REP order). */
  EFSM: 156384763,
  /** libzmq's: the transport does not work with this socket type (udp with a REQ). */
  ENOCOMPATPROTO: 156384764,
  /** libzmq's: the context was terminated. */
  ETERM: 156384765,
  /** libzmq's: no I/O thread available. */
  EMTHREAD: 156384766,
  /** Not permitted (e.g. binding a privileged port). */
  EPERM: 1,
  /** No such file: an ipc path whose directory does not exist, or nobody bound it. */
  ENOENT: 2,
  /** An I/O failure no other code describes (unknown platform errors map here). */
  EIO: 5,
  /** Try again: a non-blocking operation would block, or a timeout passed. */
  EAGAIN: 11,
  /** Permission denied (an ipc path, a privileged port). */
  EACCES: 13,
  /** No such network interface (a `tcp://eth9:…` or multicast interface name). */
  ENODEV: 19,
  /** A malformed endpoint or an invalid argument. */
  EINVAL: 22,
  /** The system is out of file descriptors. */
  ENFILE: 23,
  /** The process is out of file descriptors. */
  EMFILE: 24,
  /** Write to a connection the peer closed. */
  EPIPE: 32,
  /** An ipc path longer than a Unix socket address holds. */
  ENAMETOOLONG: 36,
  /** Not a socket (a closed socket in the socket layer). */
  ENOTSOCK: 88,
  /** No transport serves the endpoint's scheme. */
  EPROTONOSUPPORT: 93,
  /** The address family is not supported (e.g. IPv6 on a host without it). */
  EAFNOSUPPORT: 97,
  /** The address is already bound. */
  EADDRINUSE: 98,
  /** The address is not one of this host's (bind) or cannot be used. */
  EADDRNOTAVAIL: 99,
  /** The network is down. */
  ENETDOWN: 100,
  /** The network is unreachable. */
  ENETUNREACH: 101,
  /** The connection was aborted locally. */
  ECONNABORTED: 103,
  /** The peer reset the connection. */
  ECONNRESET: 104,
  /** The OS is out of buffer space. */
  ENOBUFS: 105,
  /** The socket is not connected. */
  ENOTCONN: 107,
  /** The connection attempt or the connection timed out. */
  ETIMEDOUT: 110,
  /** Nobody listens at the endpoint. */
  ECONNREFUSED: 111,
  /** The host cannot be reached, or its name does not resolve. */
  EHOSTUNREACH: 113,
  /** The operation was aborted (its `AbortSignal` fired). */
  ECANCELED: 125,
} as const;

/** Every errno string with a number. */
export type ErrnoCode = keyof typeof ERRNO;

/** The errno strings a `TransportError` may carry. */
export type TransportErrorCode = Exclude<
  ErrnoCode,
  | "EINTR"
  | "EBADF"
  | "ENOMEM"
  | "EFAULT"
  | "EBUSY"
  | "ENODATA"
  | "EPROTO"
  | "EMSGSIZE"
  | "ENOTSUP"
  | "EFSM"
  | "ENOCOMPATPROTO"
  | "ETERM"
  | "EMTHREAD"
>;

/** A failure to bind, connect or keep a connection, with an errno code. */
export class TransportError extends Error {
  /** Always `"TransportError"` (what `isTransportError` checks across bundle copies). */
  override readonly name = "TransportError";
  /** errno string, e.g. `"ECONNREFUSED"`. */
  readonly code: TransportErrorCode;
  /** The Linux errno number for `code`. */
  readonly errno: number;
  /** The endpoint (or address) the operation was about. */
  readonly address: string;

  /**
   * An error for `address` with errno `code`.
   *
   * @param code - the errno string; `errno` is looked up from it
   * @param message - what failed, for people
   * @param address - the endpoint or address concerned
   * @param options - `cause`: the platform error this one reports
   */
  constructor(code: TransportErrorCode, message: string, address: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.errno = ERRNO[code];
    this.address = address;
  }
}

/** True when `value` is a `TransportError` (also across duplicated bundle copies). */
export function isTransportError(value: unknown): value is TransportError {
  return (
    value instanceof TransportError ||
    (value instanceof Error &&
      value.name === "TransportError" &&
      typeof (value as { code?: unknown }).code === "string" &&
      typeof (value as { errno?: unknown }).errno === "number")
  );
}

const SOCKET_ONLY = new Set([
  "EINTR",
  "EBADF",
  "ENOMEM",
  "EFAULT",
  "EBUSY",
  "ENODATA",
  "EPROTO",
  "EMSGSIZE",
  "ENOTSUP",
  "EFSM",
  "ENOCOMPATPROTO",
  "ETERM",
  "EMTHREAD",
]);
const TRANSPORT_CODES = new Set(Object.keys(ERRNO).filter((code) => !SOCKET_ONLY.has(code)));

/** Codes of name-resolution failures (Node's `dns` errors), all reported as EHOSTUNREACH. */
const RESOLVE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA"]);

/**
 * Maps anything thrown by the platform (typically a Node system error with a
 * `code` such as `ECONNREFUSED`) onto a `TransportError` for `address`. Known
 * errno codes are kept; DNS failures become EHOSTUNREACH; aborts become
 * ECANCELED; anything else becomes EIO. The original error is the `cause`.
 */
export function toTransportError(error: unknown, address: string): TransportError {
  if (isTransportError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (typeof code === "string") {
    if (TRANSPORT_CODES.has(code)) {
      return new TransportError(code as TransportErrorCode, `${text} (${address})`, address, {
        cause: error,
      });
    }
    if (RESOLVE_CODES.has(code)) {
      return new TransportError("EHOSTUNREACH", `cannot resolve host: ${text}`, address, {
        cause: error,
      });
    }
    if (code === "ABORT_ERR") return abortError(address, error);
    if (code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END") {
      return new TransportError("EPIPE", `${text} (${address})`, address, { cause: error });
    }
  }
  if (error instanceof Error && error.name === "AbortError") return abortError(address, error);
  return new TransportError("EIO", `${text} (${address})`, address, { cause: error });
}

/** The error an aborted bind or connect rejects with: ECANCELED, with the abort reason as `cause`. */
export function abortError(address: string, reason?: unknown): TransportError {
  return new TransportError("ECANCELED", `operation aborted (${address})`, address, {
    cause: reason,
  });
}
