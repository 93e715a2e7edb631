/**
 * The draft sockets (`@zmq/node/draft`) against zeromq.js's (`zeromq/draft`, libzmq
 * 4.3.5 built with drafts) in a separate process, both directions: RADIO/DISH over
 * udp unicast, udp multicast (where loopback multicast works here) and tcp;
 * CLIENT/SERVER; SCATTER/GATHER; DGRAM. pyzmq is not used: Debian's libzmq 4.3.4
 * has no draft API (`zmq.has("draft")` is false).
 */

import { multicastUnavailable, udpPort } from "@zmq/compliance";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "@zmq/node/draft";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, Peer, until } from "./harness";

const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString("base64");
const text = (value: unknown): string => Buffer.from(String(value), "base64").toString();

let peer: Peer;
let draft = false;
const ours: { close(): void }[] = [];
const theirs: number[] = [];

beforeAll(async () => {
  peer = await Peer.start("zmqjs");
  draft = (await peer.request("hello")).draft === true;
  if (!draft) console.warn("interop: zeromq.js was built without drafts; skipping draft tests");
}, 20_000);

afterAll(async () => {
  for (const socket of ours.splice(0)) socket.close();
  await peer.stop();
});

function track<S extends { close(): void }>(socket: S): S {
  ours.push(socket);
  return socket;
}

async function their(type: string): Promise<number> {
  const reply = await peer.request("socket", { type, options: { LINGER: 0 } });
  const sock = Number(reply.sock);
  theirs.push(sock);
  return sock;
}

const call = (op: string, args: Record<string, unknown>) => peer.request(op, args);

/** Our RADIO sends (repeating until it lands: joins and udp are asynchronous); their DISH gets it. */
async function ourRadioTheirDish(radio: Radio, dish: number, group: string, body: string) {
  const reply = await until(async () => {
    await radio.send(body, { group });
    return call("recv", { sock: dish, timeout: 200 });
  });
  expect([text(reply.group), text((reply.frames as string[])[0])]).toEqual([group, body]);
}

/** Their RADIO sends until our DISH receives. */
async function theirRadioOurDish(radio: number, dish: Dish, group: string, body: string) {
  dish.receiveTimeout = 200;
  const [message, meta] = await until(async () => {
    await call("send", { sock: radio, frames: [b64(body)], group: b64(group) });
    return dish.receive();
  });
  expect([meta.group.toString(), message.toString()]).toEqual([group, body]);
}

