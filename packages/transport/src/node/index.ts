/**
 * `@zmq/transport/node` — the Node.js `net` glue shared by the stream transports
 * (tcp and ipc): a `net.Socket` as a `StreamConnection` (vectored writes,
 * backpressure, half-close), a `net.Server` as a `Listener`, and the wait for a
 * socket to connect with abort and unref. The main entry of `@zmq/transport`
 * stays free of `node:` imports; only this subpath uses them.
 *
 * ```ts
 * import { createServer } from "node:net";
 * import { NetListener, NetStreamConnection } from "@zmq/transport/node";
 *
 * const listener = await NetListener.listen(createServer(), {
 *   listen: { host: "127.0.0.1", port: 0 },
 *   address: "tcp://127.0.0.1:0",
 *   wrap: (socket) => new NetStreamConnection(socket, "local", "remote", socket.remoteAddress ?? ""),
 *   resolveEndpoint: () => "tcp://127.0.0.1:…",
 * });
 * await listener.close();
 * ```
 *
 * @packageDocumentation
 */

export { lazyBuiltin, nodeNet } from "./builtins";
export { adoptAccepted, DIRECT_READS_SUPPORTED, DirectReads } from "./direct-reads";
export { awaitNetConnect, connectError, WRITE_HIGH_WATER_MARK } from "./net-connect";
export { NetListener, type NetListenOptions } from "./net-listener";
export { NetStreamConnection } from "./net-stream-connection";
export {
  connectTcpForExit,
  RAW_CONNECT_SUPPORTED,
  type RawAttemptCallback,
  type RawConnectError,
  type RawConnectTarget,
  type RawSocketOptions,
  RawTcpConnect,
  RawTcpDialer,
  type RawTcpHandle,
  rawConnectError,
  rawSocket,
} from "./raw-connect";
