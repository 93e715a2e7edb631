import type { SocketTypeName } from "@zmq/wire";

/**
 * The socket types, spelled as the ZMTP `Socket-Type` property: the standard ones
 * and libzmq's draft types (SERVER to CHANNEL; single-part, see the README).
 */
export type SocketType = SocketTypeName;

/** The draft socket types (libzmq builds them with `ZMQ_BUILD_DRAFT_API`). */
export const DRAFT_SOCKET_TYPES: readonly SocketType[] = [
  "SERVER",
  "CLIENT",
  "RADIO",
  "DISH",
  "GATHER",
  "SCATTER",
  "DGRAM",
  "PEER",
  "CHANNEL",
];

/** libzmq's `ZMQ_*` numbers for each type (`zmq.h`). */
export const SOCKET_TYPE_NUMBER: Readonly<Record<SocketType, number>> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
  STREAM: 11,
  SERVER: 12,
  CLIENT: 13,
  RADIO: 14,
  DISH: 15,
  GATHER: 16,
  SCATTER: 17,
  DGRAM: 18,
  PEER: 19,
  CHANNEL: 20,
};
