/**
 * No ws peer can crash us: hostile and random bytes thrown at a ws:// server
 * through real tcp connections (raw garbage, a valid upgrade followed by random
 * or crafted WebSocket frames: bad opcodes, reserved bits, unmasked frames, huge
 * claimed lengths, fragments, control frames, random chunking), while a legitimate
 * client keeps exchanging messages with the same socket; and hostile servers
 * answering our ws clients. Any exception escaping to the process fails the run.
 */

import { createHash } from "node:crypto";
import {
  createServer,
  type Socket as NetSocket,
  connect as netConnect,
  type Server,
} from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { until, within } from "./helpers";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const upgrade = (protocols: string) =>
  Buffer.from(
    `GET /zmq HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: ${protocols}\r\n\r\n`,
  );

/** One WebSocket frame with any header fields, including illegal ones. */
const frame = fc
  .record({
    fin: fc.boolean(),
    rsv: fc.integer({ min: 0, max: 7 }),
    opcode: fc.oneof(fc.constantFrom(0, 1, 2, 8, 9, 10), fc.integer({ min: 0, max: 15 })),
    masked: fc.boolean(),
    lengthForm: fc.constantFrom("exact", "exact", "exact", "huge", "lie"),
    hugeLength: fc.bigInt({ min: 65_536n, max: (1n << 64n) - 1n }),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // ZWS-looking payloads: a flag byte then a body (commands, MORE, READY-ish).
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }))
        .map(([flags, body]) => Uint8Array.of(flags, ...body)),
      fc.constant(
        Uint8Array.of(
          0x02,
          5,
          ...Buffer.from("READY"),
          11,
          ...Buffer.from("Socket-Type"),
          0,
          0,
          0,
          6,
          ...Buffer.from("DEALER"),
        ),
      ),
    ),
    mask: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  })
  .map((f) => {
    const head: number[] = [(f.fin ? 0x80 : 0) | (f.rsv << 4) | f.opcode];
    const maskBit = f.masked ? 0x80 : 0;
    const length = f.lengthForm === "lie" ? f.payload.length + 1000 : f.payload.length;
    if (f.lengthForm === "huge") {
      head.push(maskBit | 127);
      for (let i = 7; i >= 0; i--) head.push(Number((f.hugeLength >> BigInt(i * 8)) & 0xffn));
    } else if (length < 126) head.push(maskBit | length);
    else {
      head.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
    }
    const body = Uint8Array.from(f.payload);
    if (f.masked) {
      head.push(...f.mask);
      for (let i = 0; i < body.length; i++) body[i]! ^= f.mask[i & 3]!;
    }
    return Buffer.concat([Uint8Array.from(head), body]);
  });

/** What a hostile client sends: maybe an upgrade, then frames or raw bytes. */
const attack = fc
  .tuple(
    fc.constantFrom(
      Buffer.alloc(0),
      upgrade("ZWS2.0/NULL,ZWS2.0"),
      upgrade("ZWS2.0"),
      upgrade("ZWS2.0/PLAIN"),
      upgrade("ZWS2.0/CURVE"),
      Buffer.from("GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"),
    ),
    fc.array(
      fc.oneof(
        frame,
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      ),
      {
        maxLength: 12,
      },
    ),
    fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 6 }),
  )
  .map(([head, parts, cuts]) => {
    const bytes = Buffer.concat([head, ...parts]);
    const chunks: Buffer[] = [];
    let at = 0;
    for (const cut of cuts) {
      if (at >= bytes.length) break;
      chunks.push(bytes.subarray(at, at + cut));
      at += cut;
    }
    if (at < bytes.length) chunks.push(bytes.subarray(at));
    return chunks;
  });

function connectRaw(port: number): Promise<NetSocket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Sends the chunks, then waits until the server closes or a short while passes. */
async function throwAt(port: number, chunks: Buffer[]): Promise<void> {
  const socket = await connectRaw(port);
  socket.on("error", () => {});
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 15))]);
  socket.destroy();
}

