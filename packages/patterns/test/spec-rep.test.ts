// RFC 28 (REP) and libzmq tests/test_spec_rep.cpp.
import { describe, expect, it } from "vitest";
import { Rep, Req } from "../src/index";
import { connect, drain, msg, rawPeer, text } from "./helpers";

describe("REP (RFC 28)", () => {
  // "SHALL receive incoming messages from its peers using a fair-queuing strategy."
  it("fair_queue_in: requests are taken one per peer in turn", () => {
    const rep = new Rep();
    const peers = [rawPeer(rep), rawPeer(rep), rawPeer(rep)];
    for (let i = 0; i < peers.length; i++) {
      peers[i]!.write(msg("", `${i}a`));
      peers[i]!.write(msg("", `${i}b`));
    }
    const order: string[] = [];
    for (let n = 0; n < 6; n++) {
      order.push(text(rep.receive())![0]!);
      rep.send(msg("ok"));
    }
    expect(order).toEqual(["0a", "1a", "2a", "0b", "1b", "2b"]);
    expect(peers.map((p) => drain(p).length)).toEqual([2, 2, 2]);
  });

  // "SHALL remove and store the address envelope, including the delimiter."
  // "SHALL pass the remaining data frames to its calling application."
  // "SHALL prepend the address envelope and delimiter."
  // "SHALL deliver this message back to the originating peer."
  it("envelope: stored on receive, prepended to the reply, sent to the origin", () => {
    const rep = new Rep();
    const origin = rawPeer(rep);
    const other = rawPeer(rep);
    origin.write(msg("X", "Y", "", "BODY", "MORE"));
    expect(text(rep.receive())).toEqual(["BODY", "MORE"]);
    rep.send(msg("REPLY"));
    expect(drain(origin)).toEqual([["X", "Y", "", "REPLY"]]);
    expect(drain(other)).toEqual([]);
  });

  // "SHALL receive and then send exactly one message at a time."
  it("lock-step: send before receive and receive before reply throw EFSM", () => {
    const rep = new Rep();
    const peer = rawPeer(rep);
    expect(() => rep.send(msg("x"))).toThrow(expect.objectContaining({ code: "EFSM" }));
    peer.write(msg("", "1"));
    peer.write(msg("", "2"));
    rep.receive();
    expect(() => rep.receive()).toThrow(expect.objectContaining({ code: "EFSM" }));
    expect(rep.canReceive).toBe(false);
    expect(rep.canSend).toBe(true);
    rep.send(msg("r1"));
    expect(rep.canSend).toBe(false);
    expect(text(rep.receive())).toEqual(["2"]);
  });

  // "SHALL silently discard the reply, or return an error, if the originating peer is no
  //  longer connected."
  it("discards the reply when the originating peer is gone", () => {
    const rep = new Rep();
    const origin = rawPeer(rep);
    const other = rawPeer(rep);
    origin.write(msg("", "q"));
    rep.receive();
    origin.terminate();
    expect(rep.send(msg("lost"))).toBe(true);
    expect(drain(other)).toEqual([]);
    expect(rep.pipeCount).toBe(1);
  });

  // "SHALL not block on sending."
  it("does not block when the origin's queue is full: the reply is dropped", () => {
    const rep = new Rep({ sendHighWaterMark: 1 });
    const origin = rawPeer(rep);
    origin.write(msg("", "1"));
    origin.write(msg("", "2"));
    rep.receive();
    expect(rep.send(msg("r1"))).toBe(true);
    rep.receive();
    expect(rep.send(msg("r2"))).toBe(true); // pipe full: dropped, not blocked
    expect(drain(origin)).toEqual([["", "r1"]]);
  });

  it("drops requests without a delimiter or without a body", () => {
    const rep = new Rep();
    const peer = rawPeer(rep);
    peer.write(msg("no-delimiter"));
    peer.write(msg("id", ""));
    peer.write(msg("", "good"));
    expect(text(rep.receive())).toEqual(["good"]);
    expect(rep.receive.bind(rep)).toThrow(expect.objectContaining({ code: "EFSM" }));
  });

  it("works end to end with REQ", () => {
    const req = new Req();
    const rep = new Rep();
    connect(req, rep);
    for (let i = 0; i < 3; i++) {
      req.send(msg(`ping${i}`));
      expect(text(rep.receive())).toEqual([`ping${i}`]);
      rep.send(msg(`pong${i}`));
      expect(text(req.receive())).toEqual([`pong${i}`]);
    }
  });
});
