import type { Socket } from "node:net";
import { abortError, type StreamConnection, type TransportError, toTransportError } from "../index";

/**
 * How much a connection buffers in user space before `write()` reports
 * backpressure. Node's default (16 KiB) makes every 64 KiB message wait for a
 * full drain, one event-loop turn each; 1 MiB keeps the kernel fed.
 */
export const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Waits for a freshly created `net` socket to connect, then wraps it. Errors
 * become `TransportError`s for `endpoint`; aborting destroys the socket and
 * rejects with ECANCELED. With `ref: false` the attempt does not keep the event
 * loop alive. Shared by the tcp, ipc and ws transports; a TLS socket settles on
 * `"secureConnect"` (the TLS handshake) instead of `"connect"`.
 */
export function awaitNetConnect<S extends Socket = Socket>(
  socket: S,
  endpoint: string,
  options: { signal?: AbortSignal | undefined; ref?: boolean | undefined },
  wrap: (socket: S) => StreamConnection,
  connectEvent: "connect" | "secureConnect" = "connect",
): Promise<StreamConnection> {
  const { signal } = options;
  if (options.ref === false) socket.unref();
  return new Promise<StreamConnection>((resolve, reject) => {
    // Plain on/off rather than once(): no wrapper per listener per attempt.
    const onError = (error: Error) => {
      done();
      socket.destroy();
      reject(connectError(error, endpoint));
    };
    const onConnect = () => {
      done();
      resolve(wrap(socket));
    };
    const onAborted =
      signal === undefined
        ? undefined
        : () => {
            done();
            socket.destroy();
            reject(abortError(endpoint, signal.reason));
          };
    const done = () => {
      if (onAborted !== undefined) signal!.removeEventListener("abort", onAborted);
      socket.removeListener("error", onError);
      socket.removeListener(connectEvent, onConnect);
    };
    if (onAborted !== undefined) signal!.addEventListener("abort", onAborted);
    socket.on("error", onError);
    socket.on(connectEvent, onConnect);
  });
}

/**
 * The `TransportError` of a failed connect, without a stack trace of its own:
 * it is raised from an I/O callback, so its frames would name only Node's
 * internals (the platform error, kept as `cause`, has those), and a connecter
 * retrying a dead endpoint makes one every attempt.
 */
export function connectError(error: Error, endpoint: string): TransportError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return toTransportError(error, endpoint);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
