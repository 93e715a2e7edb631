import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../src/command";
import {
  type PeerInfo,
  ZmtpConnection,
  type ZmtpConnectionHandler,
  type ZmtpConnectionOptions,
} from "../src/connection";
import type { WireError } from "../src/errors";
import type { SocketTypeName } from "../src/socket-types";

const runs = (n: number) => Number(process.env.FUZZ_RUNS ?? 0) || n;
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ""), "hex"));
const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const join = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

/** Records every event a connection emits. */
class Recorder implements ZmtpConnectionHandler {
  peer: PeerInfo | undefined;
  messages: Uint8Array[][] = [];
  commands: Command[] = [];
  errors: WireError[] = [];
  accept = true;
  handshake(peer: PeerInfo): void {
    this.peer = peer;
  }
  message(frames: Uint8Array[]): boolean {
    this.messages.push(frames);
    return this.accept;
  }
  command(command: Command): void {
    this.commands.push(command);
  }
  error(error: WireError): void {
    this.errors.push(error);
  }
}

function make(options: ZmtpConnectionOptions) {
  const events = new Recorder();
  const conn = new ZmtpConnection(events, options);
  return { conn, events };
}

/** libzmq's 3.1 NULL greeting (padding 00×7 01, as-server 0). */
const LIBZMQ_GREETING = `ff 00 00 00 00 00 00 00 01 7f 03 01 ${Buffer.from("NULL").toString("hex")} ${"00".repeat(16)} 00 ${"00".repeat(31)}`;
const READY_DEALER = `04 29 05 ${Buffer.from("READY").toString("hex")} 0b ${Buffer.from("Socket-Type").toString("hex")} 00 00 00 06 ${Buffer.from("DEALER").toString("hex")} 08 ${Buffer.from("Identity").toString("hex")} 00 00 00 00`;

