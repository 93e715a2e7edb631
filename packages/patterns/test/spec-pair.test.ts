// RFC 31 (EXPAIR).
import { describe, expect, it } from "vitest";
import { Pair } from "../src/index";
import { connect, drain, msg, rawPeer, receiveAll } from "./helpers";

describe("PAIR (RFC 31)", () => {
  // "MAY be connected to at most one PAIR peers, and MAY both send and receive messages."
  it("accepts one peer; a second pipe is terminated", () => {
    const pair = new Pair();
    const first = rawPeer(pair);
    const second = rawPeer(pair);
    expect(second.state).toBe("terminated");
    expect(pair.pipeCount).toBe(1);
    pair.send(msg("x"));
    expect(drain(first)).toEqual([["x"]]);
  });

  // "SHALL block on sending, or return a suitable error, when it has no available peer."
  it("blocks without a peer", () => {
    const pair = new Pair();
    expect(pair.canSend).toBe(false);
    expect(pair.send(msg("x"))).toBe(false);
  });

  // "SHALL consider its peer as available only when it has a outgoing queue that is not full."
  // "SHALL not accept further messages when it has no available peer."
  // "SHALL NOT discard messages that it cannot queue."
  it("refuses at the HWM and keeps everything it accepted", () => {
    const a = new Pair({ sendHighWaterMark: 1 });
    const b = new Pair({ receiveHighWaterMark: 1 });
    connect(a, b);
    expect(a.send(msg("1"))).toBe(true);
    expect(a.send(msg("2"))).toBe(true);
    expect(a.send(msg("3"))).toBe(false);
    expect(receiveAll(b)).toEqual([["1"], ["2"]]);
    expect(a.send(msg("3"))).toBe(true);
  });

  // "SHALL receive incoming messages from its single peer if it has one."
  // "SHALL deliver these to its calling application."
  // "SHALL not filter or modify outgoing or incoming messages in any way."
  it("both directions, unchanged", () => {
    const a = new Pair();
    const b = new Pair();
    connect(a, b);
    a.send(msg("ping", ""));
    b.send(msg("", "pong"));
    expect(receiveAll(b)).toEqual([["ping", ""]]);
    expect(receiveAll(a)).toEqual([["", "pong"]]);
  });

  // "SHALL create a double queue when a peer connects to it. If this peer disconnects, the
  //  PAIR socket SHALL destroy its double queue and SHALL discard any messages it contains."
  it("destroys the queue on disconnect and accepts a new peer", () => {
    const pair = new Pair();
    const first = rawPeer(pair);
    first.write(msg("lost"));
    first.terminate();
    expect(pair.receive()).toBeUndefined();
    const second = rawPeer(pair);
    second.write(msg("new"));
    expect(receiveAll(pair)).toEqual([["new"]]);
  });
});
