/** Proxy and Context as a zeromq.js 6 program uses them; version, capability and curveKeyPair. */
import * as zmq from "zeromq";
import { Context, context, Dealer, Pull, Push, Router } from "zeromq";

export async function proxies(): Promise<void> {
  const p = new zmq.Proxy(new Router(), new Dealer());
  await p.frontEnd.bind("tcp://127.0.0.1:*");
  await p.backEnd.bind("tcp://127.0.0.1:*");
  const done: Promise<void> = p.run();
  p.pause();
  p.resume();
  p.terminate();
  await done;

  const pipeline = new zmq.Proxy<Pull, Push>(new Pull(), new Push());
  const front: Pull = pipeline.frontEnd;
  const back: Push = pipeline.backEnd;
  console.log(front.readable, back.writable);
}

export function contexts(): number {
  const ctx = new Context({ blocky: true, ioThreads: 1, maxMessageSize: 1 << 20, maxSockets: 64 });
  ctx.ioThreads = 2;
  ctx.maxSockets = 128;
  ctx.maxMessageSize = -1;
  ctx.blocky = false;
  ctx.ipv6 = true;
  ctx.threadPriority = 1;
  ctx.threadSchedulingPolicy = 1;
  const limit: number = ctx.maxSocketsLimit;
  context.blocky = false;
  const dealer = new Dealer({ context: ctx });
  const shared: Context = dealer.context;
  const v: string = zmq.version;
  const keys: { publicKey: string; secretKey: string } = zmq.curveKeyPair();
  const caps: boolean | undefined = zmq.capability.curve ?? zmq.capability.draft;
  console.log(shared, v, keys.publicKey.length, caps, zmq.capability.ipc, zmq.capability.tipc);
  return limit;
}
