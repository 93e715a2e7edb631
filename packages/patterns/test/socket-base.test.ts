import { describe, expect, it } from "vitest";
import {
  createPipePair,
  createSocket,
  Dealer,
  isPatternError,
  ManualScheduler,
  Pair,
  PatternError,
  Pull,
  Push,
  Rep,
  Req,
  Router,
  type SocketType,
  Sub,
  XPub,
} from "../src/index";
import { connect, counter, drain, enc, msg, rawPeer, receiveAll, text } from "./helpers";

const TYPES: SocketType[] = [
  "PAIR",
  "PUB",
  "SUB",
  "REQ",
  "REP",
  "DEALER",
  "ROUTER",
  "PULL",
  "PUSH",
  "XPUB",
  "XSUB",
  "STREAM",
];

describe("createSocket", () => {
  it("builds every standard type", () => {
    for (const type of TYPES) expect(createSocket(type).type).toBe(type);
    expect(() => createSocket("NOPE" as SocketType)).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
  });

  it("applies and validates options", () => {
    expect(createSocket("ROUTER", { routerMandatory: true }).options.routerMandatory).toBe(true);
    expect(() => createSocket("DEALER", { routerMandatory: true })).toThrow(
      expect.objectContaining({ code: "EINVAL", errno: 22 }),
    );
  });
});

describe("options", () => {
  it("has libzmq defaults", () => {
    const d = new Dealer();
    expect(d.options.sendHighWaterMark).toBe(1000);
    expect(d.options.receiveHighWaterMark).toBe(1000);
    expect(d.options.linger).toBe(-1);
    expect(new Sub().options.linger).toBe(0);
    expect(createSocket("STREAM").options.streamNotify).toBe(true);
  });

  it("rejects bad values with EINVAL", () => {
    const d = new Dealer();
    const bad: [string, unknown][] = [
      ["sendHighWaterMark", -1],
      ["sendHighWaterMark", 1.5],
      ["receiveHighWaterMark", "10"],
      ["linger", -2],
      ["routingId", new Uint8Array(0)],
      ["routingId", new Uint8Array(256)],
      ["routingId", "abc"],
      ["conflate", 1],
      ["noSuchOption", true],
      ["toString", true],
      ["correlate", true],
    ];
    for (const [name, value] of bad) {
      expect(() => d.setOption(name as "linger", value as number), name).toThrow(
        expect.objectContaining({ code: "EINVAL" }),
      );
    }
    expect(d.options.sendHighWaterMark).toBe(1000);
    // libzmq's setsockopt takes any 1-255 bytes, a leading zero byte too (a ROUTER resolves
    // a clash with one of its own generated ids as with any other).
    d.setOption("routingId", Uint8Array.of(0, 1));
    expect(d.options.routingId).toEqual(Uint8Array.of(0, 1));
  });

  it("xpubVerbose and xpubVerboser interact as in libzmq", () => {
    const x = new XPub();
    x.setOption("xpubVerboser", true);
    expect([x.getOption("xpubVerbose"), x.getOption("xpubVerboser")]).toEqual([true, true]);
    x.setOption("xpubVerbose", true);
    expect([x.getOption("xpubVerbose"), x.getOption("xpubVerboser")]).toEqual([true, false]);
  });

  it("HWM changes apply to attached pipes", () => {
    const push = new Push({ sendHighWaterMark: 2 });
    const peer = rawPeer(push);
    push.setOption("sendHighWaterMark", 4);
    let n = 0;
    while (push.send(msg("x"))) n++;
    expect(n).toBe(4);
    expect(peer.inboundSize).toBe(4);
    push.setOption("receiveHighWaterMark", 7);
    expect(peer.outboundLimit).toBe(7);
  });
});

