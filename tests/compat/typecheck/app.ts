/**
 * An ordinary zeromq.js 6 program: it must type-check against zeromq's declarations and, unchanged,
 * against @zmq/node's (the package aliased as `zeromq`). Never run; only compiled.
 */
import type {
  Event,
  EventOfType,
  EventSubscriber,
  EventType,
  Message,
  MessageLike,
  SocketOptions,
} from "zeromq";
import * as zmq from "zeromq";
import {
  Context,
  Dealer,
  type Observer,
  Publisher,
  Reply,
  Request,
  Router,
  Subscriber,
} from "zeromq";

export async function server(): Promise<void> {
  const context = new Context({ ioThreads: 2, blocky: false });
  const router = new Router({
    context,
    linger: 0,
    mandatory: true,
    routingId: "server",
    curveServer: true,
    curveSecretKey: zmq.curveKeyPair().secretKey,
    immediate: true,
    heartbeatInterval: 1000,
    heartbeatTimeout: 3000,
    reconnectInterval: 100,
    maxMessageSize: 1 << 20,
  });
  await router.bind("tcp://127.0.0.1:5555");
  await router.bind("ipc:///tmp/app.sock");
  await router.unbind("tcp://127.0.0.1:5555");
  for await (const [id, body] of router) {
    const reply: MessageLike[] = [id as Message, body as Message, "ok", 42, null];
    await router.send(reply);
  }
}

export async function client(): Promise<string> {
  const req = new Request({
    sendTimeout: 1000,
    receiveTimeout: 1000,
    relaxed: true,
    correlate: true,
  });
  req.connect("tcp://127.0.0.1:5555");
  req.tcpKeepalive = 1;
  req.tcpKeepaliveIdle = 60;
  req.ipv6 = false;
  await req.send("hello");
  const [answer] = await req.receive();
  return (answer as Buffer).toString();
}

export function watch(sock: zmq.Socket): EventSubscriber {
  const events: Observer = sock.events;
  const sub: EventSubscriber = events.on("connect:retry", (e: EventOfType<"connect:retry">) => {
    console.log(e.address, e.interval);
  });
  events.on("handshake:error:auth", (e) => console.log(e.error.status, e.error.message));
  return sub;
}

export async function readEvents(sock: Dealer): Promise<EventType[]> {
  const seen: EventType[] = [];
  for await (const event of sock.events) {
    const e: Event = event;
    seen.push(e.type);
    if (e.type === "bind:error") console.log(e.error.errno, e.address);
    if (e.type === "end") break;
  }
  return seen;
}

export async function pubsub(): Promise<void> {
  const pub = new Publisher({ noDrop: true, conflate: false, sendHighWaterMark: 10 });
  const sub = new Subscriber({ receiveHighWaterMark: 10 });
  sub.subscribe("topic");
  sub.unsubscribe();
  await pub.bind("tcp://*:*");
  sub.connect(pub.lastEndpoint ?? "");
  await pub.send(["topic", Buffer.from("x")]);
}

export async function proxy(): Promise<void> {
  const front = new Router();
  const back = new Dealer();
  await front.bind("tcp://*:6000");
  await back.bind("tcp://*:6001");
  const p = new zmq.Proxy(front, back);
  const running = p.run();
  p.pause();
  p.resume();
  p.terminate();
  await running;
  const r: Router = p.frontEnd;
  const d: Dealer = p.backEnd;
  console.log(r.closed, d.closed);
}

export function options(): SocketOptions<Reply> {
  const opts: SocketOptions<Reply> = {
    linger: 0,
    routingId: "rep",
    immediate: true,
    zapDomain: "global",
  };
  const rep = new Reply(opts);
  rep.close();
  zmq.context.blocky = false;
  console.log(zmq.version, zmq.capability.curve, new zmq.Context().maxSockets);
  return opts;
}
