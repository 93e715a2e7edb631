/**
 * Behaviour of the draft sockets (`@zmq/node/draft`) over every transport they
 * support, including udp unicast and (where loopback multicast works) multicast.
 */

import { multicastUnavailable, udpPort } from "@zmq/compliance";
import { afterEach, describe, expect, it } from "vitest";
import {
  Channel,
  Client,
  Datagram,
  Dish,
  Gather,
  Peer,
  Radio,
  Scatter,
  Server,
} from "../src/draft";
import type { Socket } from "../src/index";
import { Dealer } from "../src/index";
import { bindAny, type Proto } from "./helpers";

const open: Socket[] = [];
function track<S extends Socket>(socket: S): S {
  open.push(socket);
  return socket;
}
afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const PROTOS: Proto[] = ["tcp", "ipc", "inproc"];

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string) {
  if (typeof promise === "function") {
    expect(promise).toThrow(expect.objectContaining({ code }));
    return;
  }
  await expect(promise).rejects.toMatchObject({ code });
}

describe("RADIO/DISH", () => {
  for (const proto of PROTOS) {
    it(`groups over ${proto}: exact match, join and leave while connected`, async () => {
      const radio = track(new Radio());
      const dish = track(new Dish());
      const address = await bindAny(radio, proto);
      // A RADIO filters by the groups it has been told about, so a JOIN or LEAVE
      // takes effect when it reaches the radio. Instead of sleeping, each step
      // joins a fresh sync group and probes it until a probe arrives: JOIN/LEAVE
      // travel in order on one connection, so by then the earlier ones are in.
      let round = 0;
      const sync = async () => {
        const name = `sync-${round++}`;
        dish.join(name);
        const deadline = Date.now() + 10_000;
        dish.receiveTimeout = 20;
        for (let i = 0; ; i++) {
          await radio.send(`probe-${i}`, { group: name });
          const got = await dish.receive().catch((error: { code?: string }) => {
            if (error.code !== "EAGAIN") throw error;
            return undefined;
          });
          if (got !== undefined) {
            expect(got[1].group.toString()).toBe(name);
            break;
          }
          if (Date.now() > deadline) throw new Error(`${name} never arrived`);
        }
        dish.receiveTimeout = -1;
        // Drain probes still on their way, up to a marker behind them.
        await radio.send("marker", { group: name });
        for (;;) {
          const [body] = await dish.receive();
          if (body.toString() === "marker") break;
        }
        dish.leave(name);
      };
      dish.join("Movies");
      dish.connect(address);
      await sync();
      await radio.send("Friends", { group: "TV" });
      await radio.send("Godfather", { group: "Movies" });
      const [body, { group }] = await dish.receive();
      expect([group.toString(), body.toString()]).toEqual(["Movies", "Godfather"]);
      dish.join("TV");
      await sync();
      await radio.send("Friends", { group: "TV" });
      expect((await dish.receive())[0].toString()).toBe("Friends");
      dish.leave("TV");
      await sync();
      await radio.send("Friends", { group: "TV" });
      await radio.send("Alien", { group: "Movies" });
      expect((await dish.receive())[0].toString()).toBe("Alien");
    });
  }

  it("udp unicast: the DISH binds, the RADIO connects; one datagram per message; no events (as libzmq)", async () => {
    const port = await udpPort();
    const dish = track(new Dish());
    const events: string[] = [];
    dish.join("TV");
    await dish.bind(`udp://*:${port}`);
    expect(dish.lastEndpoint).toBe(`udp://*:${port}`);
    const radio = track(new Radio());
    for (const s of [dish, radio]) {
      for (const type of ["bind", "accept", "connect", "connect:delay", "handshake"] as const) {
        s.events.on(type, (e) => events.push(`${type} ${e.address}`));
      }
    }
    radio.connect(`udp://127.0.0.1:${port}`);
    await settle();
    await radio.send("nobody", { group: "Radio" }); // sent, filtered by the dish
    await radio.send("Friends", { group: "TV" });
    const [body, { group }] = await dish.receive();
    expect([group.toString(), body.toString()]).toEqual(["TV", "Friends"]);
    const other = track(new Dish());
    other.events.on("bind", (e) => events.push(`bind ${e.address}`));
    await other.bind(`udp://127.0.0.1:${await udpPort()}`);
    await settle(20);
    expect(events).toEqual([]);
  });

  it("udp: a RADIO cannot bind, a DISH cannot connect, others cannot use udp (ENOCOMPATPROTO)", async () => {
    await expectCode(track(new Radio()).bind("udp://*:5556"), "ENOCOMPATPROTO");
    await expectCode(() => track(new Dish()).connect("udp://127.0.0.1:5556"), "ENOCOMPATPROTO");
    await expectCode(track(new Dealer()).bind("udp://*:5556"), "ENOCOMPATPROTO");
    await expectCode(() => track(new Radio()).connect("udp://127.0.0.1:0"), "EINVAL");
  });

  it("udp multicast, and multicastLoop = false keeps it off this host", async (ctx) => {
    const group = "239.193.8.8";
    const why = await multicastUnavailable(group);
    if (why !== undefined) {
      console.log(`skipping multicast: ${why}`);
      ctx.skip();
      return;
    }
    const port = await udpPort();
    const url = `udp://${group}:${port}`;
    const dish = track(new Dish({ receiveTimeout: 300 }));
    dish.join("TV");
    await dish.bind(url);
    const radio = track(new Radio());
    radio.connect(url);
    await settle();
    await radio.send("Friends", { group: "TV" });
    expect((await dish.receive())[0].toString()).toBe("Friends");
    const quiet = track(new Radio({ multicastLoop: false }));
    quiet.connect(url);
    await settle();
    await quiet.send("looped?", { group: "TV" });
    await expectCode(dish.receive(), "EAGAIN");
  });

  it("groups: 255 bytes at most, no double join, no leave of an unjoined group; single-part", async () => {
    const dish = track(new Dish());
    await expectCode(() => dish.join("x".repeat(256)), "EINVAL");
    dish.join("Movies");
    await expectCode(() => dish.join("Movies"), "EINVAL");
    await expectCode(() => dish.leave("TV"), "EINVAL");
    const radio = track(new Radio());
    await expectCode(radio.send(["a", "b"], { group: "g" }), "EINVAL");
    expect(radio.threadSafe).toBe(true);
  });

  it("a RADIO group longer than 255 bytes is cut to its first 255 (libzmq's zmq_msg_set_group)", async () => {
    const port = await udpPort();
    const dish = track(new Dish());
    dish.join("g".repeat(255));
    await dish.bind(`udp://127.0.0.1:${port}`);
    const radio = track(new Radio());
    radio.connect(`udp://127.0.0.1:${port}`);
    await settle();
    await radio.send("long", { group: "g".repeat(300) });
    const [body, { group }] = await dish.receive();
    expect([group.length, body.toString()]).toEqual([255, "long"]);
  });

  it("a Datagram send that is not [address, body] fails with EINVAL, libzmq's text", async () => {
    const datagram = track(new Datagram());
    await datagram.bind(`udp://127.0.0.1:${await udpPort()}`);
    const error = await (datagram.send as (m: unknown) => Promise<void>)("x").catch((e) => e);
    expect([error.code, error.message]).toEqual(["EINVAL", "Invalid argument"]);
    expect(error.cause.message).toBe("Datagram messages are [address, body]");
  });
});

