import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Command,
  decodeCommand,
  decodeMetadata,
  encodeCancel,
  encodeCommand,
  encodeError,
  encodeJoin,
  encodeLeave,
  encodeMetadata,
  encodePing,
  encodePong,
  encodeReady,
  encodeSubscribe,
} from "../src/command";
import { ProtocolError, WireError } from "../src/errors";
import { FrameFlags } from "../src/frame";
import { encodeFrame } from "../src/frame-encoder";
import { decodeSubscriptionMessage, encodeSubscriptionMessage } from "../src/subscription-message";
import {
  a,
  ascii,
  byteByByte,
  cutsArb,
  decodeChunks,
  h,
  join,
  runs,
  splitAt,
  toHex,
} from "./codec-helpers";

/** A command frame on the wire (header included). */
const frameHex = (body: Uint8Array) => toHex(join(encodeFrame(body, FrameFlags.COMMAND)));

/** Golden command frames (zmtp-libzmq.md 1.3–1.5, libzmq tests) and their decoded form. */
const VECTORS: { name: string; wire: string; encode: () => Uint8Array; command: Command }[] = [
  {
    name: "DEALER READY with empty Identity (zmtp_ready_dealer, 43 bytes)",
    wire: `04 29 05 ${a("READY")} 0b ${a("Socket-Type")} 00000006 ${a("DEALER")} 08 ${a("Identity")} 00000000`,
    encode: () =>
      encodeReady([
        ["Socket-Type", "DEALER"],
        ["Identity", new Uint8Array(0)],
      ]),
    command: {
      type: "ready",
      metadata: new Map([
        ["Socket-Type", ascii("DEALER")],
        ["Identity", new Uint8Array(0)],
      ]),
    },
  },
  {
    name: "SUB READY (zmtp_ready_sub, 27 bytes)",
    wire: `04 19 05 ${a("READY")} 0b ${a("Socket-Type")} 00000003 ${a("SUB")}`,
    encode: () => encodeReady([["Socket-Type", "SUB"]]),
    command: { type: "ready", metadata: new Map([["Socket-Type", ascii("SUB")]]) },
  },
  {
    name: 'SUBSCRIBE "A"',
    wire: `04 0b 09 ${a("SUBSCRIBE")} 41`,
    encode: () => encodeSubscribe(ascii("A")),
    command: { type: "subscribe", topic: ascii("A") },
  },
  {
    name: 'CANCEL "A"',
    wire: `04 08 06 ${a("CANCEL")} 41`,
    encode: () => encodeCancel(ascii("A")),
    command: { type: "cancel", topic: ascii("A") },
  },
  {
    name: 'PING ttl 0 context "LOL" (test_heartbeats)',
    wire: `04 0a 04 ${a("PING")} 00 00 ${a("LOL")}`,
    encode: () => encodePing(0, ascii("LOL")),
    command: { type: "ping", ttl: 0, context: ascii("LOL") },
  },
  {
    name: "PING as libzmq sends it: ttl, no context",
    wire: `04 07 04 ${a("PING")} 01 2c`,
    encode: () => encodePing(300),
    command: { type: "ping", ttl: 300, context: new Uint8Array(0) },
  },
  {
    name: 'PONG "LOL"',
    wire: `04 08 04 ${a("PONG")} ${a("LOL")}`,
    encode: () => encodePong(ascii("LOL")),
    command: { type: "pong", context: ascii("LOL") },
  },
  {
    name: 'ERROR "400" (ZAP failure)',
    wire: `04 0a 05 ${a("ERROR")} 03 ${a("400")}`,
    encode: () => encodeError("400"),
    command: { type: "error", reason: "400" },
  },
  {
    name: 'JOIN "Movies"',
    wire: `04 0b 04 ${a("JOIN")} ${a("Movies")}`,
    encode: () => encodeJoin(ascii("Movies")),
    command: { type: "join", group: ascii("Movies") },
  },
  {
    name: 'LEAVE "Movies"',
    wire: `04 0c 05 ${a("LEAVE")} ${a("Movies")}`,
    encode: () => encodeLeave(ascii("Movies")),
    command: { type: "leave", group: ascii("Movies") },
  },
  {
    name: "PLAIN HELLO admin/secret is left to the mechanism",
    wire: `04 13 05 ${a("HELLO")} 05 ${a("admin")} 06 ${a("secret")}`,
    encode: () => encodeCommand("HELLO", h(`05 ${a("admin")} 06 ${a("secret")}`)),
    command: { type: "other", name: "HELLO", data: h(`05 ${a("admin")} 06 ${a("secret")}`) },
  },
];

