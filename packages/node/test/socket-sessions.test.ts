/**
 * Per-connection sessions with libzmq's semantics, against raw peers made with
 * node:net: the greeting goes out eagerly, bad peers are dropped (and only
 * they), handshake and heartbeat timeouts, reconnects with backoff, protocol
 * errors stop reconnecting, resubscription after a reconnect, IMMEDIATE.
 */
import { connect, createServer, type Socket as NetSocket, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import {
  bindAny,
  delay,
  nextEvent,
  strings,
  testProtos,
  track,
  uniqueAddress,
  until,
  within,
} from "./helpers";

// ---- raw ZMTP bytes (RFC 23/37), written out by hand -------------------------------

function greeting(mechanism = "NULL", major = 3, minor = 1): Buffer {
  const out = Buffer.alloc(64);
  out[0] = 0xff;
  out[8] = 0x01;
  out[9] = 0x7f;
  out[10] = major;
  out[11] = minor;
  out.write(mechanism, 12, "ascii");
  return out;
}

function ready(socketType: string): Buffer {
  const name = Buffer.from("Socket-Type");
  const value = Buffer.from(socketType);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  const body = Buffer.concat([
    Buffer.from([5]),
    Buffer.from("READY"),
    Buffer.from([name.length]),
    name,
    length,
    value,
  ]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** Short message frame. */
function frame(body: string, more = false): Buffer {
  const data = Buffer.from(body);
  return Buffer.concat([Buffer.from([more ? 1 : 0, data.length]), data]);
}

// ---- raw peers ------------------------------------------------------------------------

const rawSockets: NetSocket[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const socket of rawSockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

function tcpPort(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** A raw client; resolves once connected, collects what it receives. */
async function rawClient(endpoint: string) {
  const socket = endpoint.startsWith("ipc://")
    ? connect({ path: endpoint.slice("ipc://".length) })
    : connect(tcpPort(endpoint), "127.0.0.1");
  rawSockets.push(socket);
  const chunks: Buffer[] = [];
  let ended = false;
  socket.on("data", (chunk) => chunks.push(chunk));
  socket.on("error", () => {});
  socket.on("close", () => {
    ended = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    get ended() {
      return ended;
    },
  };
}

/** A raw server; `onConnection` runs for every accepted socket. */
async function rawServer(onConnection: (socket: NetSocket) => void) {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    rawSockets.push(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `tcp://127.0.0.1:${address.port}`,
    get connections() {
      return connections;
    },
  };
}

async function freeTcpEndpoint(): Promise<string> {
  const probe = new zmq.Pull();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  probe.close();
  return endpoint;
}

// ---- tests ----------------------------------------------------------------------------

describe("ZMTP sessions against raw tcp peers", () => {
  it("the greeting is sent eagerly, before the peer says anything", async () => {
    const [server] = track(new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    await until(() => peer.received().length >= 11, 2000, "greeting start");
    const got = peer.received();
    expect(got[0]).toBe(0xff);
    expect(got[9]).toBe(0x7f);
    expect(got[10]).toBe(3);
  });

  it("a complete handshake from a raw peer lets messages flow both ways", async () => {
    const [server] = track(new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    peer.socket.write(Buffer.concat([greeting(), ready("DEALER")]));
    peer.socket.write(Buffer.concat([frame("a", true), frame("")]));
    expect(strings(await within(server.receive()))).toEqual(["a", ""]);
    await server.send("back");
    const wanted = frame("back");
    await until(() => peer.received().includes(wanted), 2000, "reply bytes");
  });

  it("garbage instead of a greeting: handshake:error:protocol, only that peer is dropped", async () => {
    const [server, good] = track(new zmq.Dealer(), new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    good.connect(endpoint);
    await good.send("before");
    expect(strings(await within(server.receive()))).toEqual(["before"]);

    const failed = nextEvent(server, "handshake:error:protocol");
    const peer = await rawClient(endpoint);
    peer.socket.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const event = await failed;
    expect(event.address).toBe(endpoint);
    expect(event.error.code).toMatch(/^ERR_ZMTP_/);
    await until(() => peer.ended, 2000, "raw peer disconnected");

    await good.send("after");
    expect(strings(await within(server.receive()))).toEqual(["after"]);
  });

  it("a greeting with an unknown mechanism is a protocol error", async () => {
    const [server] = track(new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const failed = nextEvent(server, "handshake:error:protocol");
    const peer = await rawClient(endpoint);
    peer.socket.write(greeting("BOGUS"));
    expect((await failed).error.code).toMatch(/^ERR_ZMTP_/);
    await until(() => peer.ended, 2000, "raw peer disconnected");
  });

  it("an incompatible socket type in READY is a protocol error", async () => {
    const [server] = track(new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const failed = nextEvent(server, "handshake:error:protocol");
    const peer = await rawClient(endpoint);
    peer.socket.write(Buffer.concat([greeting(), ready("PUB")]));
    await failed;
    await until(() => peer.ended, 2000, "raw peer disconnected");
  });

  it("a malformed command after the handshake drops that peer only", async () => {
    const [server, good] = track(new zmq.Dealer(), new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    const shook = nextEvent(server, "handshake");
    peer.socket.write(Buffer.concat([greeting(), ready("DEALER")]));
    await shook;
    good.connect(endpoint);
    await good.send("hello");
    expect(strings(await within(server.receive()))).toEqual(["hello"]);
    const dropped = nextEvent(server, "disconnect");
    // A command frame whose name length runs past its end (libzmq: malformed command).
    peer.socket.write(Buffer.from([0x04, 0x01, 0x05]));
    await dropped;
    await until(() => peer.ended, 2000, "raw peer disconnected");
    await good.send("still fine");
    expect(strings(await within(server.receive()))).toEqual(["still fine"]);
  });

  it("a frame above maxMessageSize drops the peer", async () => {
    const [server] = track(new zmq.Dealer({ maxMessageSize: 100 }));
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    const shook = nextEvent(server, "handshake");
    peer.socket.write(Buffer.concat([greeting(), ready("DEALER")]));
    await shook;
    peer.socket.write(frame("fits"));
    expect(strings(await within(server.receive()))).toEqual(["fits"]);
    const dropped = nextEvent(server, "disconnect");
    peer.socket.write(frame("x".repeat(101)));
    await dropped;
    await until(() => peer.ended, 2000, "raw peer disconnected");
  });

  it("handshakeInterval: a peer that never finishes the handshake is dropped", async () => {
    const [server] = track(new zmq.Dealer({ handshakeInterval: 100 }));
    const endpoint = await bindAny(server, "tcp");
    const failed = nextEvent(server, "handshake:error:other");
    const peer = await rawClient(endpoint);
    peer.socket.write(greeting()); // and then nothing
    expect((await failed).address).toBe(endpoint);
    await until(() => peer.ended, 2000, "raw peer disconnected");
  });

  it("heartbeats: a peer that never answers PINGs is dropped", async () => {
    const [server] = track(new zmq.Dealer({ heartbeatInterval: 50, heartbeatTimeout: 100 }));
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    const shook = nextEvent(server, "handshake");
    peer.socket.write(Buffer.concat([greeting(), ready("DEALER")]));
    await shook;
    const start = Date.now();
    await within(nextEvent(server, "disconnect"), 3000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
    // It did PING before giving up.
    expect(peer.received().includes(Buffer.from("PING"))).toBe(true);
  });
});

testProtos("ipc")("raw peers over ipc", (proto) => {
  it("garbage instead of a greeting: handshake:error:protocol, the good peer keeps working", async () => {
    const [server, good] = track(new zmq.Dealer(), new zmq.Dealer());
    const endpoint = await bindAny(server, proto);
    good.connect(endpoint);
    const failed = nextEvent(server, "handshake:error:protocol");
    const peer = await rawClient(endpoint);
    peer.socket.write(Buffer.alloc(64, 0x41));
    expect((await failed).address).toBe(endpoint);
    await until(() => peer.ended, 2000, "raw peer disconnected");
    await good.send("fine");
    expect(strings(await within(server.receive()))).toEqual(["fine"]);
  });
});

describe("heartbeat TTL", () => {
  it("a peer's PING TTL drops it after that long without traffic, even with heartbeats off here", async () => {
    const [server] = track(new zmq.Dealer());
    const endpoint = await bindAny(server, "tcp");
    const peer = await rawClient(endpoint);
    const shook = nextEvent(server, "handshake");
    peer.socket.write(Buffer.concat([greeting(), ready("DEALER")]));
    await shook;
    const dropped = nextEvent(server, "disconnect", 3000);
    // PING: command frame, name "PING", TTL 2 deciseconds, empty context.
    const ping = Buffer.concat([Buffer.from([4]), Buffer.from("PING"), Buffer.from([0, 2])]);
    const start = Date.now();
    peer.socket.write(Buffer.concat([Buffer.from([0x04, ping.length]), ping]));
    await dropped;
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
    // It answered the PING with a PONG first.
    expect(peer.received().includes(Buffer.from("PONG"))).toBe(true);
  });
});

testProtos("tcp", "ipc")("heartbeats", (proto) => {
  it("keep an idle link up", async () => {
    const [server, client] = track(
      new zmq.Dealer({ heartbeatInterval: 40, heartbeatTimeout: 150 }),
      new zmq.Dealer({ heartbeatInterval: 40, heartbeatTimeout: 150 }),
    );
    const endpoint = await bindAny(server, proto);
    const disconnects: string[] = [];
    server.events.on("disconnect", (e) => disconnects.push(e.address));
    client.events.on("disconnect", (e) => disconnects.push(e.address));
    const shook = nextEvent(client, "handshake");
    client.connect(endpoint);
    await shook;
    await delay(400); // ten intervals and more than twice the timeout, apart from heartbeats
    expect(disconnects).toEqual([]);
    await client.send("still here");
    expect(strings(await within(server.receive()))).toEqual(["still here"]);
  });
});

describe("connect-side sessions against raw tcp servers", () => {
  it("the connecting side sends its greeting at once, before hearing from the server", async () => {
    const received: Buffer[] = [];
    const server = await rawServer((socket) => {
      socket.on("data", (chunk) => received.push(chunk));
    });
    const [client] = track(new zmq.Dealer());
    client.connect(server.endpoint);
    // At least the signature and major version (libzmq sends 11 bytes, then the rest).
    await until(() => Buffer.concat(received).length >= 11, 2000, "client greeting");
    const got = Buffer.concat(received);
    expect(got[0]).toBe(0xff);
    expect(got[9]).toBe(0x7f);
    expect(got[10]).toBe(3);
  });

  it("a handshake timeout is not a protocol error: the client reconnects", async () => {
    const server = await rawServer(() => {}); // accepts, never speaks
    const [client] = track(new zmq.Dealer({ handshakeInterval: 50, reconnectInterval: 10 }));
    const failed = nextEvent(client, "handshake:error:other");
    client.connect(server.endpoint);
    await failed;
    await until(() => server.connections >= 2, 3000, "a second connection");
  });

  it("a heartbeat timeout is not a protocol error: the client reconnects", async () => {
    const server = await rawServer((socket) => {
      socket.write(Buffer.concat([greeting(), ready("DEALER")])); // then ignores PINGs
    });
    const [client] = track(
      new zmq.Dealer({ heartbeatInterval: 30, heartbeatTimeout: 60, reconnectInterval: 10 }),
    );
    const disconnected = nextEvent(client, "disconnect");
    client.connect(server.endpoint);
    await disconnected;
    await until(() => server.connections >= 2, 3000, "a second connection");
  });

  it("a server of an incompatible type: handshake:error:protocol and no more reconnects", async () => {
    const server = await rawServer((socket) => {
      socket.write(Buffer.concat([greeting(), ready("PUB")]));
    });
    const [client] = track(new zmq.Dealer({ reconnectInterval: 10 }));
    const retries: number[] = [];
    client.events.on("connect:retry", (e) => retries.push(e.interval));
    const failed = nextEvent(client, "handshake:error:protocol");
    client.connect(server.endpoint);
    await failed;
    await delay(100);
    expect(server.connections).toBe(1);
    expect(retries).toEqual([]);
  });
});

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("mismatched socket types", (proto) => {
  it("both sides drop the connection and the connecting side stops reconnecting", async () => {
    const [bound, connecting] = track(new zmq.Push(), new zmq.Push({ reconnectInterval: 10 }));
    const endpoint = await bindAny(bound, proto);
    const accepts: string[] = [];
    const retries: number[] = [];
    bound.events.on("accept", (e) => accepts.push(e.address));
    connecting.events.on("connect:retry", (e) => retries.push(e.interval));
    const failed = nextEvent(connecting, "handshake:error:protocol");
    connecting.connect(endpoint);
    await failed;
    await delay(100);
    expect(retries).toEqual([]);
    if (proto !== "inproc") expect(accepts.length).toBe(1);
  });
});

testProtos("tcp", "ipc")("reconnect", (proto) => {
  async function rebindable(): Promise<string> {
    return proto === "tcp" ? freeTcpEndpoint() : uniqueAddress("ipc");
  }

  it("after the bound peer closes and rebinds; messages queued meanwhile flow", async () => {
    const endpoint = await rebindable();
    const [push] = track(new zmq.Push({ reconnectInterval: 10 }));
    const first = new zmq.Pull();
    await first.bind(endpoint);
    push.connect(endpoint);
    await push.send("one");
    expect(strings(await within(first.receive()))).toEqual(["one"]);

    const gone = nextEvent(push, "disconnect");
    first.close();
    await gone;
    await push.send("queued 1");
    await push.send("queued 2");

    const [second] = track(new zmq.Pull());
    await second.bind(endpoint);
    expect(strings(await within(second.receive()))).toEqual(["queued 1"]);
    expect(strings(await within(second.receive()))).toEqual(["queued 2"]);
  });

  it("a plain disconnect reconnects with connect:retry", async () => {
    const endpoint = await rebindable();
    const [client] = track(new zmq.Dealer({ reconnectInterval: 10 }));
    const first = new zmq.Dealer();
    await first.bind(endpoint);
    const shook = nextEvent(client, "handshake");
    client.connect(endpoint);
    await shook;
    const retry = nextEvent(client, "connect:retry");
    first.close();
    await retry;
    const [second] = track(new zmq.Dealer());
    const again = nextEvent(client, "handshake");
    await second.bind(endpoint);
    await again;
  });

  it("SUB resubscribes after a reconnect", async () => {
    const endpoint = await rebindable();
    const [sub] = track(new zmq.Subscriber({ reconnectInterval: 10 }));
    const first = new zmq.XPublisher();
    await first.bind(endpoint);
    sub.connect(endpoint);
    sub.subscribe("news");
    expect(strings(await within(first.receive()))).toEqual(["\x01news"]);

    const gone = nextEvent(sub, "disconnect");
    first.close();
    await gone;

    const [second] = track(new zmq.XPublisher());
    await second.bind(endpoint);
    expect(strings(await within(second.receive()))).toEqual(["\x01news"]);
    await second.send(["news", "flash"]);
    expect(strings(await within(sub.receive()))).toEqual(["news", "flash"]);
  });

  it("XSUB re-sends the subscriptions it sent after a reconnect", async () => {
    const endpoint = await rebindable();
    const [xsub] = track(new zmq.XSubscriber({ reconnectInterval: 10 }));
    const first = new zmq.XPublisher();
    await first.bind(endpoint);
    xsub.connect(endpoint);
    await xsub.send(Buffer.from("\x01a"));
    await xsub.send(Buffer.from("\x01b"));
    await xsub.send(Buffer.from("\x00a"));
    expect(strings(await within(first.receive()))).toEqual(["\x01a"]);
    expect(strings(await within(first.receive()))).toEqual(["\x01b"]);
    expect(strings(await within(first.receive()))).toEqual(["\x00a"]);
    const gone = nextEvent(xsub, "disconnect");
    first.close();
    await gone;
    const [second] = track(new zmq.XPublisher());
    await second.bind(endpoint);
    expect(strings(await within(second.receive()))).toEqual(["\x01b"]);
    second.receiveTimeout = 50;
    await expect(second.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("a connected PUB learns the subscriptions of a SUB that restarts", async () => {
    const endpoint = await rebindable();
    const [pub] = track(new zmq.Publisher({ reconnectInterval: 10 }));
    const first = new zmq.Subscriber();
    first.subscribe("t");
    await first.bind(endpoint);
    pub.connect(endpoint);
    const gone = nextEvent(pub, "disconnect");
    await nextEvent(pub, "handshake");
    first.close();
    await gone;
    const [second] = track(new zmq.Subscriber());
    second.subscribe("t");
    await second.bind(endpoint);
    let got: Buffer[] | undefined;
    const receiving = second.receive().then((m) => {
      got = m;
    });
    await within(
      (async () => {
        while (got === undefined) {
          await pub.send(["t", "again"]);
          await delay(5);
        }
      })(),
    );
    await receiving;
    expect(strings(got!)).toEqual(["t", "again"]);
  });

  it("reconnectInterval -1: no reconnect", async () => {
    const endpoint = await rebindable();
    const [client] = track(new zmq.Dealer({ reconnectInterval: -1 }));
    const first = new zmq.Dealer();
    await first.bind(endpoint);
    const shook = nextEvent(client, "handshake");
    client.connect(endpoint);
    await shook;
    const gone = nextEvent(client, "disconnect");
    first.close();
    await gone;
    const [second] = track(new zmq.Dealer({ receiveTimeout: 150 }));
    await second.bind(endpoint);
    const accepted: string[] = [];
    second.events.on("accept", (e) => accepted.push(e.address));
    await delay(100);
    expect(accepted).toEqual([]);
  });
});

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("immediate", (proto) => {
  it("without immediate, PUSH queues to a peer that is not there yet", async () => {
    const [push, live] = track(new zmq.Push(), new zmq.Pull());
    const liveEndpoint = await bindAny(live, proto);
    const absent = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress(proto);
    push.connect(absent);
    push.connect(liveEndpoint);
    await delay(30);
    for (let i = 0; i < 4; i++) await push.send(String(i));
    live.receiveTimeout = 200;
    const got: string[] = [];
    try {
      for (;;) got.push((await live.receive())[0]!.toString());
    } catch {}
    // Round-robin put half of them on the absent peer's queue.
    expect(got.length).toBe(2);
  });

  it("with immediate, messages go only to connected peers", async () => {
    const [push, live] = track(new zmq.Push({ immediate: true }), new zmq.Pull());
    const liveEndpoint = await bindAny(live, proto);
    const absent = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress(proto);
    push.connect(absent);
    const shook = proto === "inproc" ? delay(30) : nextEvent(push, "handshake");
    push.connect(liveEndpoint);
    await shook;
    for (let i = 0; i < 4; i++) await push.send(String(i));
    for (let i = 0; i < 4; i++) expect(strings(await within(live.receive()))).toEqual([String(i)]);
  });

  it("with immediate and no peer, send times out", async () => {
    const [push] = track(new zmq.Push({ immediate: true, sendTimeout: 30 }));
    const absent = proto === "tcp" ? await freeTcpEndpoint() : uniqueAddress(proto);
    push.connect(absent);
    await expect(push.send("x")).rejects.toMatchObject({ code: "EAGAIN" });
  });
});
