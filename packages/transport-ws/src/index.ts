/**
 * @zmq/transport-ws — the WebSocket transports: `ws://host:port/path` and
 * `wss://host:port/path` (TLS from `node:tls`, options named after libzmq's
 * `ZMQ_WSS_*`). Connections are byte streams, exactly like tcp: the WebSocket
 * upgrade and RFC 6455 framing are done above them, by the sans-I/O
 * `ZwsConnection` of `@zmq/wire`, which each connection's `webSocket` info
 * configures (client or server end, `Host`, path).
 *
 * @example
 * ```ts
 * import { ws } from "@zmq/transport-ws";
 * import { ZwsConnection } from "@zmq/wire";
 *
 * const listener = await ws.bind("ws://127.0.0.1:*");
 * const connection = await ws.connect(listener.endpoint);
 * if (connection.kind === "stream" && "webSocket" in connection) {
 *   const zws = new ZwsConnection(
 *     {
 *       handshake: (peer) => console.log("peer", peer.socketType),
 *       message: (frames) => console.log(frames),
 *       error: (error) => console.error(error),
 *     },
 *     { socketType: "DEALER", role: "client", host: connection.webSocket.host, path: connection.webSocket.path },
 *   );
 *   connection.setHandler({
 *     data: (chunk) => {
 *       zws.receive(chunk, performance.now());
 *       if (zws.hasOutput) connection.write(zws.takeOutput());
 *     },
 *     drain() {},
 *     end: () => connection.end(),
 *     close() {},
 *   });
 *   zws.start(performance.now());
 *   connection.write(zws.takeOutput()); // the upgrade request
 * }
 * ```
 *
 * @packageDocumentation
 */
export {
  formatWsEndpoint,
  hostHeader,
  parseWsAddress,
  type WsAddress,
  type WsScheme,
} from "./ws-address";
export {
  isWsConnection,
  type WsBindOptions,
  type WsConnectionInfo,
  type WsConnectOptions,
  WsStreamConnection,
  type WssOptions,
  WsTransport,
  ws,
  wss,
} from "./ws-transport";
