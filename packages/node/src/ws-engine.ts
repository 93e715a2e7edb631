/**
 * The wire engine of `ws://` and `wss://` connections: ZWS 2.0 (`ZwsConnection`
 * from `@zmq/wire`) over the byte stream `@zmq/transport-ws` makes, configured
 * from the connection's `webSocket` info (which end, `Host`, path).
 */
import type { EngineFactory } from "@zmq/socket";
import { isWsConnection } from "@zmq/transport-ws";
import { ZmtpConnection, ZwsConnection } from "@zmq/wire";

export const zwsEngine: EngineFactory = (handler, options, connection) => {
  if (!isWsConnection(connection)) return new ZmtpConnection(handler, options);
  const { role, host, path } = connection.webSocket;
  return new ZwsConnection(handler, { ...options, role, host, path });
};