describe("command golden vectors", () => {
  for (const v of VECTORS) {
    const wire = h(v.wire);
    it(`${v.name}: encodes byte for byte`, () => {
      expect(frameHex(v.encode())).toBe(toHex(wire));
    });
    it(`${v.name}: decodes whole and byte by byte`, () => {
      for (const chunks of [[wire], byteByByte(wire)]) {
        const out = decodeChunks(chunks);
        expect(out.frames).toHaveLength(1);
        expect(out.frames[0]!.flags).toBe(FrameFlags.COMMAND);
        expect(decodeCommand(h(out.frames[0]!.body))).toEqual(v.command);
      }
    });
    it(`property: ${v.name}: decodes split at random points`, () => {
      fc.assert(
        fc.property(cutsArb, (cuts) => {
          const out = decodeChunks(splitAt(wire, cuts));
          expect(out.frames).toHaveLength(1);
          expect(decodeCommand(h(out.frames[0]!.body))).toEqual(v.command);
        }),
        { numRuns: runs(30) },
      );
    });
  }

  it("cuts a PING context longer than 16 bytes to 16, as libzmq does", () => {
    const command = decodeCommand(h(`04 ${a("PING")} 0001 ${"41".repeat(17)}`));
    expect(command).toEqual({ type: "ping", ttl: 1, context: ascii("A".repeat(16)) });
  });

  it("returns zero-copy views for topic, context, group and metadata values", () => {
    const body = encodeSubscribe(ascii("topic"));
    const sub = decodeCommand(body) as { topic: Uint8Array };
    expect(sub.topic.buffer).toBe(body.buffer);
    expect(sub.topic.byteOffset).toBe(body.byteOffset + 10);
    const ready = encodeReady([["X-Key", "value"]]);
    const decoded = decodeCommand(ready) as { metadata: Map<string, Uint8Array> };
    expect(decoded.metadata.get("X-Key")!.buffer).toBe(ready.buffer);
  });

  it("matches command names case-sensitively, like libzmq", () => {
    expect(decodeCommand(encodeCommand("ready"))).toEqual({
      type: "other",
      name: "ready",
      data: new Uint8Array(0),
    });
  });
});

