/** Stable codes of `ThreadsError`, named after the errno libzmq would give. */
export type ThreadsErrorCode =
  /** The name is already bound by a live thread. */
  | "EADDRINUSE"
  /** Bad argument: empty or over-long name, bad high-water mark, bad ring size. */
  | "EINVAL"
  /** The shared name table is full. */
  | "ENOMEM"
  /** The link or registry is closed. */
  | "ECLOSED";

/** An error from `@zmq/threads`, with a stable `code`. */
export class ThreadsError extends Error {
  readonly code: ThreadsErrorCode;

  constructor(code: ThreadsErrorCode, message: string) {
    super(message);
    this.name = "ThreadsError";
    this.code = code;
  }
}
