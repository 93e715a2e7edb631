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
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EAGAIN: 11,
  EACCES: 13,
  ENODEV: 19,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EPIPE: 32,
  ENAMETOOLONG: 36,
  ENOTSOCK: 88,
  EPROTONOSUPPORT: 93,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
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
  override readonly name = "TransportError";
  /** errno string, e.g. `"ECONNREFUSED"`. */
  readonly code: TransportErrorCode;
  /** The Linux errno number for `code`. */
  readonly errno: number;
  /** The endpoint (or address) the operation was about. */
  readonly address: string;

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
