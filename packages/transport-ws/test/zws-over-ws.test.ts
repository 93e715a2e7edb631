// ZwsConnection from @zmq/wire over this transport, our own ends on both sides, ws and wss.
import * as net from "node:net";
import type { Listener, StreamConnection } from "@zmq/transport";
import { PlainClient, PlainServer } from "@zmq/wire";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseWsAddress, ws, wss } from "../src/index";
import { makeSelfSigned } from "./tls-fixture";
import { ZwsEnd as End, type ZwsEnd, type ZwsEndOptions } from "./zws-end";

/** Cleanups run after each test. */
const track = {
  list: [] as (() => unknown)[],
  add(cleanup: () => unknown) {
    this.list.push(cleanup);
  },
  async closeAll() {
    const list = this.list.splice(0);
    for (const cleanup of list.reverse()) await cleanup();
  },
};
afterEach(() => track.closeAll());
const ends: ZwsEnd[] = [];
afterAll(() => {
  for (const end of ends) end.close();
});

const tls = makeSelfSigned();
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function accepted(listener: Listener<StreamConnection>): Promise<StreamConnection> {
  return new Promise((resolve) => listener.onConnection(resolve));
}

async function pair(scheme: "ws" | "wss", client: ZwsEndOptions, server: ZwsEndOptions) {
  const transport = scheme === "ws" ? ws : wss;
  const listener = await transport.bind(`${scheme}://127.0.0.1:*/zmq`, {
    wssKeyPem: tls.key,
    wssCertPem: tls.cert,
  });
  track.add(() => listener.close());
  const incoming = accepted(listener);
  const connection = await transport.connect(listener.endpoint, {
    wssTrustPem: tls.cert,
    wssHostname: "localhost",
  });
  const c = new End(connection, client);
  const s = new End(await incoming, server);
  ends.push(c, s);
  track.add(() => {
    c.close();
    s.close();
  });
  return { c, s, listener };
}

