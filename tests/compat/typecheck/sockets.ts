/**
 * Each standard socket class with its own options, as constructor options and as properties, and
 * the send/receive shapes zeromq.js 6 declares for it (our own program, written for zeromq v6).
 */
import {
  Dealer,
  type Message,
  type MessageLike,
  Pair,
  Publisher,
  Pull,
  Push,
  type Readable,
  Reply,
  Request,
  Router,
  type RouterConnectOptions,
  type SocketOptions,
  Stream,
  type StreamConnectOptions,
  Subscriber,
  type Writable,
  XPublisher,
  XSubscriber,
} from "zeromq";

export async function perClass(): Promise<void> {
  const pair = new Pair({ sendHighWaterMark: 5, receiveHighWaterMark: 5, linger: 0 });
  pair.sendTimeout = 100;
  pair.receiveTimeout = 100;
  pair.multicastHops = 2;
  pair.sendBufferSize = 1 << 16;
  pair.receiveBufferSize = 1 << 16;

  const pub = new Publisher({ noDrop: true, conflate: true, invertMatching: false });
  pub.noDrop = false;
  pub.conflate = false;
  pub.invertMatching = true;

  const sub = new Subscriber({ conflate: true, invertMatching: true });
  sub.conflate = false;
  sub.invertMatching = false;
  sub.subscribe();
  sub.subscribe("a", "b");
  sub.unsubscribe("a");

  const req = new Request({ routingId: "r", probeRouter: true, correlate: true, relaxed: true });
  req.routingId = null;
  req.probeRouter = false;
  req.correlate = false;
  req.relaxed = false;

  const rep = new Reply({ routingId: "rep" });
  rep.routingId = "rep2";

  const dealer = new Dealer({ routingId: "d", probeRouter: true, conflate: false });
  dealer.routingId = null;
  dealer.probeRouter = false;
  dealer.conflate = true;

  const router = new Router({
    routingId: "x",
    mandatory: true,
    probeRouter: false,
    handover: true,
  });
  router.mandatory = false;
  router.handover = false;
  router.probeRouter = true;
  const routerConnect: RouterConnectOptions = { routingId: "peer" };
  router.connect("tcp://127.0.0.1:1", routerConnect);
  router.connect("tcp://127.0.0.1:2");

  const pull = new Pull({ conflate: true });
  pull.conflate = false;
  const push = new Push({ conflate: true });
  push.conflate = false;

  const xpub = new XPublisher({
    noDrop: true,
    manual: true,
    welcomeMessage: "hi",
    invertMatching: false,
  });
  xpub.manual = false;
  xpub.welcomeMessage = null;
  xpub.noDrop = false;
  xpub.invertMatching = true;

  const xsub = new XSubscriber({ sendHighWaterMark: 1, receiveHighWaterMark: 1 });
  await xsub.send(Buffer.from([1, 0x61]));
  const [xsubMsg] = await xsub.receive();

  const stream = new Stream({ notify: true });
  stream.notify = false;
  const streamConnect: StreamConnectOptions = { routingId: "s" };
  stream.connect("tcp://127.0.0.1:3", streamConnect);
  const [peer, data] = await stream.receive();
  await stream.send([peer, data]);

  await pair.send(["a", 1, null, new Uint8Array(1), new ArrayBuffer(2), Buffer.alloc(3)]);
  const frames: Message[] = await pair.receive();
  await pub.send("topic");
  await push.send(new Float64Array(2));
  const [first]: Message[] = await pull.receive();
  const socketTypeNumber: number = pair.type + router.type;
  console.log(xsubMsg, frames, first?.byteLength, rep, dealer, sub, req, socketTypeNumber);
}

/** The generic interfaces: any socket that can send, any that can receive. */
export async function generic(
  out: Writable,
  single: Writable<MessageLike>,
  pairOut: Writable<[MessageLike, MessageLike]>,
  input: Readable,
): Promise<Message[]> {
  await out.send(["a", "b"]);
  await single.send("one");
  await pairOut.send(["id", "body"]);
  out.sendHighWaterMark = 10;
  input.receiveHighWaterMark = 10;
  for await (const msg of input) return msg;
  return input.receive();
}

export function asGeneric(): void {
  const w1: Writable = new Push();
  const w2: Writable = new Dealer();
  const w3: Writable<[MessageLike, MessageLike]> = new Stream();
  const r1: Readable = new Pull();
  const r2: Readable<[Message, Message]> = new Stream();
  const r3: Readable = new Subscriber();
  console.log(w1, w2, w3, r1, r2, r3);
}

/** Constructor option objects built apart from the constructor. */
export function optionObjects(): void {
  const forRouter: SocketOptions<Router> = { mandatory: true, handover: true, linger: 0 };
  const forXPub: SocketOptions<XPublisher> = { manual: true, welcomeMessage: "w" };
  const forStream: SocketOptions<Stream> = { notify: false, maxMessageSize: 10 };
  new Router(forRouter).close();
  new XPublisher(forXPub).close();
  new Stream(forStream).close();
}
