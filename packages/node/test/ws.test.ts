/**
 * Sockets over ws:// and wss:// (ZWS 2.0): the same behaviour and events as tcp.
 */
import { readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { closeTracked, nextEvent, strings, track, within } from "./helpers";

const fixture = (kind: string) =>
  readFileSync(
    new URL(`../../transport-ws/test/fixtures/localhost.${kind}.pem`, import.meta.url),
    "utf8",
  );

function secure<S extends zmq.Socket>(socket: S, role: "server" | "client"): S {
  if (role === "server") {
    socket.wssKeyPem = fixture("key");
    socket.wssCertPem = fixture("cert");
  } else {
    socket.wssTrustPem = fixture("cert");
  }
  return socket;
}

afterEach(closeTracked);

for (const scheme of ["ws", "wss"] as const) {
  const prepare = <S extends zmq.Socket>(socket: S, role: "server" | "client"): S =>
    scheme === "wss" ? secure(socket, role) : socket;

  async function bind(socket: zmq.Socket): Promise<string> {
    prepare(socket, "server");
    await socket.bind(`${scheme}://127.0.0.1:*/zmq`);
    return socket.lastEndpoint!;
  }

  describe(`${scheme}://`, () => {
    it("REQ/REP round trips; the endpoint keeps its path", async () => {
      const [rep, req] = track(new zmq.Reply(), prepare(new zmq.Request(), "client"));
      const endpoint = await bind(rep);
      expect(endpoint).toMatch(new RegExp(`^${scheme}://127\\.0\\.0\\.1:\\d+/zmq$`));
      req.connect(endpoint);
      for (let i = 0; i < 3; i++) {
        await req.send(["hello", String(i)]);
        const request = await within(rep.receive());
        expect(strings(request)).toEqual(["hello", String(i)]);
        await rep.send(`world ${i}`);
        expect(strings(await within(req.receive()))).toEqual([`world ${i}`]);
      }
    });

    it("DEALER/ROUTER with routing ids and 60 KB frames, both ways", async () => {
      const [router, dealer] = track(new zmq.Router(), prepare(new zmq.Dealer(), "client"));
      dealer.routingId = "d1";
      const endpoint = await bind(router);
      dealer.connect(endpoint);
      const big = new Uint8Array(60_000).map((_, i) => i % 251);
      await dealer.send(["a", big]);
      const [id, a, body] = await within(router.receive());
      expect(id!.toString()).toBe("d1");
      expect(a!.toString()).toBe("a");
      expect(Buffer.compare(body!, big)).toBe(0);
      await router.send([id!, big, "z"]);
      const [back, z] = await within(dealer.receive());
      expect(Buffer.compare(back!, big)).toBe(0);
      expect(z!.toString()).toBe("z");
    });

    it("PUB/SUB: subscriptions travel as messages; only matching topics arrive", async () => {
      const [pub, sub] = track(new zmq.Publisher(), prepare(new zmq.Subscriber(), "client"));
      const endpoint = await bind(pub);
      sub.subscribe("weather");
      const shook = nextEvent(pub, "handshake");
      sub.connect(endpoint);
      await shook;
      // The subscription arrives after the handshake: publish until it matches.
      const received = sub.receive();
      let got: Buffer[] | undefined;
      void received.then((m) => {
        got = m;
      });
      for (let i = 0; i < 200 && got === undefined; i++) {
        await pub.send(["sports", "x"]);
        await pub.send(["weather", "sunny"]);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(strings(await within(received))).toEqual(["weather", "sunny"]);
    });

    it("PUSH/PULL keeps order over many messages", async () => {
      const [pull, push] = track(new zmq.Pull(), prepare(new zmq.Push(), "client"));
      const endpoint = await bind(pull);
      push.connect(endpoint);
      for (let i = 0; i < 500; i++) await push.send(String(i));
      for (let i = 0; i < 500; i++) {
        expect(strings(await within(pull.receive()))).toEqual([String(i)]);
      }
    });

    it("events as for tcp: bind, accept, handshake, disconnect; connect, handshake, disconnect", async () => {
      const [server, client] = track(new zmq.Dealer(), prepare(new zmq.Dealer(), "client"));
      const serverTypes: string[] = [];
      const clientTypes: string[] = [];
      for (const type of ["bind", "accept", "connect", "handshake", "disconnect"] as const) {
        server.events.on(type, () => serverTypes.push(type));
        client.events.on(type, () => clientTypes.push(type));
      }
      const endpoint = await bind(server);
      const shook = Promise.all([nextEvent(server, "handshake"), nextEvent(client, "handshake")]);
      client.connect(endpoint);
      await within(shook);
      const serverGone = nextEvent(server, "disconnect");
      client.disconnect(endpoint);
      await serverGone;
      expect(serverTypes).toEqual(["bind", "accept", "handshake", "disconnect"]);
      expect(clientTypes.slice(0, 2)).toEqual(["connect", "handshake"]);
    });
  });
}

describe("ws:// hostile peers", () => {
  it("a wrong socket type fails the handshake; a garbage peer costs only its connection", async () => {
    const [rep, good] = track(new zmq.Reply(), new zmq.Request());
    const endpoint = await rep.bind("ws://127.0.0.1:*").then(() => rep.lastEndpoint!);
    const port = Number(new URL(endpoint).port);
    const bad = netConnect(port, "127.0.0.1");
    await new Promise<void>((resolve) => bad.once("connect", () => resolve()));
    bad.write("GET / HTTP/1.1\r\n\u0000\u00ff garbage\r\n\r\n");
    bad.write(new Uint8Array(4096).fill(0x82));
    good.connect(endpoint);
    await good.send("still there?");
    expect(strings(await within(rep.receive()))).toEqual(["still there?"]);
    await rep.send("yes");
    expect(strings(await within(good.receive()))).toEqual(["yes"]);
    bad.destroy();
  });

  it("wss:// without a key and certificate: bind fails with EINVAL", async () => {
    const [rep] = track(new zmq.Reply());
    await expect(rep.bind("wss://127.0.0.1:*")).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("the wss options read back what was set", () => {
    const [s] = track(new zmq.Dealer());
    expect(s.wssHostname).toBeNull();
    expect(s.wssTrustSystem).toBe(-1);
    s.wssHostname = "example.org";
    s.wssTrustSystem = 0;
    expect(s.wssHostname).toBe("example.org");
    expect(s.wssTrustSystem).toBe(0);
  });
});
