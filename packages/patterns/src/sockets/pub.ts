import type { SocketType } from "../socket-type";
import { XPub } from "./xpub";

/**
 * PUB (RFC 29): an XPUB that never delivers anything to the application (receive
 * throws ENOTSUP) and silently discards messages from subscribers.
 */
export class Pub extends XPub {
  override get type(): SocketType {
    return "PUB";
  }
}
