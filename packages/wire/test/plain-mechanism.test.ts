import { describe, expect, it } from "vitest";
import { utf8Encode } from "../src/bytes";
import { encodeMetadata } from "../src/command";
import { ProtocolError } from "../src/errors";
import { encodePlainHello, PlainClient, PlainServer } from "../src/plain-mechanism";
import type { ZapClient, ZapReply, ZapRequest } from "../src/zap";
import { connect, hex, join, settle, text } from "./mechanism-helpers";

const GREETING_PLAIN = (asServer: number) =>
  `ff${"00".repeat(7)}017f0301${Buffer.from("PLAIN").toString("hex")}${"00".repeat(15)}${asServer
    .toString(16)
    .padStart(2, "0")}${"00".repeat(31)}`;

function reply(status: ZapReply["status"], userId = "", props: [string, string][] = []): ZapReply {
  return {
    status,
    statusText: "",
    userId: utf8Encode(userId),
    metadata: new Map(props.map(([k, v]) => [k, utf8Encode(v)])),
  };
}

function zapWith(answer: ZapReply | undefined): { zap: ZapClient; requests: ZapRequest[] } {
  const requests: ZapRequest[] = [];
  return {
    requests,
    zap: async (request) => {
      requests.push(request);
      return answer;
    },
  };
}

function plainPair(answer: ZapReply | undefined, opts: { noZap?: boolean } = {}) {
  const { zap, requests } = zapWith(answer);
  const { c, s } = connect(
    {
      socketType: "DEALER",
      mechanism: new PlainClient({ username: "admin", password: "secret" }),
    },
    {
      socketType: "ROUTER",
      asServer: true,
      mechanism: new PlainServer({
        ...(!opts.noZap && { zap }),
        zapDomain: "global",
        peerAddress: "127.0.0.1",
        routingId: utf8Encode("srv"),
      }),
    },
  );
  return { c, s, requests };
}

