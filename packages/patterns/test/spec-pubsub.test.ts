// RFC 29 (PUBSUB) and libzmq tests test_xpub_verbose, test_xpub_manual, test_xpub_nodrop,
// test_xpub_welcome_msg, test_pub_invert_matching, test_sub_forward.
import { describe, expect, it } from "vitest";
import { type Message, type Pipe, Pub, Sub, XPub, XSub } from "../src/index";
import { connect, counter, drain, enc, msg, rawPeer, receiveAll } from "./helpers";

const sub = (topic: string): Message => [Uint8Array.of(1, ...enc(topic))];
const cancel = (topic: string): Message => [Uint8Array.of(0, ...enc(topic))];
/** XPUB notifications as readable strings: "+topic" / "-topic". */
const notes = (messages: string[][]): string[] =>
  messages.map(
    ([f]) => (f!.charCodeAt(0) === 1 ? "+" : f!.charCodeAt(0) === 0 ? "-" : "?") + f!.slice(1),
  );

describe("PUB (RFC 29)", () => {
  // "MAY, depending on the transport, send messages only to subscribers who have a matching
  //  subscription."
  // "SHALL perform a binary comparison of the subscription against the start of the first
  //  frame of the message."
  it("sends to matching subscribers only, by prefix of the first frame", () => {
    const pub = new Pub();
    const a = rawPeer(pub);
    const b = rawPeer(pub);
    a.write(sub("news"));
    b.write(sub(""));
    pub.send(msg("news.uk", "body"));
    pub.send(msg("sport", "news"));
    pub.send(msg("new"));
    expect(drain(a)).toEqual([["news.uk", "body"]]);
    expect(drain(b)).toEqual([["news.uk", "body"], ["sport", "news"], ["new"]]);
  });

  // "SHALL silently drop the message if the queue for a subscriber is full."
  // "SHALL NOT block on sending."
  it("drops for a full subscriber only, never blocks", () => {
    const pub = new Pub({ sendHighWaterMark: 2 });
    const slow = rawPeer(pub);
    const fast = rawPeer(pub);
    slow.write(sub(""));
    fast.write(sub(""));
    for (let i = 0; i < 5; i++) {
      expect(pub.send(msg(`${i}`))).toBe(true);
      drain(fast);
    }
    expect(drain(slow)).toEqual([["0"], ["1"]]);
    expect(pub.canSend).toBe(true);
  });

  // "SHALL silently discard any messages that subscribers send it."
  // "SHALL NOT deliver these commands to its calling application."
  it("never delivers anything to the application", () => {
    const pub = new Pub();
    const a = rawPeer(pub);
    a.write(sub("x"));
    a.write(msg("upstream"));
    expect(() => pub.receive()).toThrow(expect.objectContaining({ code: "ENOTSUP" }));
    expect(pub.canReceive).toBe(false);
    pub.send(msg("x1"));
    expect(drain(a)).toEqual([["x1"]]);
  });

  // "SHALL create a queue when a subscriber connects to it. If this subscriber disconnects,
  //  the PUB socket SHALL destroy its queue and SHALL discard any messages it contains."
  it("destroys a departed subscriber's queue and subscriptions", () => {
    const pub = new Pub();
    const a = rawPeer(pub);
    a.write(sub(""));
    pub.send(msg("queued"));
    a.terminate();
    expect(a.read()).toBeUndefined();
    expect(pub.pipeCount).toBe(0);
    expect(pub.send(msg("after"))).toBe(true);
  });

  it("invertMatching sends to subscribers that do not match", () => {
    const pub = new Pub({ invertMatching: true });
    const a = rawPeer(pub);
    const b = rawPeer(pub);
    a.write(sub("a"));
    b.write(sub("b"));
    pub.send(msg("a1"));
    expect(drain(a)).toEqual([]);
    expect(drain(b)).toEqual([["a1"]]);
  });

  it("xpubNoDrop on PUB: send returns false at the HWM", () => {
    const pub = new Pub({ xpubNoDrop: true, sendHighWaterMark: 1 });
    const a = rawPeer(pub);
    a.write(sub(""));
    expect(pub.send(msg("1"))).toBe(true);
    expect(pub.send(msg("2"))).toBe(false);
    expect(drain(a)).toEqual([["1"]]);
  });
});

