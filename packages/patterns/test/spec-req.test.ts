// RFC 28 (REQ) and libzmq tests/test_spec_req.cpp.
import { describe, expect, it } from "vitest";
import { createPipePair, Rep, Req } from "../src/index";
import { connect, drain, msg, rawPeer, text } from "./helpers";

describe("REQ (RFC 28)", () => {
  // "SHALL prefix the outgoing message with an empty delimiter frame."
  // "The request and reply messages SHALL have this format on the wire: A delimiter,
  //  consisting of an empty frame, added by the REQ socket. One or more data frames,
  //  comprising the message visible to the application."
  it("message_format: adds the empty delimiter and strips it from the reply", () => {
    const req = new Req();
    const peer = rawPeer(req);
    expect(req.send(msg("ABC", "DEF"))).toBe(true);
    expect(drain(peer)).toEqual([["", "ABC", "DEF"]]);
    peer.write(msg("", "GHI"));
    expect(text(req.receive())).toEqual(["GHI"]);
  });

  // "SHALL route outgoing messages to connected peers using a round-robin strategy."
  it("round_robin_out: requests rotate over the connected REP peers", () => {
    const req = new Req();
    const reps = [new Rep(), new Rep(), new Rep()];
    for (const rep of reps) connect(req, rep);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < reps.length; i++) {
        req.send(msg(`r${round}-${i}`));
        for (let j = 0; j < reps.length; j++) {
          if (j !== i) expect(reps[j]!.receive()).toBeUndefined();
        }
        expect(text(reps[i]!.receive())).toEqual([`r${round}-${i}`]);
        reps[i]!.send(msg("ok"));
        expect(text(req.receive())).toEqual(["ok"]);
      }
    }
  });

  // "SHALL block on sending, or return a suitable error, when it has no connected peers."
  it("block_on_send_no_peers: send returns false (EAGAIN) and canSend is false", () => {
    const req = new Req();
    expect(req.canSend).toBe(false);
    expect(req.send(msg("x"))).toBe(false);
    // Still allowed to try again: no state change happened.
    const peer = rawPeer(req);
    expect(req.send(msg("x"))).toBe(true);
    expect(drain(peer)).toEqual([["", "x"]]);
  });

  // "SHALL accept an incoming message only from the last peer that it sent a request to."
  // "SHALL discard silently any messages received from other peers."
  it("only_listens_to_current_peer: replies from other peers are dropped", () => {
    const req = new Req();
    const peers = [rawPeer(req), rawPeer(req), rawPeer(req)];
    for (let i = 0; i < peers.length; i++) {
      req.send(msg(`req${i}`));
      expect(drain(peers[i]!)).toEqual([["", `req${i}`]]);
      for (let j = 0; j < peers.length; j++) if (j !== i) peers[j]!.write(msg("", `bad${j}`));
      expect(req.receive()).toBeUndefined();
      peers[i]!.write(msg("", `good${i}`));
      expect(text(req.receive())).toEqual([`good${i}`]);
    }
  });

  // "SHALL send and then receive exactly one message at a time."
  it("lock-step: a second send throws EFSM, and so does receive before any send", () => {
    const req = new Req();
    rawPeer(req);
    expect(() => req.receive()).toThrow(
      expect.objectContaining({ code: "EFSM", errno: 156384763 }),
    );
    req.send(msg("one"));
    expect(() => req.send(msg("two"))).toThrow(expect.objectContaining({ code: "EFSM" }));
    expect(req.canSend).toBe(false);
  });

  // "SHALL NOT discard messages that it cannot send to a connected peer."
  it("a request refused at the HWM is not queued anywhere and can be retried", () => {
    const req = new Req({ relaxed: true, sendHighWaterMark: 1 });
    const peer = rawPeer(req);
    expect(req.send(msg("1"))).toBe(true);
    expect(req.send(msg("2"))).toBe(false);
    expect(drain(peer)).toEqual([["", "1"]]);
    expect(req.send(msg("2"))).toBe(true);
    expect(drain(peer)).toEqual([["", "2"]]);
  });

  it("drops malformed replies (no delimiter) and replies from a peer that left", () => {
    const req = new Req();
    const a = rawPeer(req);
    req.send(msg("q"));
    a.write(msg("no-delimiter"));
    a.write(msg(""));
    expect(req.receive()).toBeUndefined();
    a.write(msg("", "fine"));
    expect(text(req.receive())).toEqual(["fine"]);
  });

  it("correlate: prefixes a 4-byte request id and drops replies with another id", () => {
    const req = new Req({ correlate: true, relaxed: true }, { random: () => 0 });
    const peer = rawPeer(req);
    req.send(msg("first"));
    const first = peer.read()!;
    expect(first[0]).toEqual(Uint8Array.of(1, 0, 0, 0)); // random start 0, then +1
    expect(text(first.slice(1))).toEqual(["", "first"]);
    req.send(msg("second"));
    const second = peer.read()!;
    expect(second[0]).toEqual(Uint8Array.of(2, 0, 0, 0));
    // The reply to the first request is stale now; only the matching id is delivered.
    peer.write([first[0]!, new Uint8Array(0), new TextEncoder().encode("old")]);
    expect(req.receive()).toBeUndefined();
    peer.write([second[0]!, new Uint8Array(0), new TextEncoder().encode("new")]);
    expect(text(req.receive())).toEqual(["new"]);
  });

  it("relaxed: a new request may be sent before the reply; the old reply is ignored", () => {
    const req = new Req({ relaxed: true });
    const [a, b] = [rawPeer(req), rawPeer(req)];
    req.send(msg("to-a"));
    req.send(msg("to-b"));
    expect(drain(a)).toEqual([["", "to-a"]]);
    expect(drain(b)).toEqual([["", "to-b"]]);
    a.write(msg("", "late"));
    expect(req.receive()).toBeUndefined();
    b.write(msg("", "reply"));
    expect(text(req.receive())).toEqual(["reply"]);
  });

  it("probeRouter: writes one empty message to each new pipe", () => {
    const req = new Req({ probeRouter: true });
    const peer = rawPeer(req);
    expect(drain(peer)).toEqual([[""]]);
  });

  it("canReceive follows the state machine", () => {
    const req = new Req();
    const peer = rawPeer(req);
    expect(req.canReceive).toBe(false);
    req.send(msg("q"));
    expect(req.canReceive).toBe(false);
    peer.read();
    peer.write(msg("", "a"));
    expect(req.canReceive).toBe(true);
    expect(text(req.receive())).toEqual(["a"]);
    expect(req.canSend).toBe(true);
  });

  it("a reply from a pipe attached after the request was sent is dropped", () => {
    const req = new Req();
    const a = rawPeer(req);
    req.send(msg("q"));
    a.terminate();
    const [socketEnd, b] = createPipePair();
    req.attachPipe(socketEnd);
    b.write(msg("", "impostor"));
    expect(req.receive()).toBeUndefined();
  });
});
