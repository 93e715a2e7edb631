/**
 * The errors that end a connection on a timeout, shared by the ZMTP connection
 * and the ZWS engine (internal: not exported from the package).
 */
import { WireError } from "./errors";

/** The error that ends a connection whose handshake did not finish in `interval` ms. */
export function handshakeTimeoutError(interval: number): WireError {
  return new WireError(
    "ETIMEDOUT",
    "handshake-timeout",
    `handshake not complete after ${interval} ms`,
  );
}

/** The error that ends a connection whose peer stayed silent past the heartbeat timeout. */
export function heartbeatTimeoutError(): WireError {
  return new WireError("ETIMEDOUT", "heartbeat-timeout", "peer silent past heartbeat timeout");
}
