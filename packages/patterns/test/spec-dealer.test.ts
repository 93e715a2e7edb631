// RFC 28 (DEALER) and libzmq tests/test_spec_dealer.cpp.
import { describe, expect, it } from "vitest";
import { Dealer } from "../src/index";
import { counter, drain, msg, rawPeer, receiveAll } from "./helpers";

describe("DEALER (RFC 28)", () => {
  // "SHALL route outgoing messages to available peers using a round-robin strategy."
  it("round_robin_out", () => {
    const dealer = new Dealer();
    const peers = [rawPeer(dealer), rawPeer(dealer), rawPeer(dealer)];
    for (let i = 0; i < 6; i++) dealer.send(msg("", `${i}`));
    expect(peers.map((p) => drain(p).map((m) => m[1]))).toEqual([
      ["0", "3"],
      ["1", "4"],
      ["2", "5"],
    ]);
  });

  // "SHALL receive incoming messages from its peers using a fair-queuing strategy."
  it("fair_queue_in", () => {
    const dealer = new Dealer();
    const peers = [rawPeer(dealer), rawPeer(dealer)];
    peers[0]!.write(msg("a1"));
    peers[0]!.write(msg("a2"));
    peers[0]!.write(msg("a3"));
    peers[1]!.write(msg("b1"));
    expect(receiveAll(dealer)).toEqual([["a1"], ["b1"], ["a2"], ["a3"]]);
  });

  // "SHALL block on sending, or return a suitable error, when it has no available peers."
  // "SHALL not accept further messages when it has no available peers."
  it("block_on_send_no_peers", () => {
    const dealer = new Dealer();
    expect(dealer.send(msg("x"))).toBe(false);
    expect(dealer.canSend).toBe(false);
  });

  // "SHALL consider a peer as available only when it has a outgoing queue that is not full."
  // "SHALL NOT discard messages that it cannot queue."
  it("skips full peers; when all are full it refuses and keeps nothing", () => {
    const dealer = new Dealer({ sendHighWaterMark: 1 });
    const a = rawPeer(dealer);
    const b = rawPeer(dealer, {}, { sendHighWaterMark: 3 });
    const accepted: string[] = [];
    for (let i = 0; i < 6; i++) if (dealer.send(msg(`${i}`))) accepted.push(`${i}`);
    expect(accepted).toEqual(["0", "1", "2", "3"]);
    const delivered = [...drain(a), ...drain(b)].map((m) => m[0]!);
    expect(delivered.sort()).toEqual(accepted);
  });

  it("fires writable when a blocked dealer gets room again", () => {
    const dealer = new Dealer({ sendHighWaterMark: 2 });
    const peer = rawPeer(dealer);
    const events = counter();
    dealer.setHandler(events.handler);
    const initial = events.writable;
    while (dealer.send(msg("x"))) {}
    peer.read();
    expect(events.writable).toBe(initial + 1);
    expect(dealer.send(msg("y"))).toBe(true);
  });

  // "SHALL not filter or modify outgoing or incoming messages in any way."
  it("passes frames through unchanged, including empty ones", () => {
    const dealer = new Dealer();
    const peer = rawPeer(dealer);
    dealer.send(msg("", "a", "", "b"));
    expect(drain(peer)).toEqual([["", "a", "", "b"]]);
    peer.write(msg("x", "", "y"));
    expect(receiveAll(dealer)).toEqual([["x", "", "y"]]);
  });

  // "SHALL create a double queue when a peer connects to it. If this peer disconnects, the
  //  DEALER socket SHALL destroy its double queue and SHALL discard any messages it contains."
  it("destroy_queue_on_disconnect", () => {
    const dealer = new Dealer();
    const a = rawPeer(dealer);
    const b = rawPeer(dealer);
    a.write(msg("from-a"));
    dealer.send(msg("to-a"));
    a.terminate();
    expect(receiveAll(dealer)).toEqual([]);
    dealer.send(msg("next"));
    expect(drain(b)).toEqual([["next"]]);
    expect(dealer.pipeCount).toBe(1);
  });

  it("probeRouter: an empty message on each new pipe", () => {
    const dealer = new Dealer({ probeRouter: true });
    const a = rawPeer(dealer);
    expect(drain(a)).toEqual([[""]]);
  });

  it("conflate: keeps only the newest inbound message", () => {
    const dealer = new Dealer({ conflate: true });
    const peer = rawPeer(dealer);
    for (let i = 0; i < 5; i++) peer.write(msg(`${i}`));
    expect(receiveAll(dealer)).toEqual([["4"]]);
  });
});
