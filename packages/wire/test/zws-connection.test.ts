import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Command, encodeReady, encodeSubscribe } from "../src/command";
import { type PeerInfo, ZmtpConnection, type ZmtpConnectionHandler } from "../src/connection";
import type { WireError } from "../src/errors";
import { NullMechanism } from "../src/null-mechanism";
import { PlainClient, PlainServer } from "../src/plain-mechanism";
import type { StreamEngine } from "../src/stream-engine";
import { encodeWsFrame, WsFrameDecoder, WsOpcode } from "../src/ws-frame";
import { encodeUpgradeResponse } from "../src/ws-handshake";
import type { ZapReply } from "../src/zap";
import { ZwsConnection, type ZwsConnectionOptions } from "../src/zws-connection";
import { ZwsEngine } from "../src/zws-engine";
import { ascii, cutsArb, h, join, runs, splitAt, toHex } from "./codec-helpers";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

class Recorder implements ZmtpConnectionHandler {
  peer: PeerInfo | undefined;
  messages: Uint8Array[][] = [];
  commands: Command[] = [];
  errors: WireError[] = [];
  accept = true;
  wakes = 0;
  handshake(peer: PeerInfo): void {
    this.peer = peer;
  }
  message(frames: Uint8Array[]): boolean {
    this.messages.push(frames.map((f) => f.slice()));
    return this.accept;
  }
  command(command: Command): void {
    this.commands.push(command);
  }
  error(error: WireError): void {
    this.errors.push(error);
  }
  wake(): void {
    this.wakes++;
  }
}

/** A deterministic "random" source: 0, 1, 2, … */
function counter(): (target: Uint8Array) => void {
  let n = 0;
  return (target) => {
    for (let i = 0; i < target.length; i++) target[i] = n++ & 0xff;
  };
}

function make(options: ZwsConnectionOptions) {
  const events = new Recorder();
  const conn = new ZwsConnection(events, { random: counter(), ...options });
  return { conn, events };
}

type End = ReturnType<typeof make>;

/** Moves output between the ends until both are quiet; `cuts` splits every transfer. */
function pump(a: End, b: End, now = 1, cuts: number[] = []): void {
  for (let round = 0; round < 100; round++) {
    let moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!from.conn.hasOutput) continue;
      moved = true;
      const bytes = join(from.conn.takeOutput());
      for (const chunk of splitAt(bytes, cuts)) to.conn.receive(chunk.slice(), now);
    }
    if (!moved) return;
  }
  throw new Error("pump did not settle");
}

function pair(
  client: Partial<ZwsConnectionOptions> = {},
  server: Partial<ZwsConnectionOptions> = {},
  cuts: number[] = [],
) {
  const c = make({
    socketType: "DEALER",
    role: "client",
    host: "127.0.0.1:5555",
    path: "/p",
    ...client,
  });
  const s = make({ socketType: "ROUTER", role: "server", ...server });
  c.conn.start(0);
  s.conn.start(0);
  pump(c, s, 1, cuts);
  return { c, s };
}

/** Decodes what a server wrote (unmasked frames) after its 101. */
function serverFrames(bytes: Uint8Array) {
  const out: string[] = [];
  const decoder = new WsFrameDecoder(
    {
      message: (p) => {
        out.push(`msg ${toHex(p)}`);
      },
      control: (op, p) => {
        out.push(`${op === 8 ? "close" : op === 9 ? "ping" : "pong"} ${toHex(p)}`);
      },
    },
    { expectMasked: false },
  );
  const error = decoder.push(bytes);
  if (error) throw error;
  return out;
}

const READY_ROUTER = toHex(
  encodeReady([
    ["Socket-Type", "ROUTER"],
    ["Identity", ""],
  ]),
);
const READY_DEALER = toHex(
  encodeReady([
    ["Socket-Type", "DEALER"],
    ["Identity", ""],
  ]),
);

