import { PatternError } from "./errors";
import type { SocketBase, SocketRuntime } from "./socket-base";
import type { SocketOptions } from "./socket-options";
import type { SocketType } from "./socket-type";
import { Dealer } from "./sockets/dealer";
import { Pair } from "./sockets/pair";
import { Pub } from "./sockets/pub";
import { Pull } from "./sockets/pull";
import { Push } from "./sockets/push";
import { Rep } from "./sockets/rep";
import { Req } from "./sockets/req";
import { Router } from "./sockets/router";
import { Stream } from "./sockets/stream";
import { Sub } from "./sockets/sub";
import { XPub } from "./sockets/xpub";
import { XSub } from "./sockets/xsub";

type SocketClass = new (options?: Partial<SocketOptions>, runtime?: SocketRuntime) => SocketBase;

const CLASSES: Readonly<Record<SocketType, SocketClass>> = {
  PAIR: Pair,
  PUB: Pub,
  SUB: Sub,
  REQ: Req,
  REP: Rep,
  DEALER: Dealer,
  ROUTER: Router,
  PULL: Pull,
  PUSH: Push,
  XPUB: XPub,
  XSUB: XSub,
  STREAM: Stream,
};

/** Create a socket of `type`; options are validated (EINVAL). */
export function createSocket(
  type: SocketType,
  options?: Partial<SocketOptions>,
  runtime?: SocketRuntime,
): SocketBase {
  const Class = CLASSES[type];
  if (Class === undefined) throw new PatternError("EINVAL", `unknown socket type ${String(type)}`);
  return new Class(options, runtime);
}
