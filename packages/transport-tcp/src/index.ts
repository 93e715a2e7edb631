/**
 * @zmq/transport-tcp — the tcp transport: `tcp://host:port`, wildcards and
 * ephemeral ports (the resolved endpoint is reported, like
 * `ZMQ_LAST_ENDPOINT`), IPv6 literals, interface names on bind, host names on
 * connect, `tcp://src;dst` source addresses. Connections are byte streams with
 * TCP_NODELAY on; the ZMTP wire engine runs over them.
 *
 * @example
 * ```ts
 * import { tcp } from "@zmq/transport-tcp";
 *
 * const listener = await tcp.bind("tcp://127.0.0.1:*");
 * console.log(listener.endpoint); // tcp://127.0.0.1:49152
 * listener.onConnection((server) => {
 *   if (server.kind !== "stream") return;
 *   server.setHandler({
 *     data: (chunk) => server.write([chunk]), // echo
 *     drain() {},
 *     end: () => server.end(),
 *     close() {},
 *   });
 * });
 *
 * const client = await tcp.connect(listener.endpoint);
 * client.setHandler({
 *   data: (chunk) => {
 *     console.log(new TextDecoder().decode(chunk)); // hello
 *     client.end();
 *   },
 *   drain() {},
 *   end() {},
 *   close: () => void listener.close(),
 * });
 * client.write([new TextEncoder().encode("hello")]);
 * ```
 *
 * @packageDocumentation
 */
export {
  bindAddress,
  formatTcpEndpoint,
  lookupLocalHost,
  lookupLocalHostSync,
  parseTcpAddress,
  resolveLocalHost,
  type TcpAddress,
  type TcpHostPort,
} from "./tcp-address";
export {
  type TcpBindOptions,
  type TcpConnectOptions,
  type TcpSocketOptions,
  TcpTransport,
  tcp,
} from "./tcp-transport";
