import { describe, expect, it } from "vitest";
import { createPipePair, ManualScheduler } from "../src/index";
import { counter, drain, msg, text } from "./helpers";

describe("pipe: queueing", () => {
  it("carries whole messages in order, both ways", () => {
    const [a, b] = createPipePair();
    expect(a.write(msg("1", "2"))).toBe(true);
    expect(a.write(msg("3"))).toBe(true);
    expect(b.write(msg("back"))).toBe(true);
    expect(drain(b)).toEqual([["1", "2"], ["3"]]);
    expect(drain(a)).toEqual([["back"]]);
    expect(b.read()).toBeUndefined();
  });

  it("checkRead reflects queued messages", () => {
    const [a, b] = createPipePair();
    expect(b.checkRead()).toBe(false);
    a.write(msg("x"));
    expect(b.checkRead()).toBe(true);
    b.read();
    expect(b.checkRead()).toBe(false);
  });
});

describe("pipe: high-water marks", () => {
  it("session rule: the socket end's SNDHWM limits socket→peer; a refused write queues nothing", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 3, receiveHighWaterMark: 5 });
    for (let i = 0; i < 3; i++) expect(a.write(msg(`${i}`))).toBe(true);
    expect(a.write(msg("over", "flow"))).toBe(false);
    expect(a.checkWrite()).toBe(false);
    expect(b.inboundSize).toBe(3);
    expect(a.outboundLimit).toBe(3);
    expect(drain(b)).toEqual([["0"], ["1"], ["2"]]);
  });

  it("session rule: the socket end's RCVHWM limits peer→socket", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 3, receiveHighWaterMark: 2 });
    expect(b.write(msg("1"))).toBe(true);
    expect(b.write(msg("2"))).toBe(true);
    expect(b.write(msg("3"))).toBe(false);
    expect(a.inboundSize).toBe(2);
    expect(a.inboundLimit).toBe(2);
  });

  it("inproc rule: writer SNDHWM + reader RCVHWM", () => {
    const [a, b] = createPipePair({
      sendHighWaterMark: 2,
      receiveHighWaterMark: 1,
      peerSendHighWaterMark: 4,
      peerReceiveHighWaterMark: 3,
    });
    expect(a.outboundLimit).toBe(5);
    expect(b.outboundLimit).toBe(5);
    let n = 0;
    while (a.write(msg("x"))) n++;
    expect(n).toBe(5);
    let m = 0;
    while (b.write(msg("y"))) m++;
    expect(m).toBe(5);
  });

  it("0 on either side means unlimited", () => {
    const [a, b] = createPipePair({
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      peerSendHighWaterMark: 10,
      peerReceiveHighWaterMark: 2,
    });
    for (let i = 0; i < 5000; i++) expect(a.write(msg("x"))).toBe(true);
    expect(b.inboundSize).toBe(5000);
    expect(b.outboundLimit).toBe(0); // peer SNDHWM 10, socket RCVHWM 0 → unlimited
  });

  it("a blocked writer resumes at the low-water mark (half the limit) with one writable event", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 4 });
    const events = counter();
    a.setHandler(events.handler);
    while (a.write(msg("x"))) {}
    expect(b.inboundSize).toBe(4);
    b.read(); // 3 left: above LWM 2
    expect(events.writable).toBe(0);
    expect(a.checkWrite()).toBe(false);
    b.read(); // 2 left: at LWM
    expect(events.writable).toBe(1);
    expect(a.checkWrite()).toBe(true);
    b.read();
    expect(events.writable).toBe(1);
  });

  it("readable fires only on the transition after the reader found the pipe empty", () => {
    const [a, b] = createPipePair();
    const events = counter();
    b.setHandler(events.handler);
    a.write(msg("1"));
    a.write(msg("2"));
    expect(events.readable).toBe(1);
    b.read();
    b.read();
    a.write(msg("3"));
    expect(events.readable).toBe(1); // reader has not seen the pipe empty yet
    b.read();
    expect(b.read()).toBeUndefined();
    a.write(msg("4"));
    expect(events.readable).toBe(2);
  });

  it("an unlimited direction is backlogged from 1000 messages; writable fires once the reader is at 500", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 0, receiveHighWaterMark: 0 });
    const events = counter();
    a.setHandler(events.handler);
    for (let i = 0; i < 999; i++) a.write(msg(`${i}`));
    expect(a.backlogged()).toBe(false);
    a.write(msg("999"));
    expect(a.backlogged()).toBe(true);
    // Still accepted: backlogged is advice to a writer that can hold back, not a limit.
    expect(a.write(msg("1000"))).toBe(true);
    for (let i = 0; i < 500; i++) b.read(); // 501 left
    expect(events.writable).toBe(0);
    b.read(); // 500 left
    expect(events.writable).toBe(1);
    expect(a.backlogged()).toBe(false);
    b.read();
    expect(events.writable).toBe(1);
    expect(drain(b)[0]).toEqual(["502"]);
  });

  it("backlogged is false for a limited direction, and a new limit releases a held-back writer", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 2000 });
    for (let i = 0; i < 1500; i++) a.write(msg("x"));
    expect(a.backlogged()).toBe(false);
    const [c, d] = createPipePair({ sendHighWaterMark: 0, receiveHighWaterMark: 0 });
    const events = counter();
    c.setHandler(events.handler);
    for (let i = 0; i < 1000; i++) c.write(msg("x"));
    expect(c.backlogged()).toBe(true);
    c.setHighWaterMarks(3000, 0);
    expect(events.writable).toBe(1);
    expect(b.inboundSize + d.inboundSize).toBe(2500);
  });

  it("raising the HWM at runtime releases a blocked writer", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 2 });
    const events = counter();
    a.setHandler(events.handler);
    while (a.write(msg("x"))) {}
    expect(b.inboundSize).toBe(2);
    a.setHighWaterMarks(5, 1000);
    expect(events.writable).toBe(1);
    let more = 0;
    while (a.write(msg("y"))) more++;
    expect(more).toBe(3);
    expect(b.inboundSize).toBe(5);
  });

  it("lowering the HWM below the queue keeps queued messages and refuses new ones", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 10 });
    for (let i = 0; i < 6; i++) a.write(msg(`${i}`));
    a.setHighWaterMarks(2, 1000);
    expect(a.write(msg("no"))).toBe(false);
    expect(b.inboundSize).toBe(6);
    expect(drain(b).length).toBe(6);
    expect(a.write(msg("yes"))).toBe(true);
  });

  it("the peer end can change its own contribution (inproc)", () => {
    const [a, b] = createPipePair({
      sendHighWaterMark: 1,
      receiveHighWaterMark: 1,
      peerSendHighWaterMark: 1,
      peerReceiveHighWaterMark: 1,
    });
    expect(a.outboundLimit).toBe(2);
    b.setHighWaterMarks(1, 7);
    expect(a.outboundLimit).toBe(8);
    b.setHighWaterMarks(1, 0);
    expect(a.outboundLimit).toBe(0);
  });

  it("conflate keeps only the newest message and never blocks", () => {
    const [a, b] = createPipePair({ conflate: true, sendHighWaterMark: 1 });
    for (let i = 0; i < 10; i++) expect(a.write(msg(`${i}`))).toBe(true);
    expect(drain(b)).toEqual([["9"]]);
  });
});

