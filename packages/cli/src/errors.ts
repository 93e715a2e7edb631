/**
 * The exit codes of `zmq`, and the errors that carry them.
 */

/** What `zmq` exits with. */
export const ExitCode = {
  /** Done: the messages were sent or received (or `--help`). */
  Ok: 0,
  /** Failed at run time: a socket error, unreadable input, a failed handshake. */
  Failure: 1,
  /** Bad usage: unknown verb or flag, bad value, bad or unusable endpoint. */
  Usage: 2,
  /** `--timeout` expired before a message (or peer, or event) arrived or could be sent. */
  Timeout: 3,
  /** Stopped by SIGINT (128 + 2); SIGTERM gives 143 (128 + 15). */
  Interrupted: 130,
} as const;

/** An error `zmq` reports as one line on stderr and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = ExitCode.Failure) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Bad flags, values or endpoints: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
    this.name = "UsageError";
  }
}

/** A message that cannot be decoded in the chosen `--format`. */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Failure);
    this.name = "InputError";
  }
}

/** `--timeout` expired: exit 3. */
export class TimeoutError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Timeout);
    this.name = "TimeoutError";
  }
}