describe("ws:// server under hostile peers", () => {
  const sockets: zmq.Socket[] = [];
  let port: number;
  let router: zmq.Router;
  let dealer: zmq.Dealer;
  let served = 0;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on("uncaughtException", onCrash);
    process.on("unhandledRejection", onCrash);
    router = new zmq.Router({ maxMessageSize: 1 << 20, handshakeInterval: 2000 });
    sockets.push(router);
    await router.bind("ws://127.0.0.1:*/zmq");
    port = Number(new URL(router.lastEndpoint!).port);
    void (async () => {
      for await (const [id, ...rest] of router) {
        if (rest.length === 1 && rest[0]!.toString().startsWith("legit")) {
          served++;
          await router.send([id!, ...rest]);
        }
      }
    })().catch(() => {});
    dealer = new zmq.Dealer({ routingId: "legit" });
    sockets.push(dealer);
    dealer.connect(router.lastEndpoint!);
  });

  afterAll(() => {
    for (const socket of sockets) socket.close();
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
  });

  async function legitRoundTrip(n: number): Promise<void> {
    await dealer.send(`legit ${n}`);
    const [reply] = await within(dealer.receive(), 5000, "legit reply");
    expect(reply!.toString()).toBe(`legit ${n}`);
  }

  it("keeps serving a legitimate client while random and crafted bytes arrive", async () => {
    await legitRoundTrip(-1);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(attack, attack, async (a, b) => {
        // Two attackers at once, beside the legitimate traffic.
        const legit = legitRoundTrip(run++);
        await Promise.all([throwAt(port, a), throwAt(port, b)]);
        await legit;
      }),
      { numRuns: 150 },
    );
    await legitRoundTrip(9999);
    expect(served).toBeGreaterThanOrEqual(152);
    expect(crashes).toEqual([]);
  }, 120_000);

  it("our ws clients survive hostile servers, and still work with a good one", async () => {
    const hostile: Server[] = [];
    const answers: Buffer[][] = fc.sample(attack, 40);
    const ports: number[] = [];
    // A valid READY from a PUB (one unmasked binary frame), so half of the hostile servers
    // complete the ZWS handshake before their garbage.
    const ready = Buffer.from([
      0x02,
      5,
      ...Buffer.from("READY"),
      11,
      ...Buffer.from("Socket-Type"),
      0,
      0,
      0,
      3,
      ...Buffer.from("PUB"),
    ]);
    const readyFrame = Buffer.concat([Buffer.from([0x82, ready.length]), ready]);
    for (const [index, answer] of answers.entries()) {
      const server = createServer((socket) => {
        socket.on("error", () => {});
        socket.once("data", (request) => {
          // A correct 101 (so our client gets past the upgrade), then hostile frames.
          const key = /Sec-WebSocket-Key: *([^\r]+)/i.exec(request.toString())?.[1] ?? "";
          const accept = createHash("sha1")
            .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
            .digest("base64");
          const reply = [
            Buffer.from(
              `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n` +
                `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n`,
            ),
            ...(index % 2 === 0 ? [readyFrame] : []),
            ...answer,
          ];
          for (const chunk of reply) if (!socket.destroyed) socket.write(chunk);
          setTimeout(() => socket.destroy(), 10);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      hostile.push(server);
      ports.push((server.address() as { port: number }).port);
    }
    try {
      const sub = new zmq.Subscriber({ reconnectInterval: 20 });
      let handshakes = 0;
      sub.events.on("handshake", () => handshakes++);
      let failures = 0;
      let connects = 0;
      sub.events.on("connect", () => connects++);
      sub.events.on("handshake:error:other", () => failures++);
      sub.events.on("handshake:error:protocol", () => failures++);
      sub.events.on("disconnect", () => failures++);
      sockets.push(sub);
      sub.subscribe("");
      for (const p of ports) sub.connect(`ws://127.0.0.1:${p}/zmq`);
      const pub = new zmq.Publisher();
      sockets.push(pub);
      await pub.bind("ws://127.0.0.1:*");
      sub.connect(pub.lastEndpoint!);
      const got = sub.receive();
      let done = false;
      void got.finally(() => {
        done = true;
      });
      for (let i = 0; i < 400 && !done; i++) {
        await pub.send("from the good server");
        await new Promise((r) => setTimeout(r, 10));
      }
      expect((await within(got)).map(String)).toEqual(["from the good server"]);
      // Some hostile servers got past the upgrade and sent a valid READY (the crafted one).
      expect(crashes).toEqual([]);
      await until(
        () => handshakes > 1 && failures > 0 && connects > 40,
        10_000,
        "hostile handshakes and failures",
      );
      expect(crashes).toEqual([]);
    } finally {
      for (const server of hostile) server.close();
    }
  }, 60_000);
});
