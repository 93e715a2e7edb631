/**
 * The draft sockets' own options and send/receive shapes, as zeromq.js 6 declares them, and the
 * generic Writable/Readable interfaces with a draft socket's extra send arguments.
 */
import type { Message, MessageLike, Readable, SocketOptions, Writable } from "zeromq";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft";

export async function drafts(): Promise<void> {
  const gather = new Gather({ conflate: true, receiveBufferSize: 1 << 16, receiveTimeout: 10 });
  gather.conflate = false;
  gather.receiveBufferSize = 1 << 17;
  const scatter = new Scatter({ conflate: true, sendBufferSize: 1 << 16, sendTimeout: 10 });
  scatter.conflate = false;
  scatter.sendBufferSize = 1 << 17;
  scatter.multicastHops = 2;

  const server = new Server({ sendHighWaterMark: 10, receiveHighWaterMark: 10 });
  server.sendBufferSize = 1;
  server.receiveBufferSize = 1;
  const [req, route] = await server.receive();
  const id: number = route.routingId;
  await server.send(req, { routingId: id });

  const client = new Client();
  await client.send(Buffer.from("x"));
  const [reply]: [Message] = await client.receive();

  const radio = new Radio();
  await radio.send("x", { group: "g" });
  await radio.send(new Uint8Array(1), { group: Buffer.from("g") });
  const dish = new Dish();
  dish.join("a", "b");
  dish.join(Buffer.from("c"));
  dish.leave("a");
  const [news, { group }] = await dish.receive();
  const g: Buffer = group;

  const dgram = new Datagram();
  await dgram.send(["127.0.0.1:1", "x"]);
  const [address, payload] = await dgram.receive();
  console.log(reply, news, g, address, payload);
}

export function generics(server: Server, radio: Radio, client: Client): void {
  const w: Writable<MessageLike, [{ routingId: number }]> = server;
  const r: Readable<[Message, { routingId: number }]> = server;
  const wr: Writable<MessageLike, [{ group: Buffer | string }]> = radio;
  const c: Writable<MessageLike> & Readable<[Message]> = client;
  const gather: Readable<[Message]> = new Gather();
  const scatter: Writable<MessageLike> = new Scatter();
  console.log(w, r, wr, c, gather, scatter);
}

export function draftOptionObjects(): void {
  const forServer: SocketOptions<Server> = { immediate: true, sendBufferSize: 4096 };
  const forDish: SocketOptions<Dish> = { receiveBufferSize: 4096, linger: 0 };
  const forScatter: SocketOptions<Scatter> = { conflate: true };
  new Server(forServer).close();
  new Dish(forDish).close();
  new Scatter(forScatter).close();
}

export async function iterateDraft(dish: Dish): Promise<Buffer | undefined> {
  for await (const [msg, opts] of dish) {
    if (opts.group.length > 0) return msg;
  }
  return undefined;
}
