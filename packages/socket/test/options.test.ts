import { describe, expect, it } from "vitest";
import {
  Context,
  coreOf,
  Dealer,
  ManualRuntime,
  OPTIONS,
  Publisher,
  Pull,
  Push,
  Radio,
  Router,
  Subscriber,
} from "../src/index";

const runtime = new ManualRuntime();
const context = new Context({ maxMessageSize: 4096 }, { runtime, transports: [] });

describe("the options table", () => {
  it("declares every option once with its libzmq name and number", () => {
    const ids = new Set<number>();
    for (const [name, spec] of Object.entries(OPTIONS)) {
      expect(spec.zmq, name).toMatch(/^ZMQ_[A-Z0-9_]+$/);
      expect(ids.has(spec.id), `${name}: id ${spec.id} twice`).toBe(false);
      ids.add(spec.id);
      expect(spec.doc.length, name).toBeGreaterThan(10);
    }
  });

  it("gives each socket the accessors its type has, with the table's defaults", () => {
    const push = new Push({ context });
    const pull = new Pull({ context });
    const router = new Router({ context });
    const sub = new Subscriber({ context });
    expect(push.sendHighWaterMark).toBe(1000);
    expect("receiveHighWaterMark" in push).toBe(false);
    expect(pull.receiveTimeout).toBe(-1);
    expect("sendTimeout" in pull).toBe(false);
    expect(router.mandatory).toBe(false);
    expect("mandatory" in push).toBe(false);
    expect(push.linger).toBe(-1);
    expect(sub.linger).toBe(0); // SUB's own default (libzmq)
    expect(push.maxMessageSize).toBe(4096); // from the context
    expect(push.reconnectInterval).toBe(100);
    for (const s of [push, pull, router, sub]) s.close();
  });

  it("validates values: TypeError for a wrong kind, EINVAL below the minimum; numbers truncate and 32-bit ones wrap (zeromq.js)", () => {
    const dealer = new Dealer({ context });
    expect(() => {
      dealer.reconnectInterval = "5" as unknown as number;
    }).toThrow(new TypeError("Option value must be a number"));
    dealer.reconnectInterval = 1.5;
    expect(dealer.reconnectInterval).toBe(1);
    dealer.sendTimeout = 2 ** 33;
    expect(dealer.sendTimeout).toBe(0);
    dealer.maxMessageSize = 2 ** 40;
    expect(dealer.maxMessageSize).toBe(2 ** 40);
    // ZMQ_AFFINITY is a uint64: a negative number is 0, a too large one 2^64-1 (2 ** 64 as a number)
    dealer.affinity = -2;
    expect(dealer.affinity).toBe(0);
    dealer.affinity = 3.7;
    expect(dealer.affinity).toBe(3);
    dealer.affinity = 2 ** 70;
    expect(dealer.affinity).toBe(2 ** 64);
    expect(() => {
      dealer.reconnectInterval = -2;
    }).toThrow(expect.objectContaining({ code: "EINVAL" }));
    expect(() => {
      dealer.immediate = 1 as unknown as boolean;
    }).toThrow(TypeError);
    dealer.connectTimeout = 250;
    expect(dealer.connectTimeout).toBe(250);
    dealer.close();
    expect(() => dealer.connectTimeout).toThrow(expect.objectContaining({ code: "ENOTSOCK" }));
  });

  it("projects the transport options of one connect attempt", () => {
    const dealer = new Dealer({ context, tcpKeepalive: 1, tcpKeepaliveIdle: 30, ipv6: true });
    const options = coreOf(dealer).connectOptions(new AbortController().signal);
    expect(options).toMatchObject({ keepAlive: true, keepAliveIdle: 30_000, ipv6: true });
    dealer.tcpKeepalive = 0;
    const off = coreOf(dealer).connectOptions(new AbortController().signal);
    expect(off.keepAlive).toBeUndefined();
    expect(off.keepAliveIdle).toBeUndefined();
    dealer.close();
  });

  it("says which options are inert, and why", () => {
    for (const name of ["tcpKeepaliveCount", "tcpKeepaliveInterval"] as const) {
      expect(OPTIONS[name].layer).toBe("inert");
      expect(OPTIONS[name].doc).toMatch(/not applied/);
    }
    expect(OPTIONS.connectTimeout.layer).not.toBe("inert");
  });

  it("multicast options reach a RADIO's connect", () => {
    const radio = new Radio({ context, multicastHops: 4, multicastLoop: false });
    const pub = new Publisher({ context, multicastHops: 2 });
    expect(coreOf(radio).connectOptions(new AbortController().signal)).toMatchObject({
      multicastHops: 4,
      multicastLoop: false,
    });
    expect("multicastLoop" in pub).toBe(false);
    radio.close();
    pub.close();
  });
});