describe("errors", () => {
  it("carry code and errno", () => {
    const e = new PatternError("ETERM", "closed");
    expect([e.code, e.errno, e.name]).toEqual(["ETERM", 156384765, "PatternError"]);
    expect(isPatternError(e)).toBe(true);
    expect(isPatternError(new Error("x"))).toBe(false);
  });

  it("empty messages are EINVAL; closed sockets throw ETERM", () => {
    const d = new Dealer();
    expect(() => d.send([])).toThrow(expect.objectContaining({ code: "EINVAL" }));
    d.close();
    expect(d.closed).toBe(true);
    expect(() => d.send(msg("x"))).toThrow(expect.objectContaining({ code: "ETERM" }));
    expect(() => d.receive()).toThrow(expect.objectContaining({ code: "ETERM" }));
    expect(d.canSend).toBe(false);
  });

  it("subscribe on a non-subscriber type is EINVAL", () => {
    expect(() => new Dealer().subscribe("x")).toThrow(expect.objectContaining({ code: "EINVAL" }));
  });
});

describe("readiness events", () => {
  it("readable fires once, and again only after the application called receive()", () => {
    const pull = new Pull();
    const peer = rawPeer(pull);
    const other = rawPeer(pull);
    const idle = rawPeer(pull);
    const events = counter();
    pull.setHandler(events.handler);
    expect(events.readable).toBe(0);
    peer.write(msg("1"));
    peer.write(msg("2"));
    other.write(msg("3"));
    expect(events.readable).toBe(1); // no receive() in between: no second event
    expect(text(pull.receive())).toEqual(["1"]);
    idle.write(msg("4"));
    expect(events.readable).toBe(2);
    receiveAll(pull);
    peer.write(msg("5"));
    expect(events.readable).toBe(3);
  });

  it("setHandler fires at once when the socket is already readable", () => {
    const pull = new Pull();
    rawPeer(pull).write(msg("x"));
    const events = counter();
    pull.setHandler(events.handler);
    expect(events.readable).toBe(1);
  });

  it("does not fire readable for messages a SUB filters out", () => {
    const s = new Sub();
    const p = rawPeer(s);
    s.subscribe("A");
    const events = counter();
    s.setHandler(events.handler);
    p.write(msg("B"));
    expect(events.readable).toBe(0);
    p.write(msg("A"));
    expect(events.readable).toBe(1);
  });

  it("handlers may re-enter: a REQ/REP exchange driven entirely by events", () => {
    const req = new Req();
    const rep = new Rep();
    connect(req, rep);
    const replies: string[] = [];
    rep.setHandler({
      readable: () => {
        for (
          let m = rep.receive();
          m !== undefined;
          m = rep.canReceive ? rep.receive() : undefined
        ) {
          rep.send([enc(`re:${new TextDecoder().decode(m[0]!)}`)]);
        }
      },
    });
    req.setHandler({
      readable: () => {
        const m = req.receive();
        if (m === undefined) return;
        replies.push(new TextDecoder().decode(m[0]!));
        if (replies.length < 3) req.send([enc(`q${replies.length}`)]);
      },
    });
    req.send([enc("q0")]);
    expect(replies).toEqual(["re:q0", "re:q1", "re:q2"]);
  });
});

describe("close and linger", () => {
  it("lingers: the peer can still read queued output until the timer", () => {
    const scheduler = new ManualScheduler();
    const push = new Push({ linger: 100 }, { scheduler });
    const peer = rawPeer(push);
    push.send(msg("1"));
    push.send(msg("2"));
    push.close();
    expect(text(peer.read())).toEqual(["1"]);
    scheduler.advance(100);
    expect(peer.read()).toBeUndefined();
    expect(peer.state).toBe("terminated");
  });

  it("linger 0 drops queued output at once", () => {
    const push = new Push({ linger: 0 });
    const peer = rawPeer(push);
    push.send(msg("1"));
    push.close();
    expect(drain(peer)).toEqual([]);
    expect(push.pipeCount).toBe(0);
  });

  it("a pipe attached to a closed socket is terminated", () => {
    const pair = new Pair();
    pair.close();
    const [end] = createPipePair();
    pair.attachPipe(end);
    expect(end.state).toBe("terminated");
  });

  it("ROUTER delivers nothing from pipes it closed", () => {
    const router = new Router({ linger: 0 });
    const peer = rawPeer(router, { routingId: enc("A") });
    peer.write(msg("x"));
    router.close();
    expect(peer.state).toBe("terminated");
  });
});