describe("endpoints", () => {
  it("parses ws://host:port/path; the path is kept whole", () => {
    expect(parseWsAddress("ws", "127.0.0.1:5555/a/b", "x", "connect")).toMatchObject({
      host: "127.0.0.1",
      port: 5555,
      path: "/a/b",
    });
    expect(parseWsAddress("ws", "[::1]:80", "x", "connect")).toMatchObject({
      host: "::1",
      path: "/",
    });
    expect(parseWsAddress("ws", "*:*/zmq", "x", "bind")).toMatchObject({ host: "*", port: 0 });
  });

  it("reports the resolved endpoint with its path, like libzmq's ZMQ_LAST_ENDPOINT", async () => {
    const listener = await ws.bind("ws://127.0.0.1:*/chat");
    track.add(() => listener.close());
    expect(listener.endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat$/);
    // One listener per port: another path on the same port is EADDRINUSE.
    const port = listener.endpoint.split(":")[2]!.split("/")[0];
    await expect(ws.bind(`ws://127.0.0.1:${port}/other`)).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });

  it("names the default path `/` when the endpoint has none (bind and connect, ws and wss)", async () => {
    const listener = await ws.bind("ws://127.0.0.1:*");
    track.add(() => listener.close());
    expect(listener.endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ws.reportedEndpoint("ws://127.0.0.1:5555")).toBe("ws://127.0.0.1:5555/");
    expect(ws.reportedEndpoint("ws://localhost:5555/p")).toBe("ws://localhost:5555/p");
    expect(ws.reportedEndpoint("ws://[::1]:5555")).toBe("ws://[::1]:5555/");
    expect(wss.reportedEndpoint("wss://example.org:443")).toBe("wss://example.org:443/");
    const secure = await wss.bind("wss://127.0.0.1:*", {
      wssKeyPem: tls.key,
      wssCertPem: tls.cert,
    });
    track.add(() => secure.close());
    expect(secure.endpoint).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("checks a connect address at once: EINVAL without a port, for a wildcard, for an IPv6 literal without ipv6", () => {
    for (const bad of [
      "ws://127.0.0.1",
      "ws://:5",
      "ws://127.0.0.1:*",
      "ws://*:5",
      "ws://[::1]:5",
    ]) {
      expect(() => ws.checkEndpoint(bad, "connect"), bad).toThrow(
        expect.objectContaining({ code: "EINVAL" }),
      );
    }
    expect(() => ws.checkEndpoint("ws://[::1]:5", "connect", { ipv6: true })).not.toThrow();
    expect(() => ws.checkEndpoint("ws://127.0.0.1:*", "bind")).not.toThrow();
  });

  it("wss bind needs a key and a certificate", async () => {
    await expect(wss.bind("wss://127.0.0.1:*")).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("wss connect refuses a certificate it does not trust", async () => {
    const listener = await wss.bind("wss://127.0.0.1:*", {
      wssKeyPem: tls.key,
      wssCertPem: tls.cert,
    });
    track.add(() => listener.close());
    listener.onConnection((c) => track.add(() => c.kind === "stream" && c.destroy()));
    await expect(wss.connect(listener.endpoint, { wssTrustSystem: true })).rejects.toMatchObject({
      name: "TransportError",
    });
    const other = makeSelfSigned("elsewhere");
    await expect(
      wss.connect(listener.endpoint, { wssTrustPem: other.cert, wssHostname: "elsewhere" }),
    ).rejects.toMatchObject({ name: "TransportError" });
  });
});

for (const scheme of ["ws", "wss"] as const) {
  describe(`ZWS over ${scheme}://`, () => {
    it("ZWS2.0/NULL: DEALER ↔ ROUTER, multipart and 60 KB frames both ways", async () => {
      const { c, s } = await pair(scheme, { socketType: "DEALER" }, { socketType: "ROUTER" });
      expect((await c.ready).socketType).toBe("ROUTER");
      expect((await s.ready).socketType).toBe("DEALER");
      expect(c.engine.protocol).toBe("ZWS2.0/NULL");
      const big = new Uint8Array(60_000).map((_, i) => i);
      c.send([Buffer.from("a"), big]);
      const got = await s.recv();
      expect(got.map((f) => f.length)).toEqual([1, 60_000]);
      expect(Buffer.compare(got[1]!, big)).toBe(0);
      s.send([big, Buffer.from("z")]);
      expect((await c.recv()).map((f) => f.length)).toEqual([60_000, 1]);
    });

    it("bare ZWS2.0 (a browser's offer): routing id exchange", async () => {
      const { c, s } = await pair(
        scheme,
        { socketType: "DEALER", protocols: ["ZWS2.0"], routingId: Buffer.from("me") },
        { socketType: "ROUTER" },
      );
      expect(text((await s.ready).routingId)).toBe("me");
      c.send([Buffer.from("hi")]);
      expect((await s.recv()).map(text)).toEqual(["hi"]);
    });

    it("ZWS2.0/PLAIN with a ZAP answer", async () => {
      const { c, s } = await pair(
        scheme,
        { socketType: "REQ", mechanism: new PlainClient({ username: "u", password: "p" }) },
        {
          socketType: "REP",
          asServer: true,
          mechanism: new PlainServer({
            zapDomain: "x",
            zap: async (request) => ({
              status: request.credentials.map(text).join("/") === "u/p" ? 200 : 400,
              statusText: "",
              userId: Buffer.from("u"),
              metadata: new Map(),
            }),
          }),
        },
      );
      expect(text((await s.ready).userId!)).toBe("u");
      await c.ready;
      c.send([Buffer.alloc(0), Buffer.from("q")]);
      expect((await s.recv()).map(text)).toEqual(["", "q"]);
    });

    it("heartbeats keep an idle connection alive; a close is echoed", async () => {
      const { c, s } = await pair(
        scheme,
        { socketType: "DEALER", heartbeatInterval: 20, heartbeatTimeout: 200 },
        { socketType: "ROUTER", heartbeatInterval: 20, heartbeatTimeout: 200 },
      );
      await Promise.all([c.ready, s.ready]);
      await new Promise((r) => setTimeout(r, 300));
      expect([c.errors, s.errors]).toEqual([[], []]);
      c.close();
      await s.closed;
      expect(s.errors.map((e) => e.reason)).toEqual(["peer-closed"]);
    });
  });
}

describe("a hostile client", () => {
  it("a server closes silently on a non-WebSocket request", async () => {
    const listener = await ws.bind("ws://127.0.0.1:*");
    track.add(() => listener.close());
    listener.onConnection((connection) => {
      const end = new End(connection, { socketType: "ROUTER" });
      ends.push(end);
    });
    const port = Number.parseInt(listener.endpoint.split(":")[2]!, 10);
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => socket.on("close", resolve));
    expect(Buffer.concat(received).length).toBe(0);
  });
});