describe("CLIENT/SERVER", () => {
  for (const proto of PROTOS) {
    it(`round trip over ${proto} with numeric routing ids`, async () => {
      const server = track(new Server());
      const client = track(new Client());
      client.connect(await bindAny(server, proto));
      await client.send("hello");
      const [request, { routingId }] = await server.receive();
      expect(request.toString()).toBe("hello");
      expect(Number.isInteger(routingId) && routingId > 0).toBe(true);
      await server.send("world", { routingId });
      expect((await client.receive())[0].toString()).toBe("world");
      await expectCode(server.send("x", { routingId: routingId + 1 }), "EHOSTUNREACH");
      await expectCode(client.send(["a", "b"]), "EINVAL");
    });
  }
});

describe("send argument checks, in zeromq.js's order and manner", () => {
  /** How a call surfaced: a synchronous throw or a rejection, with the error's kind. */
  async function surfaced(call: () => unknown): Promise<string> {
    const describe = (e: Error & { code?: string }) =>
      `${e instanceof TypeError ? "TypeError" : (e.code ?? "?")} ${e.message}`;
    let result: unknown;
    try {
      result = call();
    } catch (e) {
      return `throws ${describe(e as Error)}`;
    }
    try {
      await result;
      return "resolves";
    } catch (e) {
      return `rejects ${describe(e as Error)}`;
    }
  }
  // biome-ignore lint/suspicious/noExplicitAny: the calls a JavaScript caller can make
  type Loose = (...args: any[]) => Promise<void>;

  it("SERVER: missing message or options throw TypeError; the routing id is a uint32", async () => {
    const send = (...args: unknown[]) => {
      const server = track(new Server());
      return surfaced(() => (server.send as Loose)(...args));
    };
    expect(await send()).toBe("throws TypeError Message must be present");
    expect(await send("x")).toBe("throws TypeError Options must be an object");
    expect(await send("x", null)).toBe("throws TypeError Options must be an object");
    expect(await send("x", {})).toBe("throws EINVAL Invalid argument");
    expect(await send("x", { routingId: "7" })).toBe("throws TypeError A number was expected");
    expect(await send("x", { routingId: 0 })).toBe("throws EINVAL Invalid argument");
    expect(await send("x", { routingId: 2 ** 32 })).toBe("throws EINVAL Invalid argument");
    expect(await send("x", { routingId: 1.5 })).toBe("rejects EHOSTUNREACH Host unreachable");
    expect(await send("x", { routingId: -1 })).toBe("rejects EHOSTUNREACH Host unreachable");
    expect(await send(["a", "b"], { routingId: 1 })).toBe("rejects EINVAL Invalid argument");
    const closed = track(new Server());
    closed.close();
    expect(await surfaced(() => closed.send("x", { routingId: 1 }))).toBe(
      "throws EBADF Socket is closed",
    );
  });

  it("SERVER: 1.5 is routing id 1 (ToUint32), as zeromq.js converts it", async () => {
    const server = track(new Server());
    const client = track(new Client());
    client.connect(await bindAny(server, "inproc"));
    await client.send("hi");
    const [, { routingId }] = await server.receive();
    await server.send("back", { routingId: routingId + 0.5 });
    expect((await client.receive())[0].toString()).toBe("back");
  });

  it("RADIO: missing group throws EINVAL, a group of another type TypeError", async () => {
    const send = (...args: unknown[]) => {
      const radio = track(new Radio());
      return surfaced(() => (radio.send as Loose)(...args));
    };
    expect(await send()).toBe("throws TypeError Message must be present");
    expect(await send("x")).toBe("throws TypeError Options must be an object");
    expect(await send("x", {})).toBe("throws EINVAL Invalid argument");
    expect(await send("x", { group: 5 })).toBe("throws TypeError Value must be a string or buffer");
    expect(await send(["a", "b"], { group: "g" })).toBe("rejects EINVAL Invalid argument");
    expect(await send("x", { group: "g" })).toBe("resolves");
  });

  it("CLIENT, SCATTER, DGRAM: a missing message throws; closed throws EBADF", async () => {
    for (const socket of [track(new Client()), track(new Scatter()), track(new Datagram())]) {
      expect(await surfaced(() => (socket.send as Loose)())).toBe(
        "throws TypeError Message must be present",
      );
      socket.close();
      expect(await surfaced(() => (socket.send as Loose)("x"))).toBe(
        "throws EBADF Socket is closed",
      );
    }
  });
});

