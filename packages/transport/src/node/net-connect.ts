import type { Socket } from "node:net";
import { abortError, onAbort, type StreamConnection, toTransportError } from "../index";

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
    const done = () => {
      offAbort();
      socket.off("error", onError);
      socket.off(connectEvent, onConnect);
    };
    const onError = (error: Error) => {
      done();
      socket.destroy();
      reject(toTransportError(error, endpoint));
    };
    const onConnect = () => {
      done();
      resolve(wrap(socket));
    };
    const offAbort = onAbort(signal, () => {
      done();
      socket.destroy();
      reject(abortError(endpoint, signal?.reason));
    });
    socket.once("error", onError);
    socket.once(connectEvent, onConnect);
  });
}
