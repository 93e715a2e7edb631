import { describe, expect, it } from "vitest";
import { utf8Encode } from "../src/bytes";
import { encodeCommand } from "../src/command";
import { WireError } from "../src/errors";
import type { Mechanism, MechanismContext, MechanismStep } from "../src/mechanism";
import { NullMechanism } from "../src/null-mechanism";
import { decodeZapReply, encodeZapRequest, type ZapClient, type ZapReply } from "../src/zap";
import { connect, hex, join, settle, side, text } from "./mechanism-helpers";

/** A NULL-like mechanism whose handling of the peer's READY waits on a promise we control. */
class Gated implements Mechanism {
  readonly name = "NULL";
  readonly transform = undefined;
  gate!: (step: MechanismStep) => void;
  fail!: (reason: unknown) => void;
  received: string[] = [];
  start(context: MechanismContext): MechanismStep {
    return { send: [encodeCommand("READY", context.metadata)] };
  }
  receive(body: Uint8Array): MechanismStep {
    this.received.push(text(body.subarray(1, 1 + body[0]!)));
    return {
      pending: new Promise<MechanismStep>((resolve, reject) => {
        this.gate = resolve;
        this.fail = reject;
      }),
    };
  }
}

const READY_DEALER = encodeCommand(
  "READY",
  join([
    Uint8Array.of(11),
    utf8Encode("Socket-Type"),
    Uint8Array.of(0, 0, 0, 6),
    utf8Encode("DEALER"),
  ]),
);
const frame = (body: Uint8Array, flags: number) => join([Uint8Array.of(flags, body.length), body]);
const peerGreeting = () => {
  const other = side({ socketType: "DEALER" });
  other.conn.start(0);
  return join(other.conn.takeOutput());
};

describe("asynchronous mechanism steps (ZAP)", () => {
  it("holds later frames while a step is pending, then applies it, reads on and wakes the owner", async () => {
    const gated = new Gated();
    const s = side({ socketType: "ROUTER", mechanism: gated });
    s.conn.start(0);
    s.conn.takeOutput();
    // The peer's READY and a message arrive in one chunk.
    s.conn.receive(join([peerGreeting(), frame(READY_DEALER, 4), frame(utf8Encode("hi"), 0)]), 1);
    expect(gated.received).toEqual(["READY"]);
    expect(s.events.peer).toBeUndefined();
    s.conn.resume(); // an owner's resume must not read past a pending step
    expect(s.events.messages).toEqual([]);
    gated.gate({ done: { metadata: new Map([["Socket-Type", utf8Encode("DEALER")]]) } });
    await Promise.resolve();
    await Promise.resolve();
    expect(s.events.peer?.socketType).toBe("DEALER");
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["hi"]]);
    expect(s.events.wakes).toBe(1);
  });

  it("a rejected step fails the connection with a WireError", async () => {
    const gated = new Gated();
    const s = side({ socketType: "ROUTER", mechanism: gated });
    s.conn.start(0);
    s.conn.receive(join([peerGreeting(), frame(READY_DEALER, 4)]), 1);
    gated.fail(new Error("handler went away"));
    await new Promise((r) => setImmediate(r));
    expect(s.events.errors.map((e) => e instanceof WireError)).toEqual([true]);
    expect(s.events.errors[0]!.message).toContain("handler went away");
    expect(s.events.wakes).toBe(0);
  });

  it("a step settling after close() or a handshake timeout does nothing", async () => {
    const gated = new Gated();
    const s = side({ socketType: "ROUTER", mechanism: gated, handshakeInterval: 100 });
    s.conn.start(0);
    s.conn.receive(join([peerGreeting(), frame(READY_DEALER, 4)]), 1);
    expect(s.conn.nextTimeout()).toBe(100);
    s.conn.tick(100);
    expect(s.events.errors.map((e) => e.reason)).toEqual(["handshake-timeout"]);
    gated.gate({ done: { metadata: new Map([["Socket-Type", utf8Encode("DEALER")]]) } });
    await new Promise((r) => setImmediate(r));
    expect(s.events.peer).toBeUndefined();
    expect(s.events.wakes).toBe(0);
  });
});

function zap(answer: ZapReply | undefined) {
  const calls: string[] = [];
  const client: ZapClient = async (request) => {
    calls.push(`${request.mechanism}:${request.domain}:${request.credentials.length}`);
    return answer;
  };
  return { client, calls };
}
const ok: ZapReply = {
  status: 200,
  statusText: "OK",
  userId: utf8Encode("bob"),
  metadata: new Map(),
};