describe("malformed commands", () => {
  const cases: { name: string; body: string; protocolError: number }[] = [
    {
      name: "empty body",
      body: "",
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    },
    {
      name: "zero-length name",
      body: "00 41",
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    },
    {
      name: "truncated name",
      body: `05 ${a("READ")}`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    },
    {
      name: "READY with a truncated property",
      body: `05 ${a("READY")} 0b ${a("Socket-Type")} 00 00 00 06 ${a("DEAL")}`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_READY,
    },
    {
      name: "READY with an empty property name",
      body: `05 ${a("READY")} 00 00000000`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_READY,
    },
    {
      name: "READY with one stray byte",
      body: `05 ${a("READY")} 01`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_READY,
    },
    {
      name: "ERROR without reason length",
      body: `05 ${a("ERROR")}`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
    },
    {
      name: "ERROR reason longer than the body",
      body: `05 ${a("ERROR")} 04 ${a("400")}`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
    },
    {
      name: "JOIN group over 255 bytes",
      body: `04 ${a("JOIN")} ${"41".repeat(256)}`,
      protocolError: ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    },
  ];
  for (const c of cases) {
    it(`${c.name} → malformed-command`, () => {
      const result = decodeCommand(h(c.body));
      expect(result).toBeInstanceOf(WireError);
      const error = result as WireError;
      expect(error.code).toBe("EPROTO");
      expect(error.reason).toBe("malformed-command");
      expect(error.protocolError).toBe(c.protocolError);
    });
  }

  it("accepts the edge cases next to them", () => {
    // A PING without (all of) its TTL: libzmq keeps such a peer and answers PONG.
    expect(decodeCommand(h(`04 ${a("PING")}`))).toMatchObject({ type: "ping", ttl: 0 });
    expect(decodeCommand(h(`04 ${a("PING")} 07`))).toMatchObject({ type: "ping", ttl: 0 });
    expect(decodeCommand(h(`04 ${a("PING")} 0000 ${"41".repeat(16)}`))).toMatchObject({
      type: "ping",
    });
    expect(decodeCommand(h(`05 ${a("ERROR")} 00`))).toEqual({ type: "error", reason: "" });
    expect(decodeCommand(h(`05 ${a("READY")}`))).toEqual({ type: "ready", metadata: new Map() });
    expect(decodeCommand(h(`04 ${a("JOIN")} ${"41".repeat(255)}`))).toMatchObject({ type: "join" });
  });

  it("property: arbitrary bytes decode to a command or a malformed-command error, never a throw", () => {
    const names = fc.constantFrom(
      "READY",
      "ERROR",
      "PING",
      "PONG",
      "SUBSCRIBE",
      "CANCEL",
      "JOIN",
      "LEAVE",
      "HELLO",
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(names, fc.uint8Array({ maxLength: 300 }))
        .map(([n, d]) => join([ascii(String.fromCharCode(n.length) + n), d])),
    );
    fc.assert(
      fc.property(body, (bytes) => {
        const result = decodeCommand(bytes);
        if (result instanceof WireError) {
          expect(result.reason).toBe("malformed-command");
          expect(result.protocolError).toBeGreaterThanOrEqual(
            ProtocolError.ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
          );
          expect(result.protocolError).toBeLessThanOrEqual(
            ProtocolError.ZMTP_MALFORMED_COMMAND_WELCOME,
          );
        } else {
          expect(typeof result.type).toBe("string");
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("command encoders", () => {
  it("reject out-of-range arguments with EINVAL", () => {
    const bad: (() => unknown)[] = [
      () => encodeError("x".repeat(256)),
      () => encodePing(-1),
      () => encodePing(65536),
      () => encodePing(1.5),
      () => encodePing(1, new Uint8Array(17)),
      () => encodeJoin(new Uint8Array(256)),
      () => encodeLeave(new Uint8Array(256)),
      () => encodeCommand(""),
      () => encodeCommand("x".repeat(256)),
      () => encodeMetadata([["", "v"]]),
      () => encodeMetadata([["n".repeat(256), "v"]]),
    ];
    for (const f of bad) {
      expect(f).toThrow(WireError);
      try {
        f();
      } catch (error) {
        expect((error as WireError).code).toBe("EINVAL");
      }
    }
    expect(encodeError("x".repeat(255)).length).toBe(7 + 255);
  });

  it("property: each command round-trips through decodeCommand", () => {
    const payload = fc.uint8Array({ maxLength: 255 });
    const commandArb: fc.Arbitrary<[Uint8Array, Command]> = fc.oneof(
      payload.map((t): [Uint8Array, Command] => [
        encodeSubscribe(t),
        { type: "subscribe", topic: t },
      ]),
      payload.map((t): [Uint8Array, Command] => [encodeCancel(t), { type: "cancel", topic: t }]),
      payload.map((g): [Uint8Array, Command] => [encodeJoin(g), { type: "join", group: g }]),
      payload.map((g): [Uint8Array, Command] => [encodeLeave(g), { type: "leave", group: g }]),
      payload.map((c): [Uint8Array, Command] => [encodePong(c), { type: "pong", context: c }]),
      fc
        .tuple(fc.integer({ min: 0, max: 65535 }), fc.uint8Array({ maxLength: 16 }))
        .map(([ttl, c]): [Uint8Array, Command] => [
          encodePing(ttl, c),
          { type: "ping", ttl, context: c },
        ]),
      fc
        .string({ unit: "binary", maxLength: 60 })
        .map((r): [Uint8Array, Command] => [encodeError(r), { type: "error", reason: r }]),
    );
    fc.assert(
      fc.property(commandArb, ([body, expected]) => {
        expect(decodeCommand(body)).toEqual(expected);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("metadata", () => {
  it("encodes name-len name value-len(4 BE) value, strings as UTF-8", () => {
    expect(
      toHex(
        encodeMetadata([
          ["X-É", "é"],
          ["B", h("0001")],
        ]),
      ),
    ).toBe(`04 ${a("X-")}c389 00000002 c3a9 01 42 00000002 0001`.replace(/\s+/g, ""));
  });

  it("rejects truncation with invalid-metadata / ZMTP_INVALID_METADATA", () => {
    for (const bad of ["01", "01 41", "01 41 000000", "01 41 00000002 00", "00 00000000"]) {
      const result = decodeMetadata(h(bad));
      expect(result).toBeInstanceOf(WireError);
      expect((result as WireError).reason).toBe("invalid-metadata");
      expect((result as WireError).code).toBe("EPROTO");
      expect((result as WireError).protocolError).toBe(ProtocolError.ZMTP_INVALID_METADATA);
    }
  });

  it("property: decodeMetadata(encodeMetadata(x)) == x", () => {
    const name = fc
      .string({ unit: "binary", minLength: 1, maxLength: 40 })
      .filter(
        (s) =>
          Buffer.byteLength(s) <= 255 && Buffer.byteLength(s) >= 1 && !/[\uD800-\uDFFF]/.test(s),
      );
    const value = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 8 }),
        (props) => {
          const decoded = decodeMetadata(encodeMetadata(props));
          expect(decoded).toBeInstanceOf(Map);
          const expected = new Map(
            props.map(([n, v]) => [n, typeof v === "string" ? new Uint8Array(Buffer.from(v)) : v]),
          );
          expect(decoded).toEqual(expected);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("property: random bytes give metadata or invalid-metadata, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const result = decodeMetadata(bytes);
        if (result instanceof WireError) expect(result.reason).toBe("invalid-metadata");
        else expect(result).toBeInstanceOf(Map);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("ZMTP 3.0 subscription messages", () => {
  it("encodes 01 topic / 00 topic (zmtp-libzmq.md 1.4)", () => {
    expect(toHex(join(encodeFrame(encodeSubscriptionMessage(true, ascii("A")))))).toBe("00020141");
    expect(toHex(join(encodeFrame(encodeSubscriptionMessage(false, ascii("A")))))).toBe("00020041");
  });

  it("decodes both, with a zero-copy topic, and refuses anything else", () => {
    const body = h("01 4142");
    const sub = decodeSubscriptionMessage(body);
    expect(sub).toEqual({ subscribe: true, topic: ascii("AB") });
    expect(sub!.topic.buffer).toBe(body.buffer);
    expect(decodeSubscriptionMessage(h("00"))).toEqual({
      subscribe: false,
      topic: new Uint8Array(0),
    });
    expect(decodeSubscriptionMessage(new Uint8Array(0))).toBeUndefined();
    expect(decodeSubscriptionMessage(h("02 41"))).toBeUndefined();
  });

  it("property: round trip", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 50 }), (subscribe, topic) => {
        expect(decodeSubscriptionMessage(encodeSubscriptionMessage(subscribe, topic))).toEqual({
          subscribe,
          topic,
        });
      }),
      { numRuns: runs(100) },
    );
  });
});
