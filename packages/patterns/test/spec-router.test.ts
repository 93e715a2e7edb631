// RFC 28 (ROUTER) and libzmq tests/test_spec_router.cpp, test_router_mandatory.cpp,
// test_router_handover.cpp, test_connect_rid.cpp, test_probe_router.cpp.
import { describe, expect, it } from "vitest";
import { createPipePair, Dealer, Router } from "../src/index";
import { connect, dec, drain, enc, msg, rawPeer, receiveAll, text } from "./helpers";

const id = (s: string): Uint8Array => enc(s);

describe("ROUTER (RFC 28)", () => {
  // "SHALL receive incoming messages from its peers using a fair-queuing strategy."
  // "SHALL prefix each incoming message with a frame containing the identity of the
  //  originating double queue."
  it("fair_queue_in, with the routing id prefixed", () => {
    const router = new Router();
    const a = rawPeer(router, { routingId: id("A") });
    const b = rawPeer(router, { routingId: id("B") });
    a.write(msg("a1"));
    a.write(msg("a2", "x"));
    b.write(msg("b1"));
    expect(receiveAll(router)).toEqual([
      ["A", "a1"],
      ["B", "b1"],
      ["A", "a2", "x"],
    ]);
  });

  // "SHALL remove the first frame from each outgoing message and use this as the identity
  //  of a double queue."
  // "SHALL route the message to the outgoing queue if that queue exists, and has space."
  it("routes by the first frame and strips it", () => {
    const router = new Router();
    const a = rawPeer(router, { routingId: id("A") });
    const b = rawPeer(router, { routingId: id("B") });
    router.send(msg("B", "", "hello"));
    router.send(msg("A", "hi"));
    expect(drain(a)).toEqual([["hi"]]);
    expect(drain(b)).toEqual([["", "hello"]]);
  });

  // "SHALL either silently drop the message, or return an error, depending on
  //  configuration, if the queue does not exist, or is full."
  it("unknown peer: dropped by default, EHOSTUNREACH with routerMandatory", () => {
    const router = new Router();
    expect(router.send(msg("nobody", "x"))).toBe(true);
    router.setOption("routerMandatory", true);
    expect(() => router.send(msg("nobody", "x"))).toThrow(
      expect.objectContaining({ code: "EHOSTUNREACH", errno: 113 }),
    );
  });

  // (same sentence) and "SHALL NOT block on sending."
  it("full peer: dropped by default; false (EAGAIN) with routerMandatory", () => {
    const router = new Router({ sendHighWaterMark: 1 });
    const a = rawPeer(router, { routingId: id("A") });
    expect(router.send(msg("A", "1"))).toBe(true);
    expect(router.send(msg("A", "2"))).toBe(true); // dropped, not blocked
    expect(router.canSend).toBe(true);
    router.setOption("routerMandatory", true);
    expect(router.send(msg("A", "3"))).toBe(false);
    expect(router.canSend).toBe(false);
    expect(drain(a)).toEqual([["1"]]);
    expect(router.canSend).toBe(true);
    expect(router.send(msg("A", "4"))).toBe(true);
  });

  // "SHALL create a double queue when a peer connects to it. If this peer disconnects, the
  //  ROUTER socket SHALL destroy its double queue and SHALL discard any messages it contains."
  it("destroy_queue_on_disconnect", () => {
    const router = new Router({ routerMandatory: true });
    const a = rawPeer(router, { routingId: id("A") });
    a.write(msg("pending"));
    router.send(msg("A", "queued"));
    a.terminate();
    expect(receiveAll(router)).toEqual([]);
    expect(() => router.send(msg("A", "x"))).toThrow(
      expect.objectContaining({ code: "EHOSTUNREACH" }),
    );
  });

  // "SHALL identify each double queue using a unique "identity" binary string."
  it("auto routing ids: 5 bytes, 0x00 + big-endian counter from a random start", () => {
    const router = new Router({}, { random: () => 0.5 });
    const a = rawPeer(router);
    const b = rawPeer(router);
    a.write(msg("x"));
    b.write(msg("y"));
    const [ma, mb] = [router.receive()!, router.receive()!];
    expect(ma[0]).toEqual(Uint8Array.of(0, 0x80, 0, 0, 0));
    expect(mb[0]).toEqual(Uint8Array.of(0, 0x80, 0, 0, 1));
    router.send([mb[0]!, enc("back")]);
    expect(drain(b)).toEqual([["back"]]);
    expect(drain(a)).toEqual([]);
  });

  // "SHOULD allow the peer to specify its identity explicitly through the Identity
  //  metadata property."
  it("uses the peer's announced identity, from attachPipe or from pipe.routingId", () => {
    const router = new Router();
    rawPeer(router, { routingId: id("explicit") });
    const [socketEnd, viaPipe] = createPipePair();
    viaPipe.routingId = id("from-handshake");
    router.attachPipe(socketEnd);
    expect(router.routingIds.map(dec).sort()).toEqual(["explicit", "from-handshake"]);
    viaPipe.write(msg("m"));
    expect(text(router.receive())).toEqual(["from-handshake", "m"]);
  });

  it("reads the identity the node layer put on the pipe", () => {
    const router = new Router();
    const dealer = new Dealer({ routingId: id("D1") });
    connect(router, dealer, { a: { routingId: dealer.options.routingId! } });
    dealer.send(msg("hello"));
    expect(text(router.receive())).toEqual(["D1", "hello"]);
    router.send(msg("D1", "world"));
    expect(text(dealer.receive())).toEqual(["world"]);
  });

  it("connectRoutingId names the peer of the next connect and wins over its identity", () => {
    const router = new Router({ connectRoutingId: id("alias") });
    const taken = router.takeConnectRoutingId()!;
    expect(router.options.connectRoutingId).toBeUndefined();
    const peer = rawPeer(router, { routingId: id("announced"), connectRoutingId: taken });
    peer.write(msg("m"));
    expect(text(router.receive())).toEqual(["alias", "m"]);
  });

  it("a duplicate identity is ignored without handover", () => {
    const router = new Router();
    const first = rawPeer(router, { routingId: id("X") });
    const second = rawPeer(router, { routingId: id("X") });
    second.write(msg("ignored"));
    first.write(msg("kept"));
    expect(receiveAll(router)).toEqual([["X", "kept"]]);
    router.send(msg("X", "to-first"));
    expect(drain(first)).toEqual([["to-first"]]);
    expect(drain(second)).toEqual([]);
  });

  it("routerHandover: the new peer takes the identity over, the old pipe is closed", () => {
    const router = new Router({ routerHandover: true, linger: 0 });
    const first = rawPeer(router, { routingId: id("X") });
    const second = rawPeer(router, { routingId: id("X") });
    expect(first.state).toBe("terminated");
    router.send(msg("X", "to-second"));
    expect(drain(second)).toEqual([["to-second"]]);
    expect(router.pipeCount).toBe(1);
  });

  it("a message with only a routing id is dropped", () => {
    const router = new Router({ routerMandatory: true });
    const a = rawPeer(router, { routingId: id("A") });
    expect(router.send(msg("A"))).toBe(true);
    expect(drain(a)).toEqual([]);
  });

  it("probeRouter: ROUTER writes an empty message to each new pipe", () => {
    const router = new Router({ probeRouter: true });
    const a = rawPeer(router);
    expect(drain(a)).toEqual([[""]]);
  });

  it("sees a DEALER's probe as [id, '']", () => {
    const router = new Router();
    const dealer = new Dealer({ probeRouter: true });
    connect(router, dealer, { a: { routingId: id("D") } });
    expect(receiveAll(router)).toEqual([["D", ""]]);
  });
});
