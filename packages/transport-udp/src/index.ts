/**
 * @zmq/transport-udp — the udp transport, as libzmq has it for RADIO/DISH and
 * DGRAM: `bind` opens a receiving socket (`udp://*:5555`, `udp://127.0.0.1:5555`,
 * multicast `udp://239.0.0.1:5555` or `udp://eth0;239.0.0.1:5555`, IPv6
 * `udp://[::1]:5555`) and hands it out as the listener's one connection; `connect`
 * opens a sending socket aimed at the endpoint. Connections are whole datagrams
 * (`DatagramConnection`); oversize ones are dropped and counted, never split.
 * What a datagram holds is not this package's business: libzmq's RADIO/DISH
 * layout (`group_len(1) group body`) is in `@zmq/wire` (`encodeRadioDatagram`).
 *
 * @example
 * ```ts
 * import { udp } from "@zmq/transport-udp";
 *
 * const listener = await udp.bind("udp://127.0.0.1:*");
 * listener.onConnection((dish) => {
 *   if (dish.kind !== "datagram") return;
 *   dish.setHandler({
 *     datagram(data, from) {
 *       console.log(from, new TextDecoder().decode(data)); // hello
 *       radio.close();
 *       dish.close();
 *     },
 *     close() {},
 *   });
 * });
 *
 * const radio = await udp.connect(listener.endpoint);
 * radio.send(new TextEncoder().encode("hello"));
 * ```
 *
 * @packageDocumentation
 */
export {
  formatPeer,
  isMulticast,
  parsePeer,
  parseUdpAddress,
  resolveLocalHost,
  type UdpAddress,
} from "./udp-address";
export { UdpConnection } from "./udp-connection";
export {
  DEFAULT_MAX_DATAGRAM_SIZE,
  MAX_DATAGRAM_SIZE,
  type UdpBindOptions,
  type UdpConnectOptions,
  type UdpSocketOptions,
  UdpTransport,
  udp,
} from "./udp-transport";
