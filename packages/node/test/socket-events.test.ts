/**
 * socket.events: zeromq.js's Observer with libzmq's monitor events, also
 * published on diagnostics_channel "zmq:socket:event".
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { bindAny, nextEvent, testProtos, track, uniqueAddress, until, within } from "./helpers";

function record(socket: zmq.Socket): zmq.Event[] {
  const seen: zmq.Event[] = [];
  const types: zmq.EventType[] = [
    "accept",
    "bind",
    "close",
    "connect",
    "connect:delay",
    "connect:retry",
    "disconnect",
    "end",
    "handshake",
    "handshake:error:protocol",
    "handshake:error:other",
  ];
  for (const type of types) socket.events.on(type, (event) => seen.push(event));
  return seen;
}

testProtos("tcp", "ipc")("events", (proto) => {
  it("bind, accept, handshake, disconnect on the bound side; connect, handshake, disconnect on the other", async () => {
    const [server, client] = track(new zmq.Dealer(), new zmq.Dealer());
    const serverEvents = record(server);
    const clientEvents = record(client);
    const endpoint = await bindAny(server, proto);
    const serverShook = nextEvent(server, "handshake");
    const clientShook = nextEvent(client, "handshake");
    client.connect(endpoint);
    await within(Promise.all([serverShook, clientShook]));
    const clientDisconnected = nextEvent(client, "disconnect");
    server.close();
    await clientDisconnected;

    const serverTypes = serverEvents.map((e) => e.type);
    expect(serverTypes.slice(0, 3)).toEqual(["bind", "accept", "handshake"]);
    expect(serverTypes.at(-1)).toBe("end");
    expect(serverEvents[0]).toMatchObject({ type: "bind", address: endpoint });
    expect(serverEvents[1]).toMatchObject({ type: "accept", address: endpoint });

    const clientTypes = clientEvents.map((e) => e.type);
    const connectAt = clientTypes.indexOf("connect");
    const handshakeAt = clientTypes.indexOf("handshake");
    const disconnectAt = clientTypes.indexOf("disconnect");
    expect(connectAt).toBeGreaterThanOrEqual(0);
    expect(handshakeAt).toBeGreaterThan(connectAt);
    expect(disconnectAt).toBeGreaterThan(handshakeAt);
    for (const event of clientEvents) {
      if ("address" in event) expect(event.address).toBe(endpoint);
    }
  });

  it("connect:retry with the reconnect interval after a failed attempt", async () => {
    const [client] = track(new zmq.Dealer({ reconnectInterval: 20 }));
    const address = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress("ipc"); // nobody listens
    const retry = nextEvent(client, "connect:retry");
    client.connect(address);
    const event = await retry;
    expect(event.address).toBe(address);
    expect(event.interval).toBeGreaterThanOrEqual(20);
    expect(event.interval).toBeLessThan(40);
  });

  it("a refused attempt: (connect:delay over tcp), close, connect:retry — libzmq's order", async () => {
    const [client] = track(new zmq.Dealer({ reconnectInterval: 20 }));
    const seen = record(client);
    const address = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress("ipc");
    client.connect(address);
    await until(() => seen.filter((e) => e.type === "connect:retry").length >= 2);
    const expected = [...(proto === "tcp" ? ["connect:delay"] : []), "close", "connect:retry"];
    expect(seen.slice(0, 2 * expected.length).map((e) => e.type)).toEqual([
      ...expected,
      ...expected,
    ]);
    for (const event of seen) expect(event).toMatchObject({ address });
  });

  it("exponential backoff up to reconnectMaxInterval", async () => {
    const [client] = track(new zmq.Dealer({ reconnectInterval: 10, reconnectMaxInterval: 40 }));
    const address = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress("ipc");
    const intervals: number[] = [];
    client.events.on("connect:retry", (event) => intervals.push(event.interval));
    client.connect(address);
    await until(() => intervals.length >= 5, 5000, "five retries");
    expect(intervals.slice(0, 5)).toEqual([10, 20, 40, 40, 40]);
  });

  it("close() emits close for each bound endpoint, then end", async () => {
    const socket = new zmq.Dealer();
    const events = record(socket);
    const first = await bindAny(socket, proto);
    const second = await bindAny(socket, proto);
    socket.close();
    await until(() => events.some((e) => e.type === "end"));
    expect(events.map((e) => ("address" in e ? `${e.type} ${e.address}` : e.type))).toEqual([
      `bind ${first}`,
      `bind ${second}`,
      `close ${first}`,
      `close ${second}`,
      "end",
    ]);
  });

  it("a peer that goes away is reported as disconnect on the bound side", async () => {
    const [server] = track(new zmq.Dealer());
    const client = new zmq.Dealer();
    const endpoint = await bindAny(server, proto);
    const shook = nextEvent(server, "handshake");
    client.connect(endpoint);
    await shook;
    const gone = nextEvent(server, "disconnect");
    client.close();
    expect((await gone).address).toBe(endpoint);
  });

  it("unbind emits close for the endpoint", async () => {
    const [server] = track(new zmq.Dealer());
    const events = record(server);
    const endpoint = await bindAny(server, proto);
    await server.unbind(endpoint);
    await until(() => events.some((e) => e.type === "close"));
    expect(events.find((e) => e.type === "close")).toMatchObject({ address: endpoint });
  });
});

async function freeTcpEndpoint(): Promise<string> {
  const probe = new zmq.Pull();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  probe.close();
  return endpoint;
}

testProtos("tcp", "ipc")("events as libzmq reports them", (proto) => {
  it("a failed handshake: handshake:error:protocol with libzmq's text and no errno, then disconnect, on both sides", async () => {
    // Two PUSH sockets cannot talk: each side refuses the other's socket type.
    const [server, client] = track(new zmq.Push(), new zmq.Push({ reconnectInterval: 10_000 }));
    const serverEvents = record(server);
    const clientEvents = record(client);
    const endpoint = await bindAny(server, proto);
    client.connect(endpoint);
    for (const events of [serverEvents, clientEvents]) {
      await until(() => events.some((e) => e.type === "disconnect"), 5000, "disconnect");
      const types = events.map((e) => e.type);
      const failed = types.indexOf("handshake:error:protocol");
      expect(failed).toBeGreaterThanOrEqual(0);
      expect(types.indexOf("disconnect")).toBeGreaterThan(failed);
      const error = (events[failed] as zmq.EventOfType<"handshake:error:protocol">).error;
      expect(error.message).toBe("ZMTP protocol error");
      expect(error.code).toMatch(/^ERR_ZMTP_/);
      expect((error as { errno?: number }).errno).toBeUndefined();
      expect((error.cause as Error).message).not.toBe("ZMTP protocol error");
      expect(types).not.toContain("handshake");
    }
  });

  it(`connect:delay ${proto === "ipc" ? "is not" : "is"} reported (libzmq connects ipc at once)`, async () => {
    const [server, client] = track(new zmq.Dealer(), new zmq.Dealer());
    const endpoint = await bindAny(server, proto);
    const clientEvents = record(client);
    const shook = nextEvent(client, "handshake");
    client.connect(endpoint);
    await within(shook);
    expect(clientEvents.map((e) => e.type)).toEqual(
      proto === "ipc" ? ["connect", "handshake"] : ["connect:delay", "connect", "handshake"],
    );
  });
});

describe("observer", () => {
  it("receive() yields events in order and ends with 'end' after close", async () => {
    const socket = new zmq.Dealer();
    const events = socket.events;
    await socket.bind("tcp://127.0.0.1:*");
    const bound = await within(events.receive());
    expect(bound).toMatchObject({ type: "bind", address: socket.lastEndpoint });
    socket.close();
    const seen: string[] = [];
    for await (const event of events) seen.push(event.type);
    expect(seen.at(-1)).toBe("end");
    expect(events.closed).toBe(true);
  });

  it("bind failures emit close (no address), then bind:error with libzmq's raw address", async () => {
    const [a, b] = track(new zmq.Dealer(), new zmq.Dealer());
    const endpoint = await bindAny(a, "tcp");
    const seen: zmq.Event[] = [];
    b.events.on("close", (e) => seen.push(e));
    b.events.on("bind:error", (e) => seen.push(e));
    await expect(b.bind(endpoint)).rejects.toMatchObject({ code: "EADDRINUSE", address: endpoint });
    await until(() => seen.length >= 2);
    expect(seen[0]).toEqual({ type: "close" });
    const failed = seen[1] as zmq.EventOfType<"bind:error">;
    // As zeromq.js: the address without "tcp://", and an error without `address`.
    expect(failed.address).toBe(endpoint.slice("tcp://".length));
    expect(failed.error).toMatchObject({ code: "EADDRINUSE", message: "Address already in use" });
    expect(failed.error.address).toBeUndefined();
  });

  it("a bind to an address that cannot exist: bind:error only, bare ipc path", async () => {
    const [socket] = track(new zmq.Dealer());
    const seen: zmq.Event[] = [];
    socket.events.on("close", (e) => seen.push(e));
    socket.events.on("bind:error", (e) => seen.push(e));
    await expect(socket.bind("tcp://nonexistent0:5555")).rejects.toMatchObject({ code: "ENODEV" });
    const missing = `ipc:///nonexistent-dir-${process.pid}/socket`;
    await expect(socket.bind(missing)).rejects.toMatchObject({ code: "ENOENT" });
    await until(() => seen.length >= 3);
    expect(seen.map((e) => [e.type, "address" in e ? e.address : undefined])).toEqual([
      ["bind:error", "nonexistent0:5555"],
      ["close", missing],
      ["bind:error", missing.slice("ipc://".length)],
    ]);
  });

  it("a second concurrent receive on an observer throws EBUSY; close fails the first with ENOTSOCK (as zeromq.js)", async () => {
    const [socket] = track(new zmq.Dealer());
    const events = socket.events;
    const first = events.receive();
    expect(() => events.receive()).toThrow(expect.objectContaining({ code: "EBUSY" }));
    events.close();
    await expect(first).rejects.toMatchObject({ code: "ENOTSOCK" });
    expect(() => events.receive()).toThrow(expect.objectContaining({ code: "EBADF" }));
  });

  it("in emitter mode receive() throws and iteration rejects, with zeromq.js's text", async () => {
    const [socket] = track(new zmq.Dealer());
    const events = socket.events;
    const subscriber: zmq.EventSubscriber = events.on("bind", () => {});
    expect(subscriber).toBe(events.emitter);
    expect(() => events.receive()).toThrow(/^Observer is in event emitter mode\. After a call/);
    await expect(events[Symbol.asyncIterator]().next()).rejects.toThrow(/emitter mode/);
  });

  it("events are published on diagnostics_channel zmq:socket:event", async () => {
    const seen: { socket: unknown; event: zmq.Event }[] = [];
    const listener = (message: unknown) => seen.push(message as (typeof seen)[number]);
    subscribe("zmq:socket:event", listener);
    try {
      const [socket] = track(new zmq.Dealer());
      await socket.bind("tcp://127.0.0.1:*");
      const mine = seen.filter((m) => m.socket === socket);
      expect(mine.map((m) => m.event)).toContainEqual({
        type: "bind",
        address: socket.lastEndpoint,
      });
    } finally {
      unsubscribe("zmq:socket:event", listener);
    }
  });
});

describe("inproc events", () => {
  it("the bound side reports a peer that closes as disconnect; its own unbind does not", async () => {
    const [server] = track(new zmq.Dealer());
    const client = new zmq.Dealer();
    const endpoint = await bindAny(server, "inproc");
    const seen = record(server);
    client.connect(endpoint);
    await until(() => seen.some((e) => e.type === "handshake"));
    client.close();
    await until(() => seen.some((e) => e.type === "disconnect"));
    expect(seen.find((e) => e.type === "disconnect")).toMatchObject({ address: endpoint });

    const [other] = track(new zmq.Dealer());
    other.connect(endpoint);
    await until(() => seen.filter((e) => e.type === "handshake").length >= 2);
    await server.unbind(endpoint);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.filter((e) => e.type === "disconnect")).toHaveLength(1);
  });
});
