// RFC 30 (PIPELINE) and libzmq tests/test_spec_pushpull.cpp.
import { describe, expect, it } from "vitest";
import { Pull, Push } from "../src/index";
import { connect, drain, msg, rawPeer, receiveAll } from "./helpers";

describe("PUSH (RFC 30)", () => {
  // "SHALL route outgoing messages to available peers using a round-robin strategy."
  it("round_robin_out", () => {
    const push = new Push();
    const pulls = [new Pull(), new Pull(), new Pull()];
    for (const pull of pulls) connect(push, pull);
    for (let i = 0; i < 9; i++) push.send(msg(`${i}`));
    expect(pulls.map((p) => receiveAll(p).map((m) => m[0]))).toEqual([
      ["0", "3", "6"],
      ["1", "4", "7"],
      ["2", "5", "8"],
    ]);
  });

  // "SHALL block on sending, or return a suitable error, when it has no available peers."
  it("block_no_peers", () => {
    const push = new Push();
    expect(push.send(msg("x"))).toBe(false);
  });

  // "SHALL consider a peer as available only when it has a outgoing queue that is not full."
  // "SHALL not accept further messages when it has no available peers."
  // "SHALL NOT discard messages that it cannot queue."
  it("multipart_atomic: a message is queued whole or refused whole at the HWM", () => {
    const push = new Push({ sendHighWaterMark: 2 });
    const peer = rawPeer(push);
    expect(push.send(msg("1a", "1b", "1c"))).toBe(true);
    expect(push.send(msg("2a", "2b"))).toBe(true);
    expect(push.send(msg("3a", "3b", "3c"))).toBe(false);
    expect(drain(peer)).toEqual([
      ["1a", "1b", "1c"],
      ["2a", "2b"],
    ]);
    expect(push.send(msg("3a", "3b", "3c"))).toBe(true);
    expect(drain(peer)).toEqual([["3a", "3b", "3c"]]);
  });

  // "SHALL create this queue when a peer connects to it. If this peer disconnects, the
  //  PUSH socket SHALL destroy its queue and SHALL discard any messages it contains."
  it("destroy_queue_on_disconnect", () => {
    const push = new Push();
    const a = rawPeer(push);
    const b = rawPeer(push);
    push.send(msg("to-a"));
    push.send(msg("to-b"));
    a.terminate();
    expect(a.read()).toBeUndefined();
    push.send(msg("next"));
    expect(drain(b)).toEqual([["to-b"], ["next"]]);
  });

  // "MAY be connected to any number of PULL peers, and SHALL only send messages."
  it("cannot receive (ENOTSUP)", () => {
    expect(() => new Push().receive()).toThrow(
      expect.objectContaining({ code: "ENOTSUP", errno: 95 }),
    );
  });

  // "SHALL not filter or modify outgoing messages in any way."
  it("passes messages unchanged", () => {
    const push = new Push();
    const peer = rawPeer(push);
    push.send(msg("", "x", ""));
    expect(drain(peer)).toEqual([["", "x", ""]]);
  });
});

describe("PULL (RFC 30)", () => {
  // "SHALL receive incoming messages from its peers using a fair-queuing strategy."
  it("fair_queue_in", () => {
    const pull = new Pull();
    const pushes = [new Push(), new Push()];
    for (const push of pushes) connect(pull, push);
    for (let i = 0; i < 3; i++) pushes[0]!.send(msg(`a${i}`));
    pushes[1]!.send(msg("b0"));
    expect(receiveAll(pull).map((m) => m[0])).toEqual(["a0", "b0", "a1", "a2"]);
  });

  // "SHALL create this queue when a peer connects to it. If this peer disconnects, the PULL
  //  socket SHALL destroy its queue and SHALL discard any messages it contains."
  it("destroy_queue_on_disconnect", () => {
    const pull = new Pull();
    const a = rawPeer(pull);
    const b = rawPeer(pull);
    a.write(msg("lost"));
    b.write(msg("kept"));
    a.terminate();
    expect(receiveAll(pull)).toEqual([["kept"]]);
  });

  // "MAY be connected to any number of PUSH peers, and SHALL only receive messages."
  it("cannot send (ENOTSUP)", () => {
    expect(() => new Pull().send(msg("x"))).toThrow(expect.objectContaining({ code: "ENOTSUP" }));
  });

  it("RCVHWM limits what a peer may queue", () => {
    const pull = new Pull({ receiveHighWaterMark: 3 });
    const peer = rawPeer(pull);
    let n = 0;
    while (peer.write(msg("x"))) n++;
    expect(n).toBe(3);
  });

  it("conflate keeps only the newest message", () => {
    const pull = new Pull({ conflate: true });
    const push = new Push();
    connect(pull, push);
    for (let i = 0; i < 4; i++) push.send(msg(`${i}`));
    expect(receiveAll(pull)).toEqual([["3"]]);
  });
});