describe("XPUB (RFC 29)", () => {
  // "SHALL receive subscribe and unsubscribe requests from subscribers depending on the
  //  transport protocol used."
  // "SHALL deliver these commands to its calling application."
  it("delivers new subscriptions and last unsubscriptions as \\x01topic / \\x00topic", () => {
    const xpub = new XPub();
    const a = rawPeer(xpub);
    a.write(sub("A"));
    a.write(cancel("A"));
    expect(notes(receiveAll(xpub))).toEqual(["+A", "-A"]);
  });

  // "MAY, depending on configuration, normalize commands delivered to its calling
  //  application so that multiple identical subscriptions result in a single command only."
  it("normalizes by default; xpubVerbose passes duplicate subscribes; xpubVerboser also unsubscribes", () => {
    const run = (options: { xpubVerbose?: boolean; xpubVerboser?: boolean }): string[] => {
      const xpub = new XPub(options);
      const a = rawPeer(xpub);
      const b = rawPeer(xpub);
      a.write(sub("A"));
      b.write(sub("A"));
      b.write(cancel("A"));
      a.write(cancel("A"));
      return notes(receiveAll(xpub));
    };
    expect(run({})).toEqual(["+A", "-A"]);
    expect(run({ xpubVerbose: true })).toEqual(["+A", "+A", "-A"]);
    expect(run({ xpubVerboser: true })).toEqual(["+A", "+A", "-A", "-A"]);
  });

  // "SHALL, if the subscriber peer disconnects prematurely, generate a suitable unsubscribe
  //  request for the calling application."
  it("generates unsubscriptions when a subscriber disconnects", () => {
    const xpub = new XPub();
    const a = rawPeer(xpub);
    const b = rawPeer(xpub);
    a.write(sub("A"));
    a.write(sub("B"));
    b.write(sub("B"));
    receiveAll(xpub);
    a.terminate();
    expect(notes(receiveAll(xpub))).toEqual(["-A"]); // B still has a subscriber
    b.terminate();
    expect(notes(receiveAll(xpub))).toEqual(["-B"]);
  });

  // "SHALL receive incoming messages from its subscribers using a fair-queuing strategy."
  // "SHALL deliver these messages to its calling application."
  it("passes non-subscription messages from subscribers up unchanged", () => {
    const xpub = new XPub();
    const a = rawPeer(xpub);
    a.write(msg("hello", "world"));
    a.write([Uint8Array.of(1, 65), enc("multi")]); // multipart: not a subscription
    expect(receiveAll(xpub)).toEqual([
      ["hello", "world"],
      ["\u0001A", "multi"],
    ]);
    xpub.send(msg("A"));
    expect(drain(a)).toEqual([]);
  });

  it("xpubManual: subscriptions are delivered but applied only by subscribe()", () => {
    const xpub = new XPub({ xpubManual: true });
    const a = rawPeer(xpub);
    const b = rawPeer(xpub);
    expect(() => new XPub().subscribe("x")).toThrow(expect.objectContaining({ code: "EINVAL" }));
    a.write(sub("A"));
    b.write(sub("A"));
    expect(notes(receiveAll(xpub).slice(0, 1))).toEqual(["+A"]); // from a; then b's
    xpub.send(msg("A1"));
    expect(drain(a)).toEqual([]);
    expect(drain(b)).toEqual([]);
    // The last received subscription came from b: subscribe() applies to b only.
    xpub.subscribe("A");
    xpub.send(msg("A2"));
    expect(drain(a)).toEqual([]);
    expect(drain(b)).toEqual([["A2"]]);
    xpub.unsubscribe("A");
    xpub.send(msg("A3"));
    expect(drain(b)).toEqual([]);
  });

  it("xpubManual: a departing subscriber produces its unsubscriptions", () => {
    const xpub = new XPub({ xpubManual: true });
    const a = rawPeer(xpub);
    a.write(sub("A"));
    receiveAll(xpub);
    a.terminate();
    expect(notes(receiveAll(xpub))).toEqual(["-A"]);
  });

  it("xpubWelcomeMessage: written to each new subscriber", () => {
    const xpub = new XPub({ xpubWelcomeMessage: enc("WELCOME") });
    const a = rawPeer(xpub);
    expect(drain(a)).toEqual([["WELCOME"]]);
    const s = new Sub();
    s.subscribe("WELCOME");
    connect(s, xpub);
    expect(receiveAll(s)).toEqual([["WELCOME"]]);
  });

  it("xpubNoDrop: false at the HWM, canSend false, writable when drained", () => {
    const xpub = new XPub({ xpubNoDrop: true, sendHighWaterMark: 2 });
    const a = rawPeer(xpub);
    a.write(sub(""));
    const events = counter();
    xpub.setHandler(events.handler);
    const before = events.writable;
    expect(xpub.send(msg("1"))).toBe(true);
    expect(xpub.send(msg("2"))).toBe(true);
    expect(xpub.send(msg("3"))).toBe(false);
    expect(xpub.canSend).toBe(false);
    drain(a);
    expect(events.writable).toBe(before + 1);
    expect(xpub.send(msg("3"))).toBe(true);
    expect(drain(a)).toEqual([["3"]]);
  });
});

