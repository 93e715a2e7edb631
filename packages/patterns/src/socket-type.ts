/** The standard socket types, spelled as the ZMTP `Socket-Type` property. */
export type SocketType =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "STREAM";

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
};