describe("ZwsConnection against libzmq's bytes", () => {
  it("a client writes the upgrade request libzmq writes, with the key from the injected randomness", () => {
    const { conn } = make({
      socketType: "DEALER",
      role: "client",
      host: "example.com:80",
      path: "/zmq",
    });
    conn.start(0);
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i)).toString("base64");
    expect(text(join(conn.takeOutput()))).toBe(
      `GET /zmq HTTP/1.1\r\nHost: example.com:80\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\n` +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    );
    expect(conn.state).toBe("greeting");
  });

  it("a server answers libzmq's request with 101, then READY as one unmasked binary message 82 len 02 body", () => {
    const { conn, events } = make({ socketType: "ROUTER", role: "server" });
    conn.start(0);
    expect(conn.hasOutput).toBe(false);
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    conn.receive(
      ascii(
        `GET /x HTTP/1.1\r\nHost: 127.0.0.1:5555\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
      1,
    );
    const out = join(conn.takeOutput());
    const response = text(encodeUpgradeResponse(key, "ZWS2.0/NULL"));
    expect(text(out.subarray(0, response.length))).toBe(response);
    const ready = out.subarray(response.length);
    const length = READY_ROUTER.length / 2 + 1;
    expect(toHex(ready)).toBe(`82${length.toString(16).padStart(2, "0")}02${READY_ROUTER}`);
    expect(conn.protocol).toBe("ZWS2.0/NULL");
    // A libzmq DEALER's READY and a two-frame message, masked as a client must.
    const mask = h("01020304");
    const frames = [
      ...encodeWsFrame(WsOpcode.BINARY, [h("02"), h(READY_DEALER)], mask),
      ...encodeWsFrame(WsOpcode.BINARY, [h("01")], mask),
      ...encodeWsFrame(WsOpcode.BINARY, [h("00"), ascii("hi")], mask),
    ];
    conn.receive(join(frames), 2);
    expect(events.errors).toEqual([]);
    expect(events.peer?.socketType).toBe("DEALER");
    expect(events.messages.map((m) => m.map(text))).toEqual([["", "hi"]]);
  });

  it("a server closes silently on a bad request (no 400, no bytes at all)", () => {
    const { conn, events } = make({ socketType: "ROUTER", role: "server" });
    conn.start(0);
    conn.receive(ascii("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"), 1);
    expect(events.errors.map((e) => e.reason)).toEqual(["websocket-handshake"]);
    expect(conn.hasOutput).toBe(false);
    expect(conn.state).toBe("closed");
  });

  it("a client refuses a 101 with the wrong accept key", () => {
    const { conn, events } = make({ socketType: "DEALER", role: "client" });
    conn.start(0);
    conn.takeOutput();
    conn.receive(encodeUpgradeResponse("AAAAAAAAAAAAAAAAAAAAAA==", "ZWS2.0/NULL"), 1);
    expect(events.errors[0]?.message).toMatch(/Accept/);
  });
});

function reply(status: 200 | 400): ZapReply {
  return {
    status,
    statusText: status === 200 ? "OK" : "no",
    userId: ascii("admin"),
    metadata: new Map(),
  };
}

describe("the session seam", () => {
  it("ZmtpConnection and ZwsConnection are both StreamEngines", () => {
    const engines: StreamEngine[] = [
      new ZmtpConnection(new Recorder(), { socketType: "DEALER" }),
      new ZwsConnection(new Recorder(), { socketType: "DEALER", role: "client" }),
    ];
    for (const engine of engines) {
      engine.start(0);
      expect(engine.state).toBe("greeting");
      expect(engine.hasOutput).toBe(true);
    }
  });
});

describe("ZwsEngine alone, as a browser's WebSocket would drive it", () => {
  it("speaks bare ZWS2.0 to a ZwsConnection server with whole messages only", () => {
    // The "browser": the WebSocket does the upgrade and framing; the engine sees whole messages.
    const sent: Uint8Array[] = [];
    const events = new Recorder();
    let held = false;
    const engine = new ZwsEngine(
      events,
      {
        message: (flags, body) => sent.push(join([Uint8Array.of(flags), body])),
        ping: () => {},
        pause: () => {
          held = true;
        },
        resume: () => {
          held = false;
        },
      },
      { socketType: "DEALER", routingId: ascii("web") },
    );
    const server = make({ socketType: "ROUTER", role: "server" });
    server.conn.start(0);
    // What the browser writes: the upgrade request offering only ZWS2.0, then masked frames.
    server.conn.receive(
      ascii(
        "GET /zmq HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ZWS2.0\r\n" +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      ),
      1,
    );
    const fromServer = () => join(server.conn.takeOutput());
    const out = fromServer();
    const end = Buffer.from(out).indexOf("\r\n\r\n") + 4;
    expect(text(out.subarray(0, end))).toContain("Sec-WebSocket-Protocol: ZWS2.0\r\n");
    // The browser's socket opens with protocol "ZWS2.0": the engine starts.
    engine.begin("ZWS2.0", 2);
    const toServer = () => {
      for (const message of sent.splice(0)) {
        server.conn.receive(join(encodeWsFrame(WsOpcode.BINARY, [message], h("11223344"))), 3);
      }
    };
    toServer();
    // The server's own frames, decoded as the browser would, go to the engine.
    const decoder = new WsFrameDecoder(
      { message: (m) => engine.receive(m, 4), control: () => {} },
      { expectMasked: false },
    );
    decoder.push(out.subarray(end));
    expect(text(server.events.peer!.routingId)).toBe("web");
    expect(engine.state).toBe("ready");
    expect(events.peer?.routingId.length).toBe(0);
    engine.send([ascii("from"), ascii("browser")]);
    toServer();
    expect(server.events.messages.map((m) => m.map(text))).toEqual([["from", "browser"]]);
    server.conn.send([ascii("to browser")]);
    decoder.push(fromServer());
    expect(events.messages.map((m) => m.map(text))).toEqual([["to browser"]]);
    expect(held).toBe(false);
  });
});

describe("two ZwsConnections", () => {
  it("ZWS2.0/NULL: READY both ways, socket types checked, messages both ways", () => {
    const { c, s } = pair();
    expect(c.conn.protocol).toBe("ZWS2.0/NULL");
    expect([c.conn.state, s.conn.state]).toEqual(["ready", "ready"]);
    expect(c.events.peer?.socketType).toBe("ROUTER");
    expect(s.events.peer?.socketType).toBe("DEALER");
    c.conn.send([ascii("a"), ascii("b")]);
    s.conn.send([ascii("x")]);
    pump(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["a", "b"]]);
    expect(c.events.messages.map((m) => m.map(text))).toEqual([["x"]]);
  });

  it("bare ZWS2.0 (what a browser offers): routing ids first, no READY, no socket-type check", () => {
    const { c, s } = pair(
      { protocols: ["ZWS2.0"], routingId: ascii("me"), socketType: "PUSH" },
      { socketType: "ROUTER" },
    );
    expect(c.conn.protocol).toBe("ZWS2.0");
    expect(s.events.peer).toMatchObject({ socketType: "", major: 2 });
    expect(text(s.events.peer!.routingId)).toBe("me");
    expect(c.events.peer?.routingId.length).toBe(0);
    c.conn.send([ascii("hello")]);
    pump(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["hello"]]);
  });

  it("a NULL server prefers what the client lists first: ZWS2.0 before ZWS2.0/NULL gives bare", () => {
    const { c } = pair({ protocols: ["ZWS2.0", "ZWS2.0/NULL"] });
    expect(c.conn.protocol).toBe("ZWS2.0");
  });

  it("ZWS2.0/PLAIN with ZAP: HELLO/WELCOME/INITIATE/READY as command messages", async () => {
    const requests: unknown[] = [];
    const { c, s } = pair(
      { mechanism: new PlainClient({ username: "admin", password: "secret" }) },
      {
        asServer: true,
        mechanism: new PlainServer({
          zap: async (request) => {
            requests.push(request);
            return reply(200);
          },
          zapDomain: "d",
        }),
      },
    );
    expect(c.conn.protocol).toBe("ZWS2.0/PLAIN");
    await new Promise((r) => setTimeout(r, 0));
    expect(s.events.wakes).toBeGreaterThan(0);
    pump(c, s);
    expect(requests).toHaveLength(1);
    expect([c.conn.state, s.conn.state]).toEqual(["ready", "ready"]);
    expect(text(s.events.peer!.userId!)).toBe("admin");
    c.conn.send([ascii("m")]);
    pump(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["m"]]);
  });

  it("a NULL server waiting for ZAP holds the client's READY and messages until the reply", async () => {
    let answer!: (reply: ZapReply) => void;
    const { c, s } = pair(
      {},
      {
        mechanism: new NullMechanism({
          zapDomain: "d",
          zap: () => new Promise((resolve) => (answer = resolve)),
        }),
      },
    );
    // The client is ready (NULL does not wait for the peer's READY to send its own) but
    // the server holds everything until ZAP answers.
    expect(s.conn.state).toBe("handshake");
    expect(s.conn.paused).toBe(true);
    answer(reply(200));
    await new Promise((r) => setTimeout(r, 0));
    pump(c, s);
    expect([c.conn.state, s.conn.state]).toEqual(["ready", "ready"]);
    c.conn.send([ascii("after")]);
    pump(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["after"]]);
  });

  it("a PLAIN client meets a NULL server: the server closes silently", () => {
    const { c, s } = pair({ mechanism: new PlainClient({ username: "a", password: "b" }) });
    expect(s.events.errors[0]?.reason).toBe("websocket-handshake");
    expect(c.conn.state).toBe("greeting");
  });

  it("mismatched socket types fail the handshake", () => {
    const { c, s } = pair({ socketType: "PUB" }, { socketType: "PUSH" });
    expect(c.events.errors[0]?.reason).toBe("socket-type-mismatch");
    expect(s.events.errors[0]?.reason).toBe("socket-type-mismatch");
  });

  it("subscriptions are data messages 01 topic / 00 topic both ways; SUBSCRIBE commands are read too", () => {
    const { c, s } = pair({ socketType: "SUB" }, { socketType: "XPUB" });
    c.conn.send([join([h("01"), ascii("news")])]);
    const wire = join(c.conn.takeOutput());
    // Masked binary message of 6 bytes: flag 00, then 01 "news".
    expect(toHex(wire.subarray(0, 2))).toBe("8286");
    s.conn.receive(wire, 2);
    s.conn.receive(
      join(encodeWsFrame(WsOpcode.BINARY, [h("02"), encodeSubscribe(ascii("cmd"))], h("00000000"))),
      3,
    );
    expect(s.events.messages.map((m) => m.map(toHex))).toEqual([
      [toHex(join([h("01"), ascii("news")]))],
      [toHex(join([h("01"), ascii("cmd")]))],
    ]);
    // From the XPUB side a 00/01 message is data as well.
    s.conn.send([join([h("00"), ascii("t")])]);
    pump(c, s);
    expect(c.events.messages.map((m) => m.map(toHex))).toEqual([
      [toHex(join([h("00"), ascii("t")]))],
    ]);
  });

  it("carries a 60 KB frame and honours maxMessageSize per frame", () => {
    const big = new Uint8Array(60_000).map((_, i) => i * 7);
    const { c, s } = pair({}, { maxMessageSize: 60_000 });
    c.conn.send([big]);
    s.conn.send([big]);
    pump(c, s, 2, [1000, 30_000]);
    expect(toHex(s.events.messages[0]![0]!)).toBe(toHex(big));
    expect(toHex(c.events.messages[0]![0]!)).toBe(toHex(big));
    c.conn.send([new Uint8Array(60_001)]);
    pump(c, s);
    expect(s.events.errors.map((e) => e.code)).toEqual(["EMSGSIZE"]);
  });

  it("heartbeats are empty WebSocket pings; the peer pongs; silence past the timeout fails", () => {
    const { c, s } = pair({}, { heartbeatInterval: 100, heartbeatTimeout: 50 });
    expect(s.conn.nextTimeout()).toBe(101);
    s.conn.tick(101);
    const ping = join(s.conn.takeOutput());
    expect(toHex(ping)).toBe("8900");
    c.conn.receive(ping, 102);
    const pong = join(c.conn.takeOutput());
    expect(toHex(pong.subarray(0, 2))).toBe("8a80"); // masked, empty
    s.conn.receive(pong, 103);
    expect(s.conn.nextTimeout()).toBe(201);
    s.conn.tick(201);
    s.conn.takeOutput();
    s.conn.tick(251);
    expect(s.events.errors.map((e) => e.reason)).toEqual(["heartbeat-timeout"]);
  });

  it("bare mode: silence fails the peer only once it has answered a ping (libzmq never does there)", () => {
    const { c, s } = pair(
      { protocols: ["ZWS2.0"] },
      { heartbeatInterval: 100, heartbeatTimeout: 50 },
    );
    // A peer that never pongs: pings go on, no timeout.
    for (let t = 101; t < 1000; t += 50) s.conn.tick(t);
    expect(s.events.errors).toEqual([]);
    expect(serverFrames(join(s.conn.takeOutput())).every((f) => f === "ping ")).toBe(true);
    // Once it has answered, its silence counts.
    c.conn.receive(join(encodeWsFrame(WsOpcode.PING, [], undefined)), 1000);
    s.conn.receive(join(c.conn.takeOutput()), 1000);
    for (let t = 1000; t < 1300; t += 50) s.conn.tick(t);
    expect(s.events.errors.map((e) => e.reason)).toEqual(["heartbeat-timeout"]);
  });

  it("heartbeats in bare ZWS2.0 mode work (libzmq aborts there)", () => {
    const { c, s } = pair({ protocols: ["ZWS2.0"] }, { heartbeatInterval: 10 });
    s.conn.tick(11);
    pump(c, s, 12);
    s.conn.tick(21);
    pump(c, s, 22);
    expect(s.events.errors).toEqual([]);
    expect(s.conn.state).toBe("ready");
  });

  it("a ping's payload is echoed in the pong (RFC 6455 §5.5.3)", () => {
    const { s } = pair();
    s.conn.receive(join(encodeWsFrame(WsOpcode.PING, [ascii("hey")], h("0a0b0c0d"))), 5);
    expect(serverFrames(join(s.conn.takeOutput()))).toEqual([`pong ${toHex(ascii("hey"))}`]);
  });

  it("a close frame is echoed and ends the connection; close() sends one", () => {
    const { c, s } = pair();
    c.conn.close();
    const close = join(c.conn.takeOutput());
    expect(toHex(close.subarray(0, 2))).toBe("8882");
    s.conn.receive(close, 5);
    expect(s.events.errors.map((e) => [e.code, e.reason, e.message])).toEqual([
      ["ECONNRESET", "peer-closed", "peer closed the WebSocket (code 1000)"],
    ]);
    expect(serverFrames(join(s.conn.takeOutput()))).toEqual(["close 03e8"]);
    expect(c.events.errors).toEqual([]);
  });

  it("reassembles a message a browser split into fragments, with a ping in between (libzmq would not)", () => {
    const { s } = pair({ protocols: ["ZWS2.0"] });
    const body = new Uint8Array(200_000).map((_, i) => i % 251);
    const payload = join([h("00"), body]);
    const mask = h("a1b2c3d4");
    const wire = join([
      ...encodeWsFrame(WsOpcode.BINARY, [payload.subarray(0, 131_072)], mask, false),
      ...encodeWsFrame(WsOpcode.PING, [ascii("p")], mask),
      ...encodeWsFrame(WsOpcode.CONTINUATION, [payload.subarray(131_072)], mask, true),
    ]);
    for (const chunk of splitAt(wire, [70_000, 131_080, 131_090])) s.conn.receive(chunk.slice(), 5);
    expect(s.events.errors).toEqual([]);
    expect(s.events.messages).toHaveLength(1);
    expect(toHex(s.events.messages[0]![0]!)).toBe(toHex(body));
    expect(serverFrames(join(s.conn.takeOutput()))).toEqual([`pong ${toHex(ascii("p"))}`]);
  });

  it("an empty WebSocket message (no flag byte) fails the connection, as libzmq", () => {
    const { s } = pair();
    s.conn.receive(join(encodeWsFrame(WsOpcode.BINARY, [], h("00000000"))), 5);
    expect(s.events.errors[0]?.message).toMatch(/empty WebSocket message/);
  });

  it("pauses delivery when the handler refuses and resumes on resume()", () => {
    const { c, s } = pair();
    s.events.accept = false;
    c.conn.send([ascii("1")]);
    c.conn.send([ascii("2")]);
    pump(c, s);
    expect(s.events.messages).toHaveLength(1);
    expect(s.conn.paused).toBe(true);
    s.events.accept = true;
    s.conn.resume();
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["1"], ["2"]]);
  });

  it("times out a handshake that never completes (the upgrade counts)", () => {
    const { conn, events } = make({
      socketType: "ROUTER",
      role: "server",
      handshakeInterval: 1000,
    });
    conn.start(0);
    expect(conn.nextTimeout()).toBe(1000);
    conn.tick(1000);
    expect(events.errors.map((e) => e.reason)).toEqual(["handshake-timeout"]);
  });

  it("any chunking of the whole exchange gives the same result (NULL and bare, multipart, 70 KB)", () => {
    const big = new Uint8Array(70_000).fill(9);
    fc.assert(
      fc.property(cutsArb, fc.boolean(), (cuts, bare) => {
        const { c, s } = pair(bare ? { protocols: ["ZWS2.0"] } : {}, {}, cuts);
        c.conn.send([ascii("a"), big]);
        s.conn.send([ascii("b")]);
        pump(c, s, 2, cuts);
        expect(s.events.errors).toEqual([]);
        expect(s.events.messages.map((m) => m.map((f) => f.length))).toEqual([[1, 70_000]]);
        expect(c.events.messages.map((m) => m.map(text))).toEqual([["b"]]);
      }),
      { numRuns: runs(60) },
    );
  });

  it("random bytes, or a valid request followed by random bytes, never throw at a server", () => {
    const request = ascii(
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ZWS2.0\r\n\r\n",
    );
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), cutsArb, (valid, data, cuts) => {
        const { conn, events } = make({ socketType: "ROUTER", role: "server", maxMessageSize: 50 });
        conn.start(0);
        const bytes = valid ? join([request, data]) : data;
        for (const chunk of splitAt(bytes, cuts)) conn.receive(chunk.slice(), 1);
        conn.tick(1e9);
        expect(events.errors.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: runs(300) },
    );
  });

  it("random bytes after the upgrade never throw: one typed error or nothing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cutsArb, (data, cuts) => {
        const { s } = pair({}, { maxMessageSize: 100 });
        for (const chunk of splitAt(data, cuts)) s.conn.receive(chunk.slice(), 3);
        expect(s.events.errors.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: runs(300) },
    );
  });
});
