/**
 * @zmq/transport — the transport contract: what tcp, ipc, inproc and udp
 * transports produce, endpoint parsing, and one typed error class with
 * errno codes. No I/O and no `node:` imports; transports live in their own
 * packages.
 *
 * @example
 * ```ts
 * import { TransportError, TransportRegistry, parseEndpoint } from "@zmq/transport";
 *
 * parseEndpoint("tcp://127.0.0.1:5555"); // { scheme: "tcp", address: "127.0.0.1:5555", raw: … }
 *
 * const registry = new TransportRegistry();
 * try {
 *   registry.resolve("pgm://eth0;239.192.1.1:5555");
 * } catch (error) {
 *   if (error instanceof TransportError) console.log(error.code, error.errno); // EPROTONOSUPPORT 93
 * }
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/transport
 */
export { onAbort, throwIfAborted } from "./abort";
export type {
  AnyConnection,
  Connection,
  ConnectionKind,
  DatagramConnection,
  DatagramHandler,
  ReadReuse,
  StreamConnection,
  StreamHandler,
} from "./connection";
export { type Endpoint, parseEndpoint, parseEndpointFor } from "./endpoint";
export {
  type BindOptions,
  type ConnectDone,
  type Connecter,
  type ConnectOptions,
  type Listener,
  settleConnect,
  type Transport,
} from "./transport";
export {
  abortError,
  ERRNO,
  type ErrnoCode,
  isTransportError,
  TransportError,
  type TransportErrorCode,
  toTransportError,
} from "./transport-error";
export { type ResolvedEndpoint, TransportRegistry } from "./transport-registry";
