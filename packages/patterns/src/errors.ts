/**
 * Typed errors for socket operations. Codes are errno strings as zeromq.js reports
 * them; `errno` is the Linux/libzmq number for the same condition.
 */

/** The errno codes a socket operation can fail with. */
export type PatternErrorCode = "EAGAIN" | "EFSM" | "EHOSTUNREACH" | "ENOTSUP" | "EINVAL" | "ETERM";

/** errno numbers as libzmq reports them on Linux (`EFSM`/`ETERM` are libzmq's own). */
export const PATTERN_ERRNO: Readonly<Record<PatternErrorCode, number>> = {
  EAGAIN: 11,
  EFSM: 156384763,
  EHOSTUNREACH: 113,
  ENOTSUP: 95,
  EINVAL: 22,
  ETERM: 156384765,
};

/** A socket operation that cannot be performed; `code` is stable and safe to switch on. */
export class PatternError extends Error {
  /** Always `"PatternError"` ({@link isPatternError} checks it across bundle copies). */
  override readonly name = "PatternError";
  /** The errno string, e.g. `"EAGAIN"`, as zeromq.js reports it. */
  readonly code: PatternErrorCode;
  /** The numeric errno for `code`, from {@link PATTERN_ERRNO}. */
  readonly errno: number;

  /**
   * An error of kind `code`.
   * @param code - the failure kind; `errno` follows from it.
   * @param message - human-readable detail.
   */
  constructor(code: PatternErrorCode, message: string) {
    super(message);
    this.code = code;
    this.errno = PATTERN_ERRNO[code];
  }
}

/** True when `value` is a `PatternError` (works across bundle copies too). */
export function isPatternError(value: unknown): value is PatternError {
  return (
    value instanceof PatternError ||
    (value instanceof Error &&
      value.name === "PatternError" &&
      typeof (value as { code?: unknown }).code === "string")
  );
}
