import { PatternError } from "./errors";
import type { SocketBase, SocketRuntime } from "./socket-base";
import type { SocketOptions } from "./socket-options";
import type { SocketType } from "./socket-type";
import { Channel } from "./sockets/channel";
import { Client } from "./sockets/client";
import { Dealer } from "./sockets/dealer";
import { Dgram } from "./sockets/dgram";
import { Dish } from "./sockets/dish";
import { Gather } from "./sockets/gather";
import { Pair } from "./sockets/pair";
import { Peer } from "./sockets/peer";
import { Pub } from "./sockets/pub";
import { Pull } from "./sockets/pull";
import { Push } from "./sockets/push";
import { Radio } from "./sockets/radio";
import { Rep } from "./sockets/rep";
import { Req } from "./sockets/req";
import { Router } from "./sockets/router";
import { Scatter } from "./sockets/scatter";
import { Server } from "./sockets/server";
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
  SERVER: Server,
  CLIENT: Client,
  RADIO: Radio,
  DISH: Dish,
  GATHER: Gather,
  SCATTER: Scatter,
  DGRAM: Dgram,
  PEER: Peer,
  CHANNEL: Channel,
};

/** Create a socket of `type`; options are validated (EINVAL). */
export function createSocket(
  type: SocketType,
  options?: Partial<SocketOptions>,
  runtime?: SocketRuntime,
): SocketBase {
  const Class = Object.hasOwn(CLASSES, type) ? CLASSES[type] : undefined;
  if (Class === undefined) throw new PatternError("EINVAL", `unknown socket type ${String(type)}`);
  return new Class(options, runtime);
}