describe("PLAIN (RFC 24) as libzmq", () => {
  it("HELLO for admin/secret is 04 13 05 HELLO 05 admin 06 secret (reference §2.1)", () => {
    const body = encodePlainHello("admin", "secret");
    expect(hex(body)).toBe(
      `05${Buffer.from("HELLO").toString("hex")}05${Buffer.from("admin").toString("hex")}06${Buffer.from("secret").toString("hex")}`,
    );
    expect(body.length).toBe(0x13);
    expect(() => encodePlainHello("x".repeat(256), "")).toThrow(/255/);
  });

  it("greets as PLAIN; as-server follows the local role (libzmq ignores the byte)", () => {
    const { c, s } = plainPair(reply(200));
    expect(hex(c.conn.takeOutput()[0]!)).toBe(GREETING_PLAIN(0));
    expect(hex(s.conn.takeOutput()[0]!)).toBe(GREETING_PLAIN(1));
  });

  it("runs HELLO → WELCOME → INITIATE → READY, asks ZAP once, exposes User-Id and ZAP metadata", async () => {
    const { c, s, requests } = plainPair(reply(200, "alice", [["Hello", "World"]]));
    await settle(c, s);
    expect(c.events.errors).toEqual([]);
    expect(s.events.errors).toEqual([]);
    expect(c.events.peer?.socketType).toBe("ROUTER");
    expect(s.events.peer?.socketType).toBe("DEALER");
    expect(text(s.events.peer!.userId!)).toBe("alice");
    expect(text(s.events.peer!.zapMetadata!.get("Hello")!)).toBe("World");
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.mechanism).toBe("PLAIN");
    expect(request!.domain).toBe("global");
    expect(request!.address).toBe("127.0.0.1");
    expect(text(request!.identity)).toBe("srv");
    expect(request!.credentials.map(text)).toEqual(["admin", "secret"]);
    // The server's commands after the greeting: WELCOME, then READY.
    const serverBytes = join(s.wire.slice(1));
    expect(hex(serverBytes.subarray(0, 10))).toBe(
      `0408${"07"}${Buffer.from("WELCOME").toString("hex")}`,
    );
    c.conn.send([utf8Encode("hi")]);
    await settle(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["hi"]]);
  });

  it("ZAP 400 → ERROR 400 in libzmq's PLAIN form (5e RROR, no length byte); both sides report status 400", async () => {
    const { c, s } = plainPair(reply(400));
    await settle(c, s);
    const serverBytes = join(s.wire.slice(1));
    // [!] libzmq plain_common.hpp: "\x05ERROR" is the hex escape \x05E (0x5e) + "RROR".
    // Captured from libzmq 4.3.5 (zeromq.js) and 4.3.4 (pyzmq): 04 09 5e 52 52 4f 52 03 34 30 30.
    expect(hex(serverBytes)).toBe("04095e52524f5203343030");
    expect(s.events.errors.map((e) => [e.reason, e.zapStatus])).toEqual([["auth-failed", 400]]);
    expect(c.events.errors.map((e) => [e.reason, e.zapStatus])).toEqual([["auth-failed", 400]]);
    expect(c.events.peer).toBeUndefined();
  });

  it("ZAP 500 → ERROR 500", async () => {
    const { c, s } = plainPair(reply(500));
    await settle(c, s);
    expect(c.events.errors.map((e) => e.zapStatus)).toEqual([500]);
  });

  it("ZAP 300 → silent disconnect: no ERROR, the server reports status 300", async () => {
    const { c, s } = plainPair(reply(300));
    await settle(c, s);
    expect(s.wire.length).toBe(1); // the greeting only
    expect(s.events.errors.map((e) => e.zapStatus)).toEqual([300]);
    expect(c.events.errors).toEqual([]);
  });

  it("fails the handshake when no ZAP handler is bound (libzmq 4.3: EFAULT)", async () => {
    for (const noZap of [true, false]) {
      const { c, s } = plainPair(undefined, { noZap });
      await settle(c, s);
      expect(s.events.errors.map((e) => [e.code, e.reason])).toEqual([["EFAULT", "zap-failure"]]);
      expect(s.events.peer).toBeUndefined();
    }
  });

  it("rejects a malformed HELLO and unexpected commands with typed errors", () => {
    const cases: [Uint8Array, number][] = [
      [
        join([Uint8Array.of(5), utf8Encode("HELLO"), Uint8Array.of(5), utf8Encode("adm")]),
        ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
      ],
      [
        join([encodePlainHello("a", "b"), Uint8Array.of(0)]),
        ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
      ],
      [join([Uint8Array.of(5), utf8Encode("READY")]), ProtocolError.ZMTP_UNEXPECTED_COMMAND],
    ];
    for (const [body, code] of cases) {
      const server = new PlainServer({});
      server.start({ metadata: new Uint8Array(0), asServer: true, peerMinor: 1 });
      expect(server.receive(body).error?.protocolError).toBe(code);
    }
  });

  it("client: accepts ERROR in both the RFC form and libzmq's PLAIN form", () => {
    for (const body of [
      join([Uint8Array.of(5), utf8Encode("ERROR"), Uint8Array.of(3), utf8Encode("400")]),
      join([Uint8Array.of(0x5e), utf8Encode("RROR"), Uint8Array.of(3), utf8Encode("400")]),
    ]) {
      const client = new PlainClient({ username: "u", password: "p" });
      client.start({ metadata: new Uint8Array(0), asServer: false, peerMinor: 1 });
      expect(client.receive(body).error?.zapStatus).toBe(400);
    }
  });

  it("client: WELCOME with data, READY before WELCOME, bad ERROR, bad metadata", () => {
    const start = () => {
      const client = new PlainClient({ username: "u", password: "p" });
      client.start({ metadata: new Uint8Array(0), asServer: false, peerMinor: 1 });
      return client;
    };
    const welcome = join([Uint8Array.of(7), utf8Encode("WELCOME")]);
    expect(start().receive(join([welcome, Uint8Array.of(1)])).error?.protocolError).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_WELCOME,
    );
    const ready = join([
      Uint8Array.of(5),
      utf8Encode("READY"),
      encodeMetadata([["Socket-Type", "ROUTER"]]),
    ]);
    expect(start().receive(ready).error?.protocolError).toBe(ProtocolError.ZMTP_UNEXPECTED_COMMAND);
    const badError = join([
      Uint8Array.of(5),
      utf8Encode("ERROR"),
      Uint8Array.of(9),
      utf8Encode("40"),
    ]);
    expect(start().receive(badError).error?.protocolError).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
    );
    const client = start();
    expect(client.receive(welcome).send?.[0]?.[0]).toBe(8); // INITIATE
    const badReady = join([Uint8Array.of(5), utf8Encode("READY"), Uint8Array.of(3, 0x41)]);
    expect(client.receive(badReady).error?.protocolError).toBe(ProtocolError.ZMTP_INVALID_METADATA);
  });
});
