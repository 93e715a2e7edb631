import { describe, expect, it } from "vitest";
import {
  Channel,
  Client,
  createPipePair,
  createSocket,
  Dgram,
  Dish,
  DRAFT_SOCKET_TYPES,
  decodeGroupCommand,
  decodeServerRoutingId,
  encodeGroupCommand,
  encodeServerRoutingId,
  Gather,
  Peer,
  Radio,
  Scatter,
  Server,
  SOCKET_TYPE_NUMBER,
} from "../src/index";
import { connect, drain, enc, msg, rawPeer, receiveAll, text } from "./helpers";

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe("draft socket types", () => {
  it("are created by name and carry libzmq's numbers", () => {
    for (const type of DRAFT_SOCKET_TYPES) expect(createSocket(type).type).toBe(type);
    expect(SOCKET_TYPE_NUMBER.SERVER).toBe(12);
    expect(SOCKET_TYPE_NUMBER.CHANNEL).toBe(20);
  });

  it("DISH lingers 0 by default, as libzmq; RADIO takes xpubNoDrop", () => {
    expect(new Dish().options.linger).toBe(0);
    expect(new Radio({ xpubNoDrop: true }).options.xpubNoDrop).toBe(true);
    expect(code(() => new Dish({ xpubNoDrop: true }))).toBe("EINVAL");
  });

  it("group commands and server routing ids round-trip", () => {
    expect(decodeGroupCommand(encodeGroupCommand(true, enc("TV")))).toEqual({
      join: true,
      group: enc("TV"),
    });
    expect(decodeGroupCommand(encodeGroupCommand(false, enc("")))?.join).toBe(false);
    expect(decodeGroupCommand(msg("\u0002x"))).toBeUndefined();
    expect(decodeGroupCommand(msg("\u0001a", "b"))).toBeUndefined();
    expect(decodeServerRoutingId(encodeServerRoutingId(0xdeadbeef))).toBe(0xdeadbeef);
    expect(decodeServerRoutingId(enc("abc"))).toBeUndefined();
  });
});

