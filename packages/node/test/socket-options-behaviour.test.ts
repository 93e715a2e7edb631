/**
 * Options that change a socket type's behaviour: STREAM over raw tcp,
 * XPUB welcome message and manual mode, ROUTER handover, probeRouter,
 * conflate, PUB dropping at the HWM, subscribe before connect.
 */
import { connect, createServer, type Socket as NetSocket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { bindAny, delay, strings, testProtos, track, until, within } from "./helpers";

const raw: NetSocket[] = [];
afterEach(() => {
  for (const socket of raw.splice(0)) socket.destroy();
});

function port(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

describe("STREAM (tcp)", () => {
  it("talks raw bytes to a plain tcp client, with connect/disconnect notifications", async () => {
    const [stream] = track(new zmq.Stream());
    const endpoint = await bindAny(stream, "tcp");
    const client = connect(port(endpoint), "127.0.0.1");
    raw.push(client);
    const received: Buffer[] = [];
    let closed = false;
    client.on("data", (chunk) => received.push(chunk));
    client.on("close", () => {
      closed = true;
    });
    client.on("error", () => {});

    const [id, empty] = await within(stream.receive());
    expect(id!.length).toBeGreaterThan(0);
    expect(empty!.length).toBe(0);

    client.write("hello");
    const [id2, data] = await within(stream.receive());
    expect(id2!.equals(id!)).toBe(true);
    expect(data!.toString()).toBe("hello");

    await stream.send([id!, "world"]);
    await until(() => Buffer.concat(received).toString() === "world", 2000, "raw reply");

    await stream.send([id!, ""]); // closes the connection
    await until(() => closed, 2000, "connection closed");
  });

  it("a reply sent and then close() with linger 0 still reaches the client (as zeromq.js)", async () => {
    const [stream] = track(new zmq.Stream({ linger: 0 }));
    const endpoint = await bindAny(stream, "tcp");
    const client = connect(port(endpoint), "127.0.0.1");
    raw.push(client);
    const received: Buffer[] = [];
    let ended = false;
    client.on("data", (chunk) => received.push(chunk));
    client.on("end", () => {
      ended = true;
    });
    client.on("error", () => {});
    const [id] = await within(stream.receive()); // the connect notification
    client.write("request");
    await within(stream.receive());
    await stream.send([id!, "reply"]);
    stream.close();
    await until(() => ended, 2000, "connection ended");
    expect(Buffer.concat(received).toString()).toBe("reply");
  });

  it("reports a peer disconnect as [id, '']", async () => {
    const [stream] = track(new zmq.Stream());
    const endpoint = await bindAny(stream, "tcp");
    const client = connect(port(endpoint), "127.0.0.1");
    raw.push(client);
    client.on("error", () => {});
    const [id] = await within(stream.receive());
    client.end();
    const [id2, empty] = await within(stream.receive());
    expect(id2!.equals(id!)).toBe(true);
    expect(empty!.length).toBe(0);
  });

  it("notify false: no connect/disconnect notifications", async () => {
    const [stream] = track(new zmq.Stream({ notify: false }));
    const endpoint = await bindAny(stream, "tcp");
    const client = connect(port(endpoint), "127.0.0.1");
    raw.push(client);
    client.on("error", () => {});
    client.write("data");
    const [, data] = await within(stream.receive());
    expect(data!.toString()).toBe("data");
  });
});

describe("STREAM connect (tcp)", () => {
  it("connects to a plain tcp server with a chosen routing id", async () => {
    const received: Buffer[] = [];
    const server = createServer((socket) => {
      raw.push(socket);
      socket.on("data", (chunk) => {
        received.push(chunk);
        socket.write("pong");
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const [stream] = track(new zmq.Stream());
      stream.connect(`tcp://127.0.0.1:${(server.address() as { port: number }).port}`, {
        routingId: "srv",
      });
      expect(strings(await within(stream.receive()))).toEqual(["srv", ""]);
      await stream.send(["srv", "ping"]);
      expect(strings(await within(stream.receive()))).toEqual(["srv", "pong"]);
      expect(Buffer.concat(received).toString()).toBe("ping");
    } finally {
      server.close();
    }
  });
});

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("behaviour options", (proto) => {
  it("XPUB welcomeMessage is sent to each new subscriber", async () => {
    const [xpub, sub] = track(
      new zmq.XPublisher({ welcomeMessage: "welcome" }),
      new zmq.Subscriber(),
    );
    sub.connect(await bindAny(xpub, proto));
    sub.subscribe("welcome");
    expect(strings(await within(sub.receive()))).toEqual(["welcome"]);
  });

  it("XPUB manual: subscriptions take effect only when the XPUB subscribes", async () => {
    const [xpub, sub] = track(new zmq.XPublisher({ manual: true }), new zmq.Subscriber());
    sub.connect(await bindAny(xpub, proto));
    sub.subscribe("a", "b");
    expect(strings(await within(xpub.receive()))).toEqual(["\x01a"]);
    expect(strings(await within(xpub.receive()))).toEqual(["\x01b"]);
    xpub.subscribe("b"); // the XPUB applies only "b" for this peer
    await xpub.send("a: not delivered");
    await xpub.send("b: delivered");
    expect(strings(await within(sub.receive()))).toEqual(["b: delivered"]);
  });

  it("probeRouter: a connecting DEALER announces itself with an empty message", async () => {
    const [router, dealer] = track(
      new zmq.Router(),
      new zmq.Dealer({ probeRouter: true, routingId: "probe" }),
    );
    dealer.connect(await bindAny(router, proto));
    expect(strings(await within(router.receive()))).toEqual(["probe", ""]);
  });

  it("ROUTER handover: a new peer with a taken routing id takes it over", async () => {
    const [router, first, second] = track(
      new zmq.Router({ handover: true }),
      new zmq.Dealer({ routingId: "same" }),
      new zmq.Dealer({ routingId: "same" }),
    );
    const endpoint = await bindAny(router, proto);
    first.connect(endpoint);
    await first.send("from first");
    expect(strings(await within(router.receive()))).toEqual(["same", "from first"]);
    second.connect(endpoint);
    await second.send("from second");
    expect(strings(await within(router.receive()))).toEqual(["same", "from second"]);
    await router.send(["same", "to the new one"]);
    expect(strings(await within(second.receive()))).toEqual(["to the new one"]);
  });

  it("ROUTER without handover: the duplicate id peer is refused, the first keeps it", async () => {
    const [router, first, second] = track(
      new zmq.Router(),
      new zmq.Dealer({ routingId: "same" }),
      new zmq.Dealer({ routingId: "same" }),
    );
    const endpoint = await bindAny(router, proto);
    first.connect(endpoint);
    await first.send("from first");
    expect(strings(await within(router.receive()))).toEqual(["same", "from first"]);
    second.connect(endpoint);
    await second.send("from second");
    await delay(50);
    await router.send(["same", "to the first"]);
    expect(strings(await within(first.receive()))).toEqual(["to the first"]);
  });

  it("conflate keeps only the newest message", async () => {
    const [pull, push] = track(new zmq.Pull({ conflate: true }), new zmq.Push());
    push.connect(await bindAny(pull, proto));
    for (let i = 0; i < 10; i++) await push.send(String(i));
    await until(() => pull.readable);
    await delay(50);
    expect(strings(await within(pull.receive()))).toEqual(["9"]);
  });

  it("PUB never blocks: messages past the HWM are dropped", async () => {
    const [pub, sub] = track(
      new zmq.Publisher({ sendHighWaterMark: 10 }),
      new zmq.Subscriber({ receiveHighWaterMark: 10 }),
    );
    sub.connect(await bindAny(pub, proto));
    sub.subscribe();
    await delay(proto === "inproc" ? 10 : 50);
    for (let i = 0; i < 10_000; i++) await within(pub.send(String(i)), 1000);
    sub.receiveTimeout = 200;
    let count = 0;
    try {
      for (;;) {
        await sub.receive();
        count++;
      }
    } catch {}
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(10_000);
  });

  it("SUB subscribed before connecting receives after the connection", async () => {
    const [pub, sub] = track(new zmq.XPublisher(), new zmq.Subscriber());
    sub.subscribe("early");
    sub.connect(await bindAny(pub, proto));
    expect(strings(await within(pub.receive()))).toEqual(["\x01early"]);
    await pub.send(["early", "bird"]);
    expect(strings(await within(sub.receive()))).toEqual(["early", "bird"]);
  });

  it("SUB bound, PUB connected", async () => {
    const [sub, pub] = track(new zmq.Subscriber(), new zmq.Publisher());
    sub.subscribe("x");
    pub.connect(await bindAny(sub, proto));
    let got: Buffer[] | undefined;
    const receiving = sub.receive().then((m) => {
      got = m;
    });
    await within(
      (async () => {
        while (got === undefined) {
          await pub.send(["x", "1"]);
          await delay(5);
        }
      })(),
    );
    await receiving;
    expect(strings(got!)).toEqual(["x", "1"]);
  });

  it("REQ to two REPs load-balances requests", async () => {
    const [req, rep1, rep2] = track(new zmq.Request(), new zmq.Reply(), new zmq.Reply());
    const answered: string[] = [];
    for (const [name, rep] of [
      ["1", rep1],
      ["2", rep2],
    ] as const) {
      void (async () => {
        for await (const [request] of rep) {
          answered.push(name);
          await rep.send(`${request} from ${name}`);
        }
      })();
    }
    req.connect(await bindAny(rep1, proto));
    req.connect(await bindAny(rep2, proto));
    if (proto !== "inproc") await delay(50); // both handshakes done
    for (let i = 0; i < 4; i++) {
      await req.send(String(i));
      expect((await within(req.receive()))[0]!.toString()).toMatch(new RegExp(`^${i} from `));
    }
    expect(answered.sort()).toEqual(["1", "1", "2", "2"]);
  });
});

describe("inproc high-water marks (libzmq test_hwm)", () => {
  /** Sends with sendTimeout 0 until EAGAIN, letting the pipes settle, and counts what was taken. */
  async function accepted(push: zmq.Push): Promise<number> {
    let n = 0;
    for (let misses = 0; misses < 3 && n <= 10_000; ) {
      try {
        await push.send("x");
        n++;
        misses = 0;
      } catch (error) {
        expect((error as zmq.ZmqError).code).toBe("EAGAIN");
        misses++;
        await delay(10);
      }
    }
    return n;
  }

  it("once the bound peer is gone, an inproc connecter has no pipe, even after a rebind (as libzmq)", async () => {
    const [pull] = track(new zmq.Pull({ receiveHighWaterMark: 7 }));
    const address = await bindAny(pull, "inproc");
    const [push] = track(new zmq.Push({ sendHighWaterMark: 3, sendTimeout: 0 }));
    push.connect(address);
    await delay(10);
    pull.close();
    await delay(20);
    await expect(push.send("x")).rejects.toMatchObject({ code: "EAGAIN" });
    const [again] = track(new zmq.Pull());
    await again.bind(address);
    await delay(20);
    await expect(push.send("x")).rejects.toMatchObject({ code: "EAGAIN" });
  });

  for (const [send, receive, expected] of [
    [10, 10, 20],
    [5, 100, 105],
    [100, 5, 105],
    [3, 7, 10],
    [1, 1, 2],
    [1000, 1000, 2000],
    [0, 10, 10_001], // 0 = no limit: the loop stops past 10,000
  ] as const) {
    it(`a PUSH with SNDHWM ${send} to a PULL with RCVHWM ${receive} holds ${expected} messages`, async () => {
      const [pull] = track(new zmq.Pull({ receiveHighWaterMark: receive }));
      const address = await bindAny(pull, "inproc");
      const [push] = track(new zmq.Push({ sendHighWaterMark: send, sendTimeout: 0 }));
      push.connect(address);
      await delay(10);
      expect(await accepted(push)).toBe(expected);
      // Everything taken arrives, in order.
      pull.receiveTimeout = 200;
      let received = 0;
      for (let i = 0; i < Math.min(expected, 2000); i++) {
        await pull.receive();
        received++;
      }
      expect(received).toBe(Math.min(expected, 2000));
    });
  }
});

describe("tcpAcceptFilter (ZMQ_TCP_ACCEPT_FILTER)", () => {
  it("a bind accepts only peers inside a filter and reports the others as accept:error", async () => {
    const [server, client] = track(new zmq.Dealer(), new zmq.Dealer({ reconnectInterval: 50 }));
    server.tcpAcceptFilter = "127.0.0.2";
    const errors: string[] = [];
    server.events.on("accept:error", (e) => errors.push(e.error.code));
    client.connect(await bindAny(server, "tcp"));
    await client.send("refused");
    await until(() => errors.length >= 2, 5000, "two refused attempts");
    expect(errors.slice(0, 2)).toEqual(["EAGAIN", "EAGAIN"]);
    server.receiveTimeout = 100;
    await expect(server.receive()).rejects.toMatchObject({ code: "EAGAIN" });

    // Filters are taken at bind: a second bind with a matching filter added admits the peer.
    server.tcpAcceptFilter = "127.0.0.0/8";
    const [other] = track(new zmq.Dealer());
    other.connect(await bindAny(server, "tcp"));
    await other.send("admitted");
    expect(strings(await within(server.receive()))).toEqual(["admitted"]);
  });

  it("refuses what is not a numeric address with an optional mask (EINVAL); null clears", () => {
    const [socket] = track(new zmq.Dealer());
    for (const bad of ["localhost", "1.2.3.4/33", "::1", "1.2.3.4/"]) {
      expect(() => {
        socket.tcpAcceptFilter = bad;
      }).toThrow(expect.objectContaining({ code: "EINVAL" }));
    }
    socket.tcpAcceptFilter = "10.0.0.0/8";
    socket.tcpAcceptFilter = null;
    expect(socket.tcpAcceptFilter).toBe(null);
    socket.ipv6 = true;
    socket.tcpAcceptFilter = "::1";
    expect(socket.tcpAcceptFilter).toBe("::1");
  });
});
