import { PatternError } from "../errors";
import type { Message } from "../message";
import type { SocketType } from "../socket-type";
import { XSub } from "./xsub";

/**
 * SUB (RFC 29): an XSUB that filters received messages by prefix against its
 * subscriptions (inverted with `invertMatching`) and cannot send; use
 * `subscribe`/`unsubscribe`.
 */
export class Sub extends XSub {
  override get type(): SocketType {
    return "SUB";
  }

  protected override xsend(_msg: Message): boolean {
    throw new PatternError("ENOTSUP", "SUB sockets cannot send");
  }
}