describe("NULL with ZAP (libzmq null_mechanism.cpp)", () => {
  it("does not consult ZAP without a domain", async () => {
    const { client, calls } = zap(ok);
    const { c, s } = connect(
      { socketType: "DEALER" },
      { socketType: "ROUTER", mechanism: new NullMechanism({ zap: client }) },
    );
    await settle(c, s);
    expect(calls).toEqual([]);
    expect(s.events.peer?.userId).toBeUndefined();
  });

  it("with a domain: READY waits for 200 and the peer gets User-Id", async () => {
    const { client, calls } = zap(ok);
    const { c, s } = connect(
      { socketType: "DEALER" },
      { socketType: "ROUTER", mechanism: new NullMechanism({ zap: client, zapDomain: "test" }) },
    );
    await settle(c, s);
    expect(calls).toEqual(["NULL:test:0"]);
    expect(text(s.events.peer!.userId!)).toBe("bob");
    expect(c.events.peer?.socketType).toBe("ROUTER");
  });

  it("with a domain: 400 sends ERROR instead of READY", async () => {
    const { client } = zap({ ...ok, status: 400 });
    const { c, s } = connect(
      { socketType: "DEALER" },
      { socketType: "ROUTER", mechanism: new NullMechanism({ zap: client, zapDomain: "test" }) },
    );
    await settle(c, s);
    expect(hex(join(s.wire.slice(1)))).toBe("040a054552524f5203343030"); // 04 0a 05 ERROR 03 "400"
    expect(c.events.errors.map((e) => e.zapStatus)).toEqual([400]);
    expect(s.events.errors.map((e) => e.zapStatus)).toEqual([400]);
  });

  it("with a domain and no handler: goes on, unless zapEnforceDomain", async () => {
    for (const enforce of [false, true]) {
      const { client } = zap(undefined);
      const { c, s } = connect(
        { socketType: "DEALER" },
        {
          socketType: "ROUTER",
          mechanism: new NullMechanism({ zap: client, zapDomain: "x", zapEnforceDomain: enforce }),
        },
      );
      await settle(c, s);
      if (enforce) expect(s.events.errors.map((e) => e.code)).toEqual(["EFAULT"]);
      else expect(s.events.peer?.socketType).toBe("DEALER");
    }
  });
});

describe("ZAP frames (RFC 27, libzmq zap_client.cpp)", () => {
  const good = ["1.0", "1", "200", "OK", "alice", ""].map(utf8Encode);
  it('encodes a request as version, id "1", domain, address, identity, mechanism, credentials', () => {
    const frames = encodeZapRequest({
      domain: "d",
      address: "127.0.0.1",
      identity: utf8Encode("me"),
      mechanism: "CURVE",
      credentials: [new Uint8Array(32)],
    });
    expect(frames.map((f) => f.length)).toEqual([3, 1, 1, 9, 2, 5, 32]);
    expect(text(frames[0]!)).toBe("1.0");
    expect(text(frames[1]!)).toBe("1");
  });
  it("validates replies", () => {
    const r = decodeZapReply(good);
    expect(r).not.toBeInstanceOf(WireError);
    expect(text((r as ZapReply).userId)).toBe("alice");
    const bad = (i: number, v: string) => good.map((f, j) => (j === i ? utf8Encode(v) : f));
    const code = (frames: Uint8Array[]) => (decodeZapReply(frames) as WireError).protocolError;
    expect(code(bad(0, "2.0"))).toBe(0x20000003);
    expect(code(bad(1, "2"))).toBe(0x20000002);
    expect(code(bad(2, "201"))).toBe(0x20000004);
    expect(code(bad(2, "600"))).toBe(0x20000004);
    expect(code(bad(2, "20"))).toBe(0x20000004);
    expect(code([...good, utf8Encode("extra")])).toBe(0x20000001);
    expect(code(good.slice(0, 5))).toBe(0x20000001);
    expect(code(good.map((f, j) => (j === 5 ? Uint8Array.of(3, 0x41) : f)))).toBe(0x20000005);
    for (const status of ["300", "400", "500"]) {
      expect((decodeZapReply(bad(2, status)) as ZapReply).status).toBe(Number(status));
    }
  });
});