describe("SUB (RFC 29)", () => {
  // "MAY send subscribe and unsubscribe requests to publishers depending on the transport
  //  protocol used."
  it("sends \\x01topic / \\x00topic to every publisher", () => {
    const s = new Sub();
    const a = rawPeer(s);
    const b = rawPeer(s);
    s.subscribe("A");
    s.unsubscribe("A");
    expect(drain(a)).toEqual([["\u0001A"], ["\u0000A"]]);
    expect(drain(b)).toEqual([["\u0001A"], ["\u0000A"]]);
  });

  it("re-sends every subscription to each newly attached pipe (resubscribe on reconnect)", () => {
    const s = new Sub();
    s.subscribe("B");
    s.subscribe("A");
    s.subscribe("A");
    const first = rawPeer(s);
    expect(drain(first)).toEqual([["\u0001A"], ["\u0001B"]]);
    first.terminate();
    const again = rawPeer(s);
    expect(drain(again)).toEqual([["\u0001A"], ["\u0001B"]]);
  });

  // "MAY, depending on the transport, filter messages according to subscriptions, using a
  //  prefix match algorithm."
  it("filters by prefix of the first frame", () => {
    const s = new Sub();
    const p = rawPeer(s);
    s.subscribe("news");
    p.write(msg("news.uk", "x"));
    p.write(msg("sport", "news"));
    p.write(msg("new"));
    expect(receiveAll(s)).toEqual([["news.uk", "x"]]);
  });

  it("counted subscriptions: two subscribes need two unsubscribes; CANCEL goes out on the last", () => {
    const s = new Sub();
    const p = rawPeer(s);
    s.subscribe("A");
    s.subscribe("A");
    s.unsubscribe("A");
    p.write(msg("A1"));
    expect(receiveAll(s)).toEqual([["A1"]]);
    s.unsubscribe("A");
    p.write(msg("A2"));
    expect(receiveAll(s)).toEqual([]);
    expect(drain(p)).toEqual([["\u0001A"], ["\u0001A"], ["\u0000A"]]);
    s.unsubscribe("never");
    expect(drain(p)).toEqual([]);
  });

  // "SHALL receive incoming messages from its publishers using a fair-queuing strategy."
  // "SHALL not modify incoming messages in any way."
  it("fair-queues between publishers", () => {
    const s = new Sub();
    s.subscribe("");
    const a = rawPeer(s);
    const b = rawPeer(s);
    a.write(msg("a1"));
    a.write(msg("a2"));
    b.write(msg("b1", "", "x"));
    expect(receiveAll(s)).toEqual([["a1"], ["b1", "", "x"], ["a2"]]);
  });

  // "SHALL silently discard messages if the queue for a publisher is full."
  it("its RCVHWM bounds each publisher's queue", () => {
    const s = new Sub({ receiveHighWaterMark: 2 });
    const p = rawPeer(s);
    expect(p.write(msg("1"))).toBe(true);
    expect(p.write(msg("2"))).toBe(true);
    expect(p.write(msg("3"))).toBe(false);
  });

  it("invertMatching keeps the messages that do not match", () => {
    const s = new Sub({ invertMatching: true });
    s.subscribe("A");
    const p = rawPeer(s);
    p.write(msg("A1"));
    p.write(msg("B1"));
    expect(receiveAll(s)).toEqual([["B1"]]);
  });

  // "MAY be connected to any number of PUB or XPUB publishers, and SHALL only receive messages."
  it("cannot send (ENOTSUP), but can subscribe", () => {
    const s = new Sub();
    expect(() => s.send(msg("x"))).toThrow(expect.objectContaining({ code: "ENOTSUP" }));
    expect(s.options.linger).toBe(0);
  });

  it("end to end with PUB over a pipe pair", () => {
    const pub = new Pub();
    const s = new Sub();
    connect(s, pub);
    s.subscribe("t");
    pub.send(msg("t1"));
    pub.send(msg("u1"));
    expect(receiveAll(s)).toEqual([["t1"]]);
  });
});