describe("draft sockets against zeromq.js", () => {
  it("RADIO/DISH over udp unicast: our RADIO → their DISH", async (ctx) => {
    if (!draft) return ctx.skip();
    const port = await udpPort();
    const dish = await their("DISH");
    await call("join", { sock: dish, group: b64("TV") });
    await call("bind", { sock: dish, endpoint: `udp://127.0.0.1:${port}` });
    const radio = track(new Radio());
    radio.connect(`udp://127.0.0.1:${port}`);
    await radio.send("ignored", { group: "Radio" }); // their DISH filters it
    await ourRadioTheirDish(radio, dish, "TV", "Friends");
  });

  it("RADIO/DISH over udp unicast: their RADIO → our DISH", async (ctx) => {
    if (!draft) return ctx.skip();
    const port = await udpPort();
    const dish = track(new Dish());
    dish.join("TV");
    await dish.bind(`udp://*:${port}`);
    const radio = await their("RADIO");
    await call("connect", { sock: radio, endpoint: `udp://127.0.0.1:${port}` });
    await theirRadioOurDish(radio, dish, "TV", "Friends");
  });

  it("RADIO/DISH over udp multicast, both ways", async (ctx) => {
    if (!draft) return ctx.skip();
    const group = "239.194.9.9";
    const why = await multicastUnavailable(group);
    if (why !== undefined) {
      console.warn(`interop: skipping multicast: ${why}`);
      return ctx.skip();
    }
    const url = `udp://${group}:${await udpPort()}`;
    const theirDish = await their("DISH");
    await call("join", { sock: theirDish, group: b64("mc") });
    await call("bind", { sock: theirDish, endpoint: url });
    const radio = track(new Radio());
    radio.connect(url);
    await ourRadioTheirDish(radio, theirDish, "mc", "to libzmq");

    const url2 = `udp://${group}:${await udpPort()}`;
    const dish = track(new Dish());
    dish.join("mc");
    await dish.bind(url2);
    const theirRadio = await their("RADIO");
    await call("connect", { sock: theirRadio, endpoint: url2 });
    await theirRadioOurDish(theirRadio, dish, "mc", "from libzmq");
  });

  it("RADIO/DISH over tcp: JOIN/LEAVE commands both ways", async (ctx) => {
    if (!draft) return ctx.skip();
    // Our RADIO binds; their DISH joins over the wire.
    const radio = track(new Radio());
    await radio.bind("tcp://127.0.0.1:*");
    const dish = await their("DISH");
    await call("join", { sock: dish, group: b64("Movies") });
    await call("connect", { sock: dish, endpoint: radio.lastEndpoint });
    await ourRadioTheirDish(radio, dish, "Movies", "Godfather");
    await call("join", { sock: dish, group: b64("TV") });
    await ourRadioTheirDish(radio, dish, "TV", "Friends");
    await call("leave", { sock: dish, group: b64("TV") });
    await delay(100);
    await radio.send("left", { group: "TV" });
    await radio.send("still here", { group: "Movies" });
    const reply = await call("recv", { sock: dish, timeout: 2000 });
    expect(text((reply.frames as string[])[0])).toBe("still here");

    // Their RADIO binds; our DISH joins over the wire.
    const theirRadio = await their("RADIO");
    const bound = await call("bind", { sock: theirRadio, endpoint: "tcp://127.0.0.1:*" });
    const ourDish = track(new Dish());
    ourDish.join("Movies");
    ourDish.connect(String(bound.endpoint));
    await theirRadioOurDish(theirRadio, ourDish, "Movies", "Alien");
    ourDish.join("TV");
    await theirRadioOurDish(theirRadio, ourDish, "TV", "News");
  });

  it("CLIENT/SERVER over tcp, both ways, numeric routing ids", async (ctx) => {
    if (!draft) return ctx.skip();
    const server = track(new Server());
    await server.bind("tcp://127.0.0.1:*");
    const client = await their("CLIENT");
    await call("connect", { sock: client, endpoint: server.lastEndpoint });
    await call("send", { sock: client, frames: [b64("request")] });
    const [request, { routingId }] = await server.receive();
    expect(request.toString()).toBe("request");
    await server.send("reply", { routingId });
    expect(text(((await call("recv", { sock: client })).frames as string[])[0])).toBe("reply");

    const theirServer = await their("SERVER");
    const bound = await call("bind", { sock: theirServer, endpoint: "tcp://127.0.0.1:*" });
    const ourClient = track(new Client());
    ourClient.connect(String(bound.endpoint));
    await ourClient.send("ping");
    const got = await call("recv", { sock: theirServer });
    expect(text((got.frames as string[])[0])).toBe("ping");
    expect(typeof got.routingId).toBe("number");
    await call("send", { sock: theirServer, frames: [b64("pong")], routingId: got.routingId });
    expect((await ourClient.receive())[0].toString()).toBe("pong");
  });

  it("SCATTER/GATHER over tcp, both ways", async (ctx) => {
    if (!draft) return ctx.skip();
    const scatter = track(new Scatter());
    await scatter.bind("tcp://127.0.0.1:*");
    const gather = await their("GATHER");
    await call("connect", { sock: gather, endpoint: scatter.lastEndpoint });
    await scatter.send("work");
    expect(text(((await call("recv", { sock: gather })).frames as string[])[0])).toBe("work");

    const theirScatter = await their("SCATTER");
    const bound = await call("bind", { sock: theirScatter, endpoint: "tcp://127.0.0.1:*" });
    const ourGather = track(new Gather());
    ourGather.connect(String(bound.endpoint));
    await call("send", { sock: theirScatter, frames: [b64("result")] });
    expect((await ourGather.receive())[0].toString()).toBe("result");
  });

  it("DGRAM over udp: [address, body] both ways, libzmq's NUL-terminated address", async (ctx) => {
    if (!draft) return ctx.skip();
    const [ourPort, theirPort] = [await udpPort(), await udpPort()];
    const dgram = track(new Datagram());
    await dgram.bind(`udp://127.0.0.1:${ourPort}`);
    const theirDgram = await their("DGRAM");
    await call("bind", { sock: theirDgram, endpoint: `udp://127.0.0.1:${theirPort}` });
    await dgram.send([`127.0.0.1:${theirPort}`, "hello libzmq"]);
    const got = await call("recv", { sock: theirDgram });
    const [from, body] = (got.frames as string[]).map((f) => Buffer.from(f, "base64"));
    expect(from!.toString()).toBe(`127.0.0.1:${ourPort}\0`);
    expect(body!.toString()).toBe("hello libzmq");
    // They answer to the address they saw; we see theirs the same way.
    await call("send", { sock: theirDgram, frames: [b64(from!), b64("hello @zmq")] });
    const [ourFrom, ourBody] = await dgram.receive();
    expect(ourFrom.toString()).toBe(`127.0.0.1:${theirPort}\0`);
    expect(ourBody.toString()).toBe("hello @zmq");
  });
});
