import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkUpgradeRequest,
  checkUpgradeResponse,
  encodeUpgradeRequest,
  encodeUpgradeResponse,
  type HttpHead,
  HttpHeadReader,
  selectZwsProtocol,
  zwsOfferedProtocols,
} from "../src/ws-handshake";
import { ascii, byteByByte, cutsArb, runs, splitAt } from "./codec-helpers";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function readHead(chunks: Uint8Array[], max?: number) {
  const reader = new HttpHeadReader(max);
  for (const chunk of chunks) {
    const result = reader.push(chunk);
    if (result.status !== "partial") return result;
  }
  return { status: "partial" as const };
}

function head(raw: string): HttpHead {
  const result = readHead([ascii(raw)]);
  if (result.status !== "done") throw new Error(`not a head: ${JSON.stringify(result)}`);
  return result.head;
}

/** What libzmq's ws client sends (ws_engine.cpp start_ws_handshake), for a NULL socket. */
const LIBZMQ_REQUEST =
  "GET /zmq HTTP/1.1\r\nHost: 127.0.0.1:5555\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\n" +
  "Sec-WebSocket-Version: 13\r\n\r\n";

describe("subprotocol negotiation as libzmq", () => {
  it("a client offers ZWS2.0/NULL,ZWS2.0 for NULL and only its mechanism otherwise", () => {
    expect(zwsOfferedProtocols("NULL")).toEqual(["ZWS2.0/NULL", "ZWS2.0"]);
    expect(zwsOfferedProtocols("PLAIN")).toEqual(["ZWS2.0/PLAIN"]);
    expect(zwsOfferedProtocols("CURVE")).toEqual(["ZWS2.0/CURVE"]);
  });

  it("a server takes the first offer matching its mechanism; bare ZWS2.0 only for NULL", () => {
    expect(selectZwsProtocol("NULL", ["ZWS2.0/NULL", "ZWS2.0"])).toBe("ZWS2.0/NULL");
    expect(selectZwsProtocol("NULL", ["ZWS2.0", "ZWS2.0/NULL"])).toBe("ZWS2.0");
    expect(selectZwsProtocol("NULL", ["ZWS2.0/PLAIN", "ZWS2.0"])).toBe("ZWS2.0");
    expect(selectZwsProtocol("PLAIN", ["ZWS2.0/NULL", "ZWS2.0"])).toBeUndefined();
    expect(selectZwsProtocol("PLAIN", ["ZWS2.0", "ZWS2.0/PLAIN"])).toBe("ZWS2.0/PLAIN");
    expect(selectZwsProtocol("CURVE", ["ZWS2.0"])).toBeUndefined();
    expect(selectZwsProtocol("NULL", ["chat", "zws2.0"])).toBeUndefined();
  });
});

describe("the upgrade request, server side", () => {
  it("writes libzmq's request byte for byte (NULL, key given)", () => {
    const request = encodeUpgradeRequest({
      host: "127.0.0.1:5555",
      path: "/zmq",
      key: "dGhlIHNhbXBsZSBub25jZQ==",
      protocols: zwsOfferedProtocols("NULL"),
    });
    expect(text(request)).toBe(LIBZMQ_REQUEST);
  });

  it("accepts libzmq's request and answers 101 with the RFC 6455 accept key", () => {
    const request = checkUpgradeRequest(head(LIBZMQ_REQUEST), "NULL");
    if (request instanceof Error) throw request;
    expect(request.protocol).toBe("ZWS2.0/NULL");
    expect(request.path).toBe("/zmq");
    expect(text(encodeUpgradeResponse(request.key, request.protocol))).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n",
    );
  });

  it("accepts a browser's request: Connection: keep-alive, Upgrade and repeated protocol headers", () => {
    const raw = LIBZMQ_REQUEST.replace("Connection: Upgrade", "connection: keep-alive, Upgrade")
      .replace(
        "Sec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0",
        "Sec-WebSocket-Protocol: chat\r\nsec-websocket-protocol:  ZWS2.0 ",
      )
      .replace("Upgrade: websocket", "Upgrade: WebSocket");
    const request = checkUpgradeRequest(head(raw), "NULL");
    if (request instanceof Error) throw request;
    expect(request.protocol).toBe("ZWS2.0");
  });

  const bad: [string, (r: string) => string, RegExp][] = [
    ["POST", (r) => r.replace("GET", "POST"), /GET/],
    ["HTTP/1.0", (r) => r.replace("HTTP/1.1", "HTTP/1.0"), /GET/],
    ["no Upgrade", (r) => r.replace("Upgrade: websocket\r\n", ""), /Upgrade/],
    [
      "Connection: keep-alive",
      (r) => r.replace("Connection: Upgrade", "Connection: keep-alive"),
      /Connection/,
    ],
    [
      "Connection: upgraded",
      (r) => r.replace("Connection: Upgrade", "Connection: upgraded"),
      /Connection/,
    ],
    ["no key", (r) => r.replace(/Sec-WebSocket-Key: .*\r\n/, ""), /Key/],
    ["short key", (r) => r.replace("dGhlIHNhbXBsZSBub25jZQ==", "abc="), /Key/],
    ["version 8", (r) => r.replace("Version: 13", "Version: 8"), /Version/],
    ["no protocol", (r) => r.replace(/Sec-WebSocket-Protocol: .*\r\n/, ""), /subprotocol/],
    [
      "header without colon",
      (r) => r.replace("Upgrade: websocket", "Upgrade websocket"),
      /malformed/,
    ],
  ];
  for (const [name, edit, pattern] of bad) {
    it(`refuses a request with ${name}`, () => {
      const result = readHead([ascii(edit(LIBZMQ_REQUEST))]);
      const error =
        result.status === "done"
          ? checkUpgradeRequest(result.head, "NULL")
          : result.status === "error"
            ? result.error
            : undefined;
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(pattern);
      expect((error as { reason: string }).reason).toBe("websocket-handshake");
    });
  }

  it("a PLAIN server refuses a NULL client's offer", () => {
    const error = checkUpgradeRequest(head(LIBZMQ_REQUEST), "PLAIN");
    expect((error as Error).message).toMatch(/ZWS2.0\/NULL,ZWS2.0.*PLAIN/);
  });
});