describe("ZmtpConnection against libzmq's bytes", () => {
  it("sends the whole 64-byte greeting at once, then READY once the peer's greeting is read", () => {
    const { conn } = make({ socketType: "DEALER" });
    conn.start(0);
    const greeting = join(conn.takeOutput());
    expect(Buffer.from(greeting).toString("hex")).toBe(LIBZMQ_GREETING.replace(/\s+/g, ""));
    expect(conn.hasOutput).toBe(false);
    conn.receive(bytes(LIBZMQ_GREETING), 1);
    // RFC 37 / libzmq tests/testutil.hpp zmtp_ready_dealer: 43 bytes with an empty Identity.
    expect(Buffer.from(join(conn.takeOutput())).toString("hex")).toBe(
      READY_DEALER.replace(/\s+/g, ""),
    );
  });

  it("completes the handshake with a libzmq DEALER and reads its messages", () => {
    const { conn, events } = make({ socketType: "ROUTER" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} ${READY_DEALER} 01 00 00 02 68 69`), 1);
    expect(events.errors).toEqual([]);
    expect(events.peer?.socketType).toBe("DEALER");
    expect(events.peer?.routingId.length).toBe(0);
    expect(events.peer?.minor).toBe(1);
    expect(events.messages.map((m) => m.map(text))).toEqual([["", "hi"]]);
  });

  it("answers PING with PONG echoing the context (libzmq tests/test_heartbeats.cpp)", () => {
    const { conn, events } = make({ socketType: "ROUTER" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} ${READY_DEALER}`), 1);
    conn.takeOutput();
    conn.receive(
      bytes(
        `04 0a 04 ${Buffer.from("PING").toString("hex")} 00 00 ${Buffer.from("LOL").toString("hex")}`,
      ),
      2,
    );
    expect(Buffer.from(join(conn.takeOutput())).toString("hex")).toBe(
      `0408 04${Buffer.from("PONG").toString("hex")}${Buffer.from("LOL").toString("hex")}`.replace(
        /\s/g,
        "",
      ),
    );
    expect(events.errors).toEqual([]);
  });

  it("sends SUBSCRIBE as a command to a 3.1 publisher and as a 01-message to a 3.0 one", () => {
    for (const [minor, expected] of [
      [1, `04 0b 09 ${Buffer.from("SUBSCRIBE").toString("hex")} 41`],
      [0, "00 02 01 41"],
    ] as const) {
      const { conn, events } = make({ socketType: "SUB" });
      conn.start(0);
      const greeting = LIBZMQ_GREETING.replace("03 01", `03 0${minor}`);
      const ready = `04 19 05 ${Buffer.from("READY").toString("hex")} 0b ${Buffer.from("Socket-Type").toString("hex")} 00 00 00 03 ${Buffer.from("PUB").toString("hex")}`;
      conn.receive(bytes(`${greeting} ${ready}`), 1);
      expect(events.peer?.minor).toBe(minor);
      conn.takeOutput();
      conn.send([bytes("01 41")]);
      expect(Buffer.from(join(conn.takeOutput())).toString("hex")).toBe(
        expected.replace(/\s+/g, ""),
      );
    }
  });

  it("gives a publisher both subscription forms as 01/00 messages", () => {
    const { conn, events } = make({ socketType: "XPUB" });
    conn.start(0);
    const ready = `04 19 05 ${Buffer.from("READY").toString("hex")} 0b ${Buffer.from("Socket-Type").toString("hex")} 00 00 00 03 ${Buffer.from("SUB").toString("hex")}`;
    conn.receive(bytes(`${LIBZMQ_GREETING} ${ready}`), 1);
    conn.receive(bytes(`04 0b 09 ${Buffer.from("SUBSCRIBE").toString("hex")} 41`), 2);
    conn.receive(bytes(`04 08 06 ${Buffer.from("CANCEL").toString("hex")} 41`), 3);
    conn.receive(bytes("00 02 01 42"), 4);
    expect(events.messages.map((m) => Buffer.from(m[0]!).toString("hex"))).toEqual([
      "0141",
      "0041",
      "0142",
    ]);
  });

  it("refuses an incompatible socket type with a typed error", () => {
    const { conn, events } = make({ socketType: "PUB" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} ${READY_DEALER}`), 1);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]?.reason).toBe("socket-type-mismatch");
    expect(events.errors[0]?.code).toBe("EPROTO");
    expect(conn.state).toBe("closed");
    expect(events.peer).toBeUndefined();
  });

  it("refuses a mechanism mismatch", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(
      bytes(
        LIBZMQ_GREETING.replace(
          Buffer.from("NULL").toString("hex"),
          Buffer.from("PLAI").toString("hex"),
        ),
      ),
      1,
    );
    expect(events.errors.map((e) => [e.reason, e.protocolError])).toEqual([
      ["mechanism-mismatch", 0x11000002],
    ]);
  });

  it("fails fast on a ZMTP 2.0 peer", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(bytes("ff 00 00 00 00 00 00 00 01 7f 01 05"), 1);
    expect(events.errors.map((e) => e.reason)).toEqual(["unsupported-version"]);
  });

  it("refuses a message frame before the handshake completes", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} 00 02 68 69`), 1);
    expect(events.errors.map((e) => e.reason)).toEqual(["unexpected-command"]);
  });

  it("refuses a peer READY without Socket-Type", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} 04 06 05 ${Buffer.from("READY").toString("hex")}`), 1);
    expect(events.errors.map((e) => e.reason)).toEqual(["invalid-metadata"]);
  });

  it("treats a peer ERROR as fatal", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(
      bytes(
        `${LIBZMQ_GREETING} 04 0a 05 ${Buffer.from("ERROR").toString("hex")} 03 ${Buffer.from("400").toString("hex")}`,
      ),
      1,
    );
    // "400" is a ZAP status: libzmq reports HANDSHAKE_FAILED_AUTH (handle_error_reason).
    expect(events.errors.map((e) => [e.reason, e.zapStatus])).toEqual([["auth-failed", 400]]);
    expect(events.errors[0]?.message).toContain("400");
  });

  it("reports an ERROR whose reason is not a ZAP status as a peer error", () => {
    const { conn, events } = make({ socketType: "DEALER" });
    conn.start(0);
    conn.receive(
      bytes(
        `${LIBZMQ_GREETING} 04 0a 05 ${Buffer.from("ERROR").toString("hex")} 03 ${Buffer.from("nah").toString("hex")}`,
      ),
      1,
    );
    expect(events.errors.map((e) => [e.reason, e.zapStatus])).toEqual([["peer-error", undefined]]);
  });

  it("enforces maxMessageSize per frame (handshake commands included, as libzmq)", () => {
    const { conn, events } = make({ socketType: "ROUTER", maxMessageSize: 50 });
    conn.start(0);
    const ok = "61".repeat(50);
    const big = "62".repeat(51);
    conn.receive(bytes(`${LIBZMQ_GREETING} ${READY_DEALER} 00 32 ${ok} 00 33 ${big}`), 1);
    expect(events.messages.map((m) => m.map((f) => f.length))).toEqual([[50]]);
    expect(events.errors.map((e) => [e.code, e.reason])).toEqual([["EMSGSIZE", "frame-too-large"]]);
  });

  it("sends Identity and X- metadata from a DEALER with a routing id", () => {
    const { conn } = make({
      socketType: "DEALER",
      routingId: ascii("me"),
      metadata: [["X-App", "demo"]],
    });
    const peer = make({ socketType: "ROUTER" });
    conn.start(0);
    peer.conn.start(0);
    peer.conn.receive(join(conn.takeOutput()), 1);
    conn.receive(join(peer.conn.takeOutput()), 1);
    peer.conn.receive(join(conn.takeOutput()), 2);
    expect(text(peer.events.peer!.routingId)).toBe("me");
    expect(text(peer.events.peer!.metadata.get("X-App")!)).toBe("demo");
  });
});

describe("ZmtpConnection timers", () => {
  function linked(a: ZmtpConnectionOptions, b: ZmtpConnectionOptions) {
    const left = make(a);
    const right = make(b);
    left.conn.start(0);
    right.conn.start(0);
    const pump = (now: number) => {
      for (let i = 0; i < 4; i++) {
        const l = left.conn.takeOutput();
        const r = right.conn.takeOutput();
        if (l.length) right.conn.receive(join(l), now);
        if (r.length) left.conn.receive(join(r), now);
      }
    };
    pump(0);
    return { left, right, pump };
  }

  it("times out a handshake that never completes", () => {
    const { conn, events } = make({ socketType: "DEALER", handshakeInterval: 100 });
    conn.start(0);
    expect(conn.nextTimeout()).toBe(100);
    conn.tick(99);
    expect(events.errors).toEqual([]);
    conn.tick(100);
    expect(events.errors.map((e) => [e.code, e.reason])).toEqual([
      ["ETIMEDOUT", "handshake-timeout"],
    ]);
    expect(conn.nextTimeout()).toBeUndefined();
  });

  it("pings every interval with the TTL in deciseconds, and a live peer keeps the link up", () => {
    const { left, right, pump } = linked(
      { socketType: "DEALER", heartbeatInterval: 100, heartbeatTimeToLive: 2500 },
      { socketType: "ROUTER" },
    );
    expect(left.events.peer).toBeDefined();
    expect(left.conn.nextTimeout()).toBe(100);
    left.conn.tick(100);
    const ping = join(left.conn.takeOutput());
    expect(Buffer.from(ping).toString("hex")).toBe(
      `040704${Buffer.from("PING").toString("hex")}0019`,
    );
    right.conn.receive(ping, 100);
    pump(110); // PONG comes back
    for (let t = 200; t <= 2000; t += 100) {
      left.conn.tick(t);
      pump(t);
    }
    expect(left.events.errors).toEqual([]);
    expect(right.events.errors).toEqual([]);
  });

  it("drops a silent peer after the heartbeat timeout", () => {
    const { left } = linked(
      { socketType: "DEALER", heartbeatInterval: 100, heartbeatTimeout: 300 },
      { socketType: "ROUTER" },
    );
    left.conn.tick(100); // PING, timeout armed for 400
    left.conn.tick(200); // PING again, timeout stays at 400
    left.conn.tick(399);
    expect(left.events.errors).toEqual([]);
    left.conn.tick(400);
    expect(left.events.errors.map((e) => e.reason)).toEqual(["heartbeat-timeout"]);
  });

  it("drops a peer whose PING TTL passes without traffic", () => {
    const { right } = linked({ socketType: "DEALER" }, { socketType: "ROUTER" });
    right.conn.receive(bytes(`04 07 04 ${Buffer.from("PING").toString("hex")} 00 02`), 1000);
    expect(right.conn.nextTimeout()).toBe(1200);
    right.conn.receive(bytes("00 01 61"), 1100); // traffic cancels the TTL
    expect(right.conn.nextTimeout()).toBeUndefined();
    right.conn.receive(bytes(`04 07 04 ${Buffer.from("PING").toString("hex")} 00 02`), 1300);
    right.conn.tick(1500);
    expect(right.events.errors.map((e) => e.reason)).toEqual(["heartbeat-timeout"]);
  });
});

describe("ZmtpConnection backpressure", () => {
  it("pauses delivery when the handler returns false and resumes in order", () => {
    const { conn, events } = make({ socketType: "ROUTER" });
    conn.start(0);
    conn.receive(bytes(`${LIBZMQ_GREETING} ${READY_DEALER}`), 1);
    events.accept = false;
    conn.receive(bytes("00 01 61 00 01 62 00 01 63"), 2);
    expect(events.messages.map((m) => m.map(text))).toEqual([["a"]]);
    expect(conn.paused).toBe(true);
    events.accept = true;
    conn.resume();
    expect(events.messages.map((m) => m.map(text))).toEqual([["a"], ["b"], ["c"]]);
    expect(conn.paused).toBe(false);
  });
});

const pairs: [SocketTypeName, SocketTypeName][] = [
  ["REQ", "REP"],
  ["REQ", "ROUTER"],
  ["DEALER", "REP"],
  ["DEALER", "ROUTER"],
  ["DEALER", "DEALER"],
  ["ROUTER", "ROUTER"],
  ["PUSH", "PULL"],
  ["PAIR", "PAIR"],
  ["PUB", "SUB"],
  ["XPUB", "XSUB"],
];

describe("ZmtpConnection: two peers (property)", () => {
  it("property: any compatible pair completes the handshake and delivers messages intact under any chunking", () => {
    const frame = fc.uint8Array({ maxLength: 300 });
    const message = fc.array(frame, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.array(message, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 16 }),
        ([typeA, typeB], messages, cuts) => {
          const a = make({ socketType: typeA, routingId: ascii("A") });
          const b = make({ socketType: typeB });
          a.conn.start(0);
          b.conn.start(0);
          // Deliver each direction's bytes in pieces whose sizes cycle through `cuts`.
          let cut = 0;
          const deliver = (from: ZmtpConnection, to: ZmtpConnection) => {
            const all = join(from.takeOutput());
            for (let i = 0; i < all.length; ) {
              const n = cuts[cut++ % cuts.length]!;
              to.receive(all.subarray(i, i + n), 1);
              i += n;
            }
          };
          for (let i = 0; i < 3; i++) {
            deliver(a.conn, b.conn);
            deliver(b.conn, a.conn);
          }
          expect(a.events.errors).toEqual([]);
          expect(b.events.errors).toEqual([]);
          expect(a.events.peer?.socketType).toBe(typeB);
          expect(b.events.peer?.socketType).toBe(typeA);
          if (typeA === "REQ" || typeA === "DEALER" || typeA === "ROUTER") {
            expect(text(b.events.peer!.routingId)).toBe("A");
          }
          const data = messages;
          for (const m of data) a.conn.send(m);
          deliver(a.conn, b.conn);
          expect(
            b.events.messages.map((m) => m.map((f) => Buffer.from(f).toString("hex"))),
          ).toEqual(data.map((m) => m.map((f) => Buffer.from(f).toString("hex"))));
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("property: random bytes after a greeting end in messages or exactly one typed error", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.integer({ min: 1, max: 64 }),
        (junk, step) => {
          const { conn, events } = make({ socketType: "ROUTER", maxMessageSize: 1024 });
          conn.start(0);
          const input = join([bytes(LIBZMQ_GREETING), bytes(READY_DEALER), junk]);
          for (let i = 0; i < input.length; i += step) conn.receive(input.subarray(i, i + step), 1);
          expect(events.errors.length).toBeLessThanOrEqual(1);
          for (const e of events.errors) expect(["EPROTO", "EMSGSIZE"]).toContain(e.code);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
