/**
 * @zmq/web sockets over a WHATWG WebSocket (Node's, behind --experimental-websocket
 * on Node 20) against @zmq/node servers over ws://: bare ZWS2.0, as a browser speaks it.
 */
import * as node from "@zmq/node";
import { afterEach, describe, expect, it } from "vitest";
import * as web from "../src/index";

const open: { close(): void }[] = [];
function track<T extends { close(): void }>(socket: T): T {
  open.push(socket);
  return socket;
}
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

const text = (frame: Uint8Array | undefined) => new TextDecoder().decode(frame);

function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function serve<S extends node.Socket>(socket: S): Promise<string> {
  track(socket);
  await socket.bind("ws://127.0.0.1:*/zmq");
  return socket.lastEndpoint!;
}

describe("@zmq/web against @zmq/node over ws://", () => {
  it("has a WHATWG WebSocket to run on", () => {
    expect(typeof globalThis.WebSocket).toBe("function");
  });

  it("REQ/REP: frames come back as plain Uint8Arrays", async () => {
    const rep = new node.Reply();
    const endpoint = await serve(rep);
    const req = track(new web.Request());
    req.connect(endpoint);
    for (let i = 0; i < 3; i++) {
      await req.send(["ping", String(i)]);
      const request = await within(rep.receive());
      expect(request.map(String)).toEqual(["ping", String(i)]);
      await rep.send(`pong ${i}`);
      const [reply] = await within(req.receive());
      expect(reply).toBeInstanceOf(Uint8Array);
      expect(Object.getPrototypeOf(reply)).toBe(Uint8Array.prototype);
      expect(text(reply)).toBe(`pong ${i}`);
    }
  });

  it("DEALER/ROUTER: the routing id is the dealer's first message; 60 KB frames both ways", async () => {
    const router = new node.Router();
    const endpoint = await serve(router);
    const dealer = track(new web.Dealer({ routingId: "browser-1" }));
    dealer.connect(endpoint);
    const big = new Uint8Array(60_000).map((_, i) => (i * 7) % 256);
    await dealer.send(["hello", big]);
    const [id, hello, body] = await within(router.receive());
    expect(String(id)).toBe("browser-1");
    expect(String(hello)).toBe("hello");
    expect(Buffer.compare(body!, big)).toBe(0);
    await router.send([id!, big, "bye"]);
    const [back, bye] = await within(dealer.receive());
    expect(Buffer.compare(back!, big)).toBe(0);
    expect(text(bye)).toBe("bye");
  });

  it("SUB: only subscribed topics arrive", async () => {
    const pub = new node.Publisher();
    const endpoint = await serve(pub);
    const sub = track(new web.Subscriber());
    sub.subscribe("tick");
    sub.connect(endpoint);
    const received = sub.receive();
    let done = false;
    void received.finally(() => {
      done = true;
    });
    for (let i = 0; i < 300 && !done; i++) {
      await pub.send(["other", "x"]);
      await pub.send(["tick", String(i)]);
      await new Promise((r) => setTimeout(r, 10));
    }
    const [topic] = await within(received);
    expect(text(topic)).toBe("tick");
  });

  it("PUSH → PULL keeps order; the server sees handshake and disconnect events", async () => {
    const pull = new node.Pull();
    const endpoint = await serve(pull);
    const handshake = new Promise((resolve) => pull.events.on("handshake", resolve));
    const push = new web.Push();
    push.connect(endpoint);
    await within(handshake);
    for (let i = 0; i < 300; i++) await push.send(String(i));
    for (let i = 0; i < 300; i++) expect(String((await within(pull.receive()))[0])).toBe(String(i));
    const disconnect = new Promise((resolve) => pull.events.on("disconnect", resolve));
    push.close();
    await within(disconnect);
  });

  it("reconnects when the server comes back on the same port", async () => {
    const first = new node.Reply();
    await first.bind("ws://127.0.0.1:*");
    const endpoint = first.lastEndpoint!;
    const req = track(new web.Request({ reconnectInterval: 50 }));
    req.connect(endpoint);
    await req.send("one");
    await within(first.receive());
    await first.send("1");
    await within(req.receive());
    first.close();
    await new Promise((r) => setTimeout(r, 100));
    const second = track(new node.Reply());
    await second.bind(endpoint);
    await req.send("two");
    expect(String((await within(second.receive()))[0])).toBe("two");
  });

  it("PAIR both ways; XSUB sends its subscription as a message; CLIENT → SERVER (draft)", async () => {
    const nodePair = new node.Pair();
    const pairEndpoint = await serve(nodePair);
    const webPair = track(new web.Pair());
    webPair.connect(pairEndpoint);
    await webPair.send("from web");
    expect(String((await within(nodePair.receive()))[0])).toBe("from web");
    await nodePair.send("from node");
    expect(text((await within(webPair.receive()))[0])).toBe("from node");

    const xpub = new node.XPublisher();
    const xpubEndpoint = await serve(xpub);
    const xsub = track(new web.XSubscriber());
    xsub.connect(xpubEndpoint);
    await xsub.send(Uint8Array.of(1, ...new TextEncoder().encode("topic")));
    const [subscription] = await within(xpub.receive());
    expect([...subscription!]).toEqual([1, ...new TextEncoder().encode("topic")]);
    await xpub.send(["topic", "data"]);
    expect((await within(xsub.receive())).map(text)).toEqual(["topic", "data"]);

    const { Server } = await import("@zmq/node/draft");
    const server = new Server();
    const serverEndpoint = await serve(server);
    const client = track(new web.Client());
    client.connect(serverEndpoint);
    await client.send("hello server");
    const [request] = await within(server.receive());
    expect(String(request)).toBe("hello server");
  });

  it("a server with heartbeats on keeps a bare ZWS2.0 client (its WebSocket answers the pings)", async () => {
    const router = new node.Router({ heartbeatInterval: 50, heartbeatTimeout: 200 });
    const endpoint = await serve(router);
    let disconnects = 0;
    router.events.on("disconnect", () => disconnects++);
    const dealer = track(new web.Dealer({ routingId: "hb" }));
    dealer.connect(endpoint);
    for (let round = 0; round < 2; round++) {
      await dealer.send(`round ${round}`);
      const [id, body] = await within(router.receive());
      expect(String(body)).toBe(`round ${round}`);
      await router.send([id!, "ok"]);
      expect(text((await within(dealer.receive()))[0])).toBe("ok");
      await new Promise((r) => setTimeout(r, 600)); // several ping intervals, silent client
    }
    expect(disconnects).toBe(0);
  });

  it("bind is refused (EPROTONOSUPPORT); a bad endpoint is EINVAL", async () => {
    const rep = track(new web.Reply());
    await expect(rep.bind("ws://127.0.0.1:5555")).rejects.toMatchObject({
      code: "EPROTONOSUPPORT",
    });
    expect(() => rep.connect("ws://no-port")).toThrow();
  });
});