describe("XSUB (RFC 29)", () => {
  // "SHALL send all messages to all connected publishers."
  // "SHALL accept subscription commands from its calling application."
  it("sends subscriptions and other messages to all publishers", () => {
    const xsub = new XSub();
    const a = rawPeer(xsub);
    const b = rawPeer(xsub);
    xsub.send(sub("A"));
    xsub.send(msg("upstream"));
    expect(drain(a)).toEqual([["\u0001A"], ["upstream"]]);
    expect(drain(b)).toEqual([["\u0001A"], ["upstream"]]);
  });

  // "SHALL silently drop the message if the outgoing queue for a publisher is full."
  // "SHALL NOT block on sending."
  it("drops for a full publisher without blocking", () => {
    const xsub = new XSub({ sendHighWaterMark: 1 });
    const a = rawPeer(xsub);
    expect(xsub.send(msg("1"))).toBe(true);
    expect(xsub.send(msg("2"))).toBe(true);
    expect(drain(a)).toEqual([["1"]]);
  });

  // "SHALL not modify incoming messages in any way."
  it("does not filter what it receives", () => {
    const xsub = new XSub();
    const a = rawPeer(xsub);
    a.write(msg("anything"));
    expect(receiveAll(xsub)).toEqual([["anything"]]);
  });

  it("forwards a broker's subscriptions end to end (SUB → XPUB | XSUB → PUB)", () => {
    const pub = new Pub();
    const xsub = new XSub();
    const xpub = new XPub();
    const s = new Sub();
    connect(xsub, pub);
    connect(s, xpub);
    s.subscribe("k");
    for (const note of receiveAll(xpub)) xsub.send(note.map((f) => enc(f)));
    pub.send(msg("k1"));
    pub.send(msg("z1"));
    for (const m of receiveAll(xsub)) xpub.send(m.map((f) => enc(f)));
    expect(receiveAll(s)).toEqual([["k1"]]);
  });

  it("re-sends subscriptions, once per distinct topic, to a new publisher", () => {
    const xsub = new XSub();
    xsub.subscribe("A");
    xsub.send(sub("A"));
    const p: Pipe = rawPeer(xsub);
    expect(drain(p)).toEqual([["\u0001A"]]);
    expect(xsub.topicCount).toBe(1);
  });
});