describe("RADIO/DISH (RFC 48)", () => {
  it("SHALL perform a group membership check using exact matching algorithm", () => {
    const radio = new Radio();
    const dish = new Dish();
    dish.join("Movies");
    connect(radio, dish);
    radio.send(msg("TV", "Friends"));
    radio.send(msg("Movie", "prefix only"));
    radio.send(msg("Movies", "Godfather"));
    expect(receiveAll(dish)).toEqual([["Movies", "Godfather"]]);
  });

  it("joins made after connecting reach the radio; leave stops delivery", () => {
    const radio = new Radio();
    const dish = new Dish();
    connect(radio, dish);
    dish.join("TV");
    radio.send(msg("TV", "one"));
    expect(receiveAll(dish)).toEqual([["TV", "one"]]);
    dish.leave("TV");
    radio.send(msg("TV", "two"));
    expect(receiveAll(dish)).toEqual([]);
  });

  it("a new pipe first gets one JOIN per joined group", () => {
    const dish = new Dish();
    dish.join("a");
    dish.join("b");
    const peer = rawPeer(dish);
    expect(drain(peer)).toEqual([["\u0001a"], ["\u0001b"]]);
    dish.leave("a");
    expect(drain(peer)).toEqual([["\u0000a"]]);
    expect(dish.groups.map((g) => new TextDecoder().decode(g))).toEqual(["b"]);
  });

  it("join twice, leave unjoined, a group over 255 bytes or with a NUL: EINVAL", () => {
    const dish = new Dish();
    dish.join("Movies");
    expect(code(() => dish.join("Movies"))).toBe("EINVAL");
    expect(code(() => dish.leave("TV"))).toBe("EINVAL");
    expect(code(() => dish.join("A".repeat(256)))).toBe("EINVAL");
    expect(code(() => dish.join(Uint8Array.of(65, 0, 66)))).toBe("EINVAL");
    dish.join("B".repeat(255));
    const radio = new Radio();
    expect(code(() => radio.send([enc("A".repeat(256)), enc("x")]))).toBe("EINVAL");
  });

  it("the thread-safe family MUST NOT allow multipart messages", () => {
    const radio = new Radio();
    expect(code(() => radio.send(msg("TV")))).toBe("EINVAL");
    expect(code(() => radio.send(msg("TV", "a", "b")))).toBe("EINVAL");
    expect(code(() => radio.receive())).toBe("ENOTSUP");
    const dish = new Dish();
    expect(code(() => dish.send(msg("TV", "x")))).toBe("ENOTSUP");
    dish.join("TV");
    const peer = rawPeer(dish);
    drain(peer);
    peer.write(msg("TV", "a", "b")); // multipart input is dropped
    peer.write(msg("TV"));
    peer.write(msg("TV", "ok"));
    expect(receiveAll(dish)).toEqual([["TV", "ok"]]);
  });

  it("SHALL silently discard any messages that dishes send it (other than joins)", () => {
    const radio = new Radio();
    const peer = rawPeer(radio);
    peer.write(msg("noise"));
    peer.write(encodeGroupCommand(true, enc("g")));
    radio.send(msg("g", "body"));
    expect(drain(peer)).toEqual([["g", "body"]]);
  });

  it("a receiveAll pipe (udp) gets every group; the DISH filters", () => {
    const radio = new Radio();
    const [radioEnd, udpEnd] = createPipePair(radio.pipeOptions());
    radio.attachPipe(radioEnd, { receiveAll: true });
    radio.send(msg("a", "1"));
    radio.send(msg("b", "2"));
    expect(drain(udpEnd)).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  it("SHALL silently drop the message if the queue for a dish is full; SHALL NOT block", () => {
    const radio = new Radio({ sendHighWaterMark: 1 });
    const dish = new Dish({ receiveHighWaterMark: 1 });
    dish.join("g");
    connect(radio, dish);
    for (let i = 0; i < 5; i++) expect(radio.send(msg("g", String(i)))).toBe(true);
    expect(receiveAll(dish).length).toBe(2);
    const nodrop = new Radio({ sendHighWaterMark: 1, xpubNoDrop: true });
    const peer = rawPeer(nodrop, {}, { receiveHighWaterMark: 0 });
    peer.write(encodeGroupCommand(true, enc("g")));
    expect(nodrop.send(msg("g", "1"))).toBe(true);
    expect(nodrop.send(msg("g", "2"))).toBe(false);
  });

  it("a radio forgets a terminated pipe's groups", () => {
    const radio = new Radio();
    const dish = new Dish();
    dish.join("g");
    const [radioEnd] = connect(radio, dish);
    radioEnd.terminate(0);
    expect(radio.pipeCount).toBe(0);
    expect(radio.send(msg("g", "x"))).toBe(true);
  });
});

describe("CLIENT/SERVER (RFC 41)", () => {
  it("SHALL identify each double queue using a unique non-zero 32-bit routing id", () => {
    const server = new Server({}, { random: () => 0.999999999999 });
    const a = new Client();
    const b = new Client();
    connect(server, a);
    connect(server, b);
    const ids = server.routingIds;
    expect(ids.length).toBe(2);
    expect(ids).not.toContain(0);
    expect(new Set(ids).size).toBe(2);
  });

  it("replies go to the client the request came from", () => {
    const server = new Server();
    const a = new Client();
    const b = new Client();
    connect(server, a);
    connect(server, b);
    a.send(msg("from a"));
    b.send(msg("from b"));
    const first = server.receive()!;
    const second = server.receive()!;
    expect(text([first[1]!])).toEqual(["from a"]);
    server.send([second[0]!, enc("to b")]);
    server.send([first[0]!, enc("to a")]);
    expect(receiveAll(a)).toEqual([["to a"]]);
    expect(receiveAll(b)).toEqual([["to b"]]);
  });

  it("SHALL return an error if the queue does not exist; block if it is full", () => {
    const server = new Server({ sendHighWaterMark: 1 });
    expect(code(() => server.send([encodeServerRoutingId(42), enc("x")]))).toBe("EHOSTUNREACH");
    const peer = rawPeer(server, {}, { receiveHighWaterMark: 0 });
    peer.write(msg("hi"));
    const [id] = server.receive()!;
    expect(server.send([id!, enc("1")])).toBe(true);
    expect(server.send([id!, enc("2")])).toBe(false);
    expect(server.canSend).toBe(true); // libzmq: SERVER is always writable
  });

  it("CLIENT round-robins, blocks without peers; single-part only", () => {
    const client = new Client();
    expect(client.send(msg("x"))).toBe(false);
    const p1 = rawPeer(client);
    const p2 = rawPeer(client);
    client.send(msg("1"));
    client.send(msg("2"));
    expect(drain(p1)).toEqual([["1"]]);
    expect(drain(p2)).toEqual([["2"]]);
    expect(code(() => client.send(msg("a", "b")))).toBe("EINVAL");
    p1.write(msg("a", "b"));
    p1.write(msg("c"));
    expect(receiveAll(client)).toEqual([["c"]]);
    const server = new Server();
    expect(code(() => server.send(msg("a")))).toBe("EINVAL");
    const p3 = rawPeer(server);
    p3.write(msg("x", "y"));
    expect(server.canReceive).toBe(false);
  });
});

describe("SCATTER/GATHER (RFC 49)", () => {
  it("SHALL route outgoing messages to available peers using a round-robin strategy", () => {
    const scatter = new Scatter();
    const g1 = new Gather();
    const g2 = new Gather();
    connect(scatter, g1);
    connect(scatter, g2);
    for (const n of ["1", "2", "3", "4"]) scatter.send(msg(n));
    expect(receiveAll(g1)).toEqual([["1"], ["3"]]);
    expect(receiveAll(g2)).toEqual([["2"], ["4"]]);
  });

  it("SHALL block on sending when it has no available peers; MUST NOT send multi-part", () => {
    const scatter = new Scatter();
    expect(scatter.send(msg("x"))).toBe(false);
    expect(code(() => scatter.send(msg("a", "b")))).toBe("EINVAL");
    expect(code(() => scatter.receive())).toBe("ENOTSUP");
  });

  it("GATHER MUST discard any part of a multipart message", () => {
    const gather = new Gather();
    const peer = rawPeer(gather);
    peer.write(msg("a", "b"));
    peer.write(msg("c"));
    expect(receiveAll(gather)).toEqual([["c"]]);
    expect(code(() => gather.send(msg("x")))).toBe("ENOTSUP");
  });
});

describe("PEER (RFC 51)", () => {
  it("connect gives the routing id of the new double queue; messages route both ways", () => {
    const a = new Peer();
    const b = new Peer();
    connect(a, b);
    const idOfB = a.lastRoutingId!;
    const idOfA = b.lastRoutingId!;
    expect(idOfB).toBeGreaterThan(0);
    a.send([encodeServerRoutingId(idOfB), enc("hello")]);
    const got = b.receive()!;
    expect(decodeServerRoutingId(got[0]!)).toBe(idOfA);
    expect(text([got[1]!])).toEqual(["hello"]);
    b.send([got[0]!, enc("back")]);
    expect(text(a.receive())?.[1]).toBe("back");
  });
});

describe("CHANNEL", () => {
  it("is a single-part PAIR", () => {
    const a = new Channel();
    const b = new Channel();
    connect(a, b);
    const extra = new Channel();
    const [, extraEnd] = connect(a, extra);
    expect(extraEnd.state).not.toBe("active");
    a.send(msg("x"));
    expect(receiveAll(b)).toEqual([["x"]]);
    expect(code(() => a.send(msg("a", "b")))).toBe("EINVAL");
    const c = new Channel();
    const peer = rawPeer(c);
    peer.write(msg("a", "b"));
    expect(c.canReceive).toBe(false);
    peer.write(msg("z"));
    expect(receiveAll(c)).toEqual([["z"]]);
  });
});

describe("DGRAM", () => {
  it("sends and receives [address, body] over its one pipe", () => {
    const dgram = new Dgram();
    expect(dgram.send(msg("127.0.0.1:5555", "x"))).toBe(false);
    const peer = rawPeer(dgram);
    expect(rawPeer(dgram).state).not.toBe("active");
    expect(code(() => dgram.send(msg("x")))).toBe("EINVAL");
    expect(code(() => dgram.send(msg("a", "b", "c")))).toBe("EINVAL");
    expect(dgram.send(msg("127.0.0.1:5555", "x"))).toBe(true);
    expect(drain(peer)).toEqual([["127.0.0.1:5555", "x"]]);
    peer.write(msg("10.0.0.1:1\u0000", "y"));
    expect(receiveAll(dgram)).toEqual([["10.0.0.1:1\u0000", "y"]]);
  });
});