describe("SCATTER/GATHER, CHANNEL, PEER", () => {
  it("scatter round-robins to gathers", async () => {
    const scatter = track(new Scatter());
    const address = await bindAny(scatter, "tcp");
    const g1 = track(new Gather());
    const g2 = track(new Gather());
    // Both gathers must be attached before the first send, or round-robin
    // sends everything to the one that came first: wait for two handshakes.
    const attached = (async () => {
      let handshakes = 0;
      for await (const event of scatter.events) {
        if (event.type === "handshake" && ++handshakes === 2) return;
      }
    })();
    g1.connect(address);
    g2.connect(address);
    await attached;
    for (const n of ["1", "2", "3", "4"]) await scatter.send(n);
    const got = [
      (await g1.receive())[0].toString(),
      (await g1.receive())[0].toString(),
      (await g2.receive())[0].toString(),
      (await g2.receive())[0].toString(),
    ];
    expect(got.sort()).toEqual(["1", "2", "3", "4"]);
    await expectCode(scatter.send(["a", "b"]), "EINVAL");
  });

  it("channel pairs two sockets", async () => {
    const a = track(new Channel());
    const b = track(new Channel());
    b.connect(await bindAny(a, "ipc"));
    await b.send("ping");
    expect((await a.receive())[0].toString()).toBe("ping");
    await a.send("pong");
    expect((await b.receive())[0].toString()).toBe("pong");
  });

  it("peer: connect returns the routing id to send to at once", async () => {
    const a = track(new Peer());
    const b = track(new Peer());
    const address = await bindAny(b, "tcp");
    const idOfB = a.connect(address);
    expect(idOfB).toBeGreaterThan(0);
    await a.send("first", { routingId: idOfB });
    const [message, { routingId: idOfA }] = await b.receive();
    expect(message.toString()).toBe("first");
    await b.send("reply", { routingId: idOfA });
    expect((await a.receive())[0].toString()).toBe("reply");
  });
});

describe("DGRAM", () => {
  it("[address, body] between two bound udp sockets; addresses end in NUL as libzmq's", async () => {
    const [portA, portB] = [await udpPort(), await udpPort()];
    const a = track(new Datagram());
    const b = track(new Datagram());
    await a.bind(`udp://127.0.0.1:${portA}`);
    await b.bind(`udp://127.0.0.1:${portB}`);
    await a.send([`127.0.0.1:${portB}`, "hello"]);
    const [from, body] = await b.receive();
    expect(from.toString()).toBe(`127.0.0.1:${portA}\0`);
    expect(body.toString()).toBe("hello");
    await b.send([from, "back"]);
    expect((await a.receive())[1].toString()).toBe("back");
    await expectCode(a.send(["only one"] as unknown as [string, string]), "EINVAL");
    await expectCode(() => a.connect(`udp://127.0.0.1:${portB}`), "ENOCOMPATPROTO");
  });
});