describe("pipe: termination", () => {
  it("without linger drops both queues and notifies both ends once", () => {
    const [a, b] = createPipePair();
    const ea = counter();
    const eb = counter();
    a.setHandler(ea.handler);
    b.setHandler(eb.handler);
    a.write(msg("out"));
    b.write(msg("in"));
    a.terminate();
    expect(a.state).toBe("terminated");
    expect(b.state).toBe("terminated");
    expect(ea.terminated).toBe(1);
    expect(eb.terminated).toBe(1);
    expect(b.read()).toBeUndefined();
    expect(a.read()).toBeUndefined();
    expect(b.write(msg("late"))).toBe(false);
    a.terminate();
    b.terminate();
    expect(ea.terminated + eb.terminated).toBe(2);
  });

  it("with linger the peer still reads queued output; termination completes when drained", () => {
    const scheduler = new ManualScheduler();
    const [a, b] = createPipePair({ scheduler });
    const eb = counter();
    b.setHandler(eb.handler);
    a.write(msg("1"));
    a.write(msg("2", "3"));
    b.write(msg("dropped"));
    a.terminate(1000);
    expect(a.state).toBe("terminating");
    expect(a.read()).toBeUndefined(); // its inbound was dropped
    expect(b.write(msg("refused"))).toBe(false);
    expect(text(b.read())).toEqual(["1"]);
    expect(eb.terminated).toBe(0);
    expect(text(b.read())).toEqual(["2", "3"]);
    expect(eb.terminated).toBe(1);
    expect(b.state).toBe("terminated");
    expect(scheduler.pending).toBe(0);
  });

  it("the linger timer drops what is left", () => {
    const scheduler = new ManualScheduler();
    const [a, b] = createPipePair({ scheduler });
    const ea = counter();
    a.setHandler(ea.handler);
    a.write(msg("1"));
    a.write(msg("2"));
    a.terminate(50);
    expect(text(b.read())).toEqual(["1"]);
    scheduler.advance(49);
    expect(a.state).toBe("terminating");
    scheduler.advance(1);
    expect(a.state).toBe("terminated");
    expect(ea.terminated).toBe(1);
    expect(b.read()).toBeUndefined();
  });

  it("negative linger waits for the reader however long it takes", () => {
    const scheduler = new ManualScheduler();
    const [a, b] = createPipePair({ scheduler });
    a.write(msg("1"));
    a.terminate(-1);
    scheduler.advance(1e9);
    expect(a.state).toBe("terminating");
    expect(text(b.read())).toEqual(["1"]);
    expect(a.state).toBe("terminated");
  });

  it("linger with nothing queued terminates at once", () => {
    const scheduler = new ManualScheduler();
    const [a] = createPipePair({ scheduler });
    a.terminate(1000);
    expect(a.state).toBe("terminated");
    expect(scheduler.pending).toBe(0);
  });

  it("the peer terminating while we linger finishes it", () => {
    const scheduler = new ManualScheduler();
    const [a, b] = createPipePair({ scheduler });
    const ea = counter();
    a.setHandler(ea.handler);
    a.write(msg("1"));
    a.terminate(-1);
    b.terminate();
    expect(a.state).toBe("terminated");
    expect(ea.terminated).toBe(1);
  });

  it("a message refused at the HWM leaves no partial multipart behind", () => {
    const [a, b] = createPipePair({ sendHighWaterMark: 1 });
    a.write(msg("a1", "a2"));
    expect(a.write(msg("b1", "b2", "b3"))).toBe(false);
    a.terminate(-1);
    expect(drain(b)).toEqual([["a1", "a2"]]);
  });

  it("shares routingId and properties between both ends", () => {
    const [a, b] = createPipePair();
    b.routingId = Uint8Array.of(7);
    b.properties = { "Peer-Address": "127.0.0.1" };
    expect(a.routingId).toEqual(Uint8Array.of(7));
    expect(a.properties["Peer-Address"]).toBe("127.0.0.1");
    expect(a.peer).toBe(b);
  });
});
