/**
 * What zeromq.js 6's declarations reject must be rejected by ours too: assigning read-only
 * properties, passing them as constructor options, and unknown options. Each `@ts-expect-error`
 * fails (TS2578) on the side that accepts the line.
 */
import * as zmq from "zeromq";
import { Context, Dealer, Publisher, Pull, Router, type SocketOptions, type Stream } from "zeromq";
import { Server } from "zeromq/draft";

export function rejected(router: Router, proxy: zmq.Proxy): void {
  // @ts-expect-error closed is read-only
  router.closed = true;
  // @ts-expect-error events is read-only
  router.events = new zmq.Observer(new Dealer());
  // @ts-expect-error context is read-only
  router.context = new Context();
  // @ts-expect-error readable is read-only
  router.readable = false;
  // @ts-expect-error writable is read-only
  router.writable = false;
  // @ts-expect-error lastEndpoint is read-only
  router.lastEndpoint = "tcp://127.0.0.1:1";
  // @ts-expect-error securityMechanism is read-only
  router.securityMechanism = null;
  // @ts-expect-error threadSafe is read-only
  router.threadSafe = true;
  // @ts-expect-error frontEnd is read-only
  proxy.frontEnd = new Router();
  // @ts-expect-error backEnd is read-only
  proxy.backEnd = new Dealer();

  // @ts-expect-error closed is no constructor option
  new Dealer({ closed: true });
  // @ts-expect-error lastEndpoint is no constructor option
  new Router({ lastEndpoint: "x" });
  // @ts-expect-error threadSafe is no constructor option
  new Server({ threadSafe: true });
  // @ts-expect-error events is no constructor option
  const opts: SocketOptions<Stream> = { events: router.events };
  // @ts-expect-error mandatory is a Router option, not a Dealer one
  new Dealer({ mandatory: true });
  // @ts-expect-error conflate is no Router option
  new Router({ conflate: true });
  // @ts-expect-error noDrop takes a boolean
  new Publisher({ noDrop: 1 });
  // @ts-expect-error a PULL cannot send
  new Pull().send("x");
  // @ts-expect-error a PUBLISHER cannot receive
  new Publisher().receive();
  console.log(opts);
}