describe("the upgrade response, client side", () => {
  const response = (protocol = "ZWS2.0/NULL") =>
    text(encodeUpgradeResponse("dGhlIHNhbXBsZSBub25jZQ==", protocol));
  const offered = ["ZWS2.0/NULL", "ZWS2.0"];

  it("accepts a valid 101 with an offered protocol", () => {
    expect(checkUpgradeResponse(head(response()), "dGhlIHNhbXBsZSBub25jZQ==", offered)).toBe(
      "ZWS2.0/NULL",
    );
    expect(
      checkUpgradeResponse(head(response("ZWS2.0")), "dGhlIHNhbXBsZSBub25jZQ==", offered),
    ).toBe("ZWS2.0");
  });

  it("refuses a wrong accept key, an unoffered protocol, another status", () => {
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    const check = (raw: string) => (checkUpgradeResponse(head(raw), key, offered) as Error).message;
    expect(check(response().replace("s3pP", "AAAA"))).toMatch(/Accept/);
    expect(check(response("ZWS2.0/PLAIN"))).toMatch(/not offered/);
    expect(check("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")).toMatch(/HTTP 400/);
    expect(check(response().replace("Connection: Upgrade", "Connection: close"))).toMatch(
      /Connection/,
    );
  });
});

describe("HttpHeadReader", () => {
  it("finds the end of the head under any chunking and returns the bytes after it", () => {
    fc.assert(
      fc.property(cutsArb, fc.uint8Array({ maxLength: 20 }), (cuts, tail) => {
        const bytes = Buffer.concat([ascii(LIBZMQ_REQUEST), tail]);
        const chunks = splitAt(new Uint8Array(bytes), cuts);
        const reader = new HttpHeadReader();
        let rest: Uint8Array[] = [];
        let done = false;
        for (const chunk of chunks) {
          if (done) {
            rest.push(chunk);
            continue;
          }
          const result = reader.push(chunk);
          if (result.status === "error") throw result.error;
          if (result.status === "done") {
            done = true;
            rest = [result.rest];
            expect(result.head.headers.get("sec-websocket-protocol")).toBe("ZWS2.0/NULL,ZWS2.0");
          }
        }
        expect(done).toBe(true);
        expect(Buffer.concat(rest).toString("hex")).toBe(Buffer.from(tail).toString("hex"));
      }),
      { numRuns: runs(200) },
    );
    expect(readHead(byteByByte(ascii(LIBZMQ_REQUEST))).status).toBe("done");
  });

  it("bounds the header block", () => {
    const result = readHead(
      byteByByte(ascii(`GET / HTTP/1.1\r\nX: ${"a".repeat(200)}\r\n\r\n`)),
      100,
    );
    expect(result.status).toBe("error");
    const endless = new HttpHeadReader(8192);
    let last: string = "partial";
    for (let i = 0; i < 100 && last === "partial"; i++)
      last = endless.push(new Uint8Array(1000).fill(0x41)).status;
    expect(last).toBe("error");
  });

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cutsArb, (data, cuts) => {
        const result = readHead(splitAt(data, cuts), 256);
        if (result.status === "done") checkUpgradeRequest(result.head, "NULL");
      }),
      { numRuns: runs(300) },
    );
  });
});
