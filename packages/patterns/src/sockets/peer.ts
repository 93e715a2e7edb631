import type { SocketType } from "../socket-type";
import { Server } from "./server";

/**
 * PEER (RFC 51, draft): a SERVER whose peers are PEERs and that also connects.
 * `lastRoutingId` is the routing id of the most recently attached pipe: what
 * libzmq's `zmq_connect_peer` returns right after the connect attached its pipe.
 */
export class Peer extends Server {
  override get type(): SocketType {
    return "PEER";
  }

  /** Routing id of the pipe attached last (undefined before any). */
  get lastRoutingId(): number | undefined {
    return this.lastAttachedId;
  }
}
