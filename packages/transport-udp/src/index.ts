/**
 * @zmq/transport-udp — the udp transport, as libzmq has it for RADIO/DISH and
 * DGRAM: `bind` opens a receiving socket (`udp://*:5555`, `udp://127.0.0.1:5555`,
 * multicast `udp://239.0.0.1:5555` or `udp://eth0;239.0.0.1:5555`, IPv6
 * `udp://[::1]:5555`) and hands it out as the listener's one connection; `connect`
 * opens a sending socket aimed at the endpoint. Connections are whole datagrams
 * (`DatagramConnection`); oversize ones are dropped and counted, never split.
 * `encodeRadioDatagram`/`decodeRadioDatagram` are libzmq's RADIO/DISH datagram
 * layout: `group_len(1) group body`.
 *
 * @example
 * ```ts
 * import { decodeRadioDatagram, encodeRadioDatagram, udp } from "@zmq/transport-udp";
 *
 * const listener = await udp.bind("udp://127.0.0.1:*");
 * listener.onConnection((dish) => {
 *   if (dish.kind !== "datagram") return;
 *   dish.setHandler({
 *     datagram(data, from) {
 *       const [group, body] = decodeRadioDatagram(data) ?? [];
 *       console.log(from, new TextDecoder().decode(group), new TextDecoder().decode(body)); // TV Friends
 *       radio.close();
 *       dish.close();
 *     },
 *     close() {},
 *   });
 * });
 *
 * const radio = await udp.connect(listener.endpoint);
 * const text = new TextEncoder();
 * radio.send(encodeRadioDatagram(text.encode("TV"), text.encode("Friends")));
 * ```
 *
 * @packageDocumentation
 */
export { decodeRadioDatagram, encodeRadioDatagram } from "./radio-datagram";
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
