import {
  FrameFlags,
  ProtocolError,
  WireError,
  type ZapClient,
  type ZapReply,
  z85Encode,
} from "@zmq/wire";
import fc from "fast-check";
import nacl from "tweetnacl";
import { beforeAll, describe, expect, it } from "vitest";
import { NonceCounter } from "../src/curve-codec";
import {
  CurveClient,
  CurveCodec,
  CurveServer,
  decodeCurveKey,
  encodeCurveKey,
  generateKeyPair,
  type KeyPair,
  publicKeyOf,
  ready,
} from "../src/index";
import { bytes, frame, frames, join, type Side, settle, side, text } from "./helpers";

const runs = (n: number) => Number(process.env.FUZZ_RUNS ?? 0) || n;
let serverKeys: KeyPair;
let clientKeys: KeyPair;

beforeAll(async () => {
  await ready();
  serverKeys = generateKeyPair();
  clientKeys = generateKeyPair();
});

interface PairOptions {
  serverKey?: Uint8Array;
  zap?: ZapClient;
  zapDomain?: string;
  zapEnforceDomain?: boolean;
  client?: string;
  server?: string;
}

function curvePair(options: PairOptions = {}) {
  const c = side({
    socketType: (options.client ?? "DEALER") as "DEALER",
    mechanism: new CurveClient({
      serverKey: options.serverKey ?? serverKeys.publicKey,
      publicKey: clientKeys.publicKey,
      secretKey: clientKeys.secretKey,
    }),
  });
  const s = side({
    socketType: (options.server ?? "ROUTER") as "ROUTER",
    asServer: true,
    mechanism: new CurveServer({
      secretKey: serverKeys.secretKey,
      ...(options.zap && { zap: options.zap }),
      ...(options.zapDomain !== undefined && { zapDomain: options.zapDomain }),
      ...(options.zapEnforceDomain !== undefined && { zapEnforceDomain: options.zapEnforceDomain }),
      peerAddress: "127.0.0.1",
    }),
  });
  c.conn.start(0);
  s.conn.start(0);
  return { c, s };
}

/** The frames one side wrote after its greeting. */
const written = (x: Side) => frames(join(x.wire.slice(1)));

async function connected(options: PairOptions = {}) {
  const pair = curvePair(options);
  await settle(pair.c, pair.s);
  expect(pair.c.events.errors).toEqual([]);
  expect(pair.s.events.errors).toEqual([]);
  return pair;
}

describe("CURVE handshake, byte layout as libzmq", () => {
  it("HELLO is 200 bytes: version 1.0, 72 zero pad bytes, C′, nonce 1, a box the server key opens", async () => {
    const { c } = await connected();
    const [flags, hello] = written(c)[0]!;
    expect(flags).toBe(FrameFlags.COMMAND);
    expect(hello.length).toBe(200);
    expect(text(hello.subarray(0, 6))).toBe("\x05HELLO");
    expect([...hello.subarray(6, 8)]).toEqual([1, 0]);
    expect(hello.subarray(8, 80).every((b) => b === 0)).toBe(true);
    expect([...hello.subarray(112, 120)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    // An independent NaCl (tweetnacl) opens the signature box: 64 zero bytes.
    const nonce = join([bytes("CurveZMQHELLO---"), hello.subarray(112, 120)]);
    const opened = nacl.box.open(
      hello.slice(120),
      nonce,
      hello.slice(80, 112),
      serverKeys.secretKey,
    );
    expect(opened).not.toBeNull();
    expect([...opened!]).toEqual(new Array(64).fill(0));
  });

  it("WELCOME is 168 bytes, INITIATE carries cookie + nonce 2 + box, READY has nonce 1", async () => {
    const { c, s } = await connected();
    const [welcomeFlags, welcome] = written(s)[0]!;
    expect(welcomeFlags).toBe(FrameFlags.COMMAND);
    expect(welcome.length).toBe(168);
    expect(text(welcome.subarray(0, 8))).toBe("\x07WELCOME");
    const initiate = written(c)[1]![1];
    expect(text(initiate.subarray(0, 9))).toBe("\x08INITIATE");
    expect([...initiate.subarray(105, 113)]).toEqual([0, 0, 0, 0, 0, 0, 0, 2]);
    // 9 + cookie 96 + nonce 8 + MAC 16 + C 32 + vouch 96 + metadata (DEALER: Socket-Type + Identity)
    const metadataLength = 1 + 11 + 4 + 6 + 1 + 8 + 4;
    expect(initiate.length).toBe(113 + 16 + 128 + metadataLength);
    const ready = written(s)[1]![1];
    expect(text(ready.subarray(0, 6))).toBe("\x05READY");
    expect([...ready.subarray(6, 14)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ready.length).toBe(14 + 16 + (1 + 11 + 4 + 6) + (1 + 8 + 4));
    expect(c.events.peer?.socketType).toBe("ROUTER");
    expect(s.events.peer?.socketType).toBe("DEALER");
    expect(c.events.peer?.mechanism).toBe("CURVE");
  });

  it("MESSAGE: outer flags 00 (02 when long), 8-byte MESSAGE name, nonces 3, 4 … from the client", async () => {
    const { c, s } = await connected();
    const before = c.wire.length;
    c.conn.send([bytes("A"), new Uint8Array(300)]);
    await settle(c, s);
    const sent = frames(join(c.wire.slice(before)));
    expect(sent.map(([f]) => f)).toEqual([0, 2]);
    expect(sent.map(([, b]) => text(b.subarray(0, 8)))).toEqual(["\x07MESSAGE", "\x07MESSAGE"]);
    expect(sent.map(([, b]) => b[15])).toEqual([3, 4]);
    expect(sent[0]![1].length).toBe(16 + 16 + 1 + 1);
    expect(s.events.messages.map((m) => m.map((f) => f.length))).toEqual([[1, 300]]);
  });

  it("carries messages both ways, multipart, and commands inside boxes (SUBSCRIBE, PING/PONG)", async () => {
    const { c, s } = await connected({ client: "SUB", server: "PUB" });
    c.conn.send([join([Uint8Array.of(1), bytes("topic")])]);
    await settle(c, s);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["\x01topic"]]);
    // The SUBSCRIBE went out as a MESSAGE frame (flags 00), not as a clear command.
    const last = frames(c.wire.at(-1)!);
    expect(last[0]![0]).toBe(0);
    expect(text(c.wire.at(-1)!)).not.toContain("SUBSCRIBE");
    s.conn.send([bytes("topic"), bytes("body")]);
    await settle(c, s);
    expect(c.events.messages.map((m) => m.map(text))).toEqual([["topic", "body"]]);
  });

  it("answers a PING inside a box with a PONG inside a box", async () => {
    const c = side({
      socketType: "DEALER",
      heartbeatInterval: 10,
      mechanism: new CurveClient({
        serverKey: serverKeys.publicKey,
        publicKey: clientKeys.publicKey,
        secretKey: clientKeys.secretKey,
      }),
    });
    const s = side({
      socketType: "ROUTER",
      asServer: true,
      mechanism: new CurveServer({ secretKey: serverKeys.secretKey }),
    });
    c.conn.start(0);
    s.conn.start(0);
    await settle(c, s);
    const before = s.wire.length;
    c.conn.tick(1000); // sends a PING, boxed
    const ping = frames(join(c.conn.takeOutput()));
    expect(ping.map(([f, b]) => [f, text(b.subarray(0, 8))])).toEqual([[0, "\x07MESSAGE"]]);
    for (const [f, b] of ping) s.conn.receive(frame(f, b), 2);
    await settle(c, s);
    expect(s.events.errors).toEqual([]);
    expect(c.events.errors).toEqual([]);
    const reply = frames(join(s.wire.slice(before)));
    expect(reply.map(([f, b]) => [f, text(b.subarray(0, 8))])).toEqual([[0, "\x07MESSAGE"]]); // the PONG
  });
});

describe("MESSAGE frames sealed straight into the output slab (encodeInto)", () => {
  it("sizes around the header (255/256) and copy (16 KiB) limits: in order, nonces 3, 4 …, bodies intact", async () => {
    const { c, s } = await connected();
    const before = c.wire.length;
    // Sealed sizes 33 + n: 255 and 256 switch short/long headers; under 16,384 the frame is
    // sealed into the encoder's slab, from 16,384 on it is a frame of its own.
    const sizes = [0, 222, 223, 16_350, 16_351, 5, 70_000, 16_349];
    const sent = sizes.map((n, i) => nacl.randomBytes(n).map((b) => b ^ i));
    c.conn.send(sent.slice(0, 4));
    c.conn.send(sent.slice(4));
    await settle(c, s);
    const wire = frames(join(c.wire.slice(before)));
    expect(wire.map(([f]) => f)).toEqual(sizes.map((n) => (n + 33 <= 255 ? 0 : 2)));
    expect(wire.map(([, b]) => b.length)).toEqual(sizes.map((n) => n + 33));
    expect(wire.map(([, b]) => b[15])).toEqual(sizes.map((_, i) => 3 + i));
    expect(s.events.errors).toEqual([]);
    const got = s.events.messages;
    expect(got.map((m) => m.length)).toEqual([4, 4]);
    got.flat().forEach((body, i) => {
      expect(Buffer.from(body).equals(Buffer.from(sent[i]!))).toBe(true);
    });
  });

  it("encodeInto writes the same MESSAGE as encode into stale memory at any offset, nonces shared", () => {
    const key = nacl.randomBytes(32);
    const counter = new NonceCounter(3);
    const sender = new CurveCodec(key, "CurveZMQMESSAGEC", "CurveZMQMESSAGES", counter, 0, 0);
    const receiver = new CurveCodec(
      key,
      "CurveZMQMESSAGES",
      "CurveZMQMESSAGEC",
      new NonceCounter(2),
      0,
      2,
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.nat(40), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (items) => {
          for (const [body, offset, inPlace] of items) {
            const length = sender.encodedLength(body.length);
            let sealed: Uint8Array;
            if (inPlace) {
              const slab = new Uint8Array(offset + length + 7).fill(0xee);
              sender.encodeInto(body, FrameFlags.MORE, slab.subarray(offset, offset + length));
              expect(slab.subarray(offset + length).every((b) => b === 0xee)).toBe(true);
              expect(slab.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
              sealed = slab.slice(offset, offset + length);
            } else sealed = sender.encode(body, FrameFlags.MORE).body.slice();
            expect(text(sealed.subarray(0, 8))).toBe("\x07MESSAGE");
            const nonce = join([bytes("CurveZMQMESSAGEC"), sealed.subarray(8, 16)]);
            const opened = nacl.secretbox.open(sealed.slice(16), nonce, key);
            expect(opened && Buffer.from(opened.subarray(1)).equals(Buffer.from(body))).toBe(true);
            const plain = receiver.decode(sealed);
            if (plain instanceof Error) throw plain;
            expect(Buffer.from(plain.body).equals(Buffer.from(body))).toBe(true);
            expect(plain.flags).toBe(FrameFlags.MORE);
          }
        },
      ),
      { numRuns: runs(60) },
    );
  });
});

describe("CURVE failures", () => {
  it("a wrong server key fails the handshake at HELLO (CRYPTOGRAPHIC); the client gets no WELCOME", async () => {
    const { c, s } = curvePair({ serverKey: generateKeyPair().publicKey });
    await settle(c, s);
    expect(s.events.errors.map((e) => e.protocolError)).toEqual([ProtocolError.ZMTP_CRYPTOGRAPHIC]);
    expect(s.wire.length).toBe(1);
    expect(c.events.peer).toBeUndefined();
  });

  it("gives a typed error for every malformed command", async () => {
    await ready();
    const server = () => {
      const m = new CurveServer({ secretKey: serverKeys.secretKey });
      m.start({ metadata: new Uint8Array(0), asServer: true, peerMinor: 1 });
      return m;
    };
    const client = () => {
      const m = new CurveClient({
        serverKey: serverKeys.publicKey,
        publicKey: clientKeys.publicKey,
        secretKey: clientKeys.secretKey,
      });
      m.start({ metadata: new Uint8Array(0), asServer: false, peerMinor: 1 });
      return m;
    };
    const hello = (mutate: (b: Uint8Array) => void = () => {}) => {
      const m = client();
      const body = m
        .start({ metadata: new Uint8Array(0), asServer: false, peerMinor: 1 })
        .send![0]!.slice();
      mutate(body);
      return body;
    };
    const code = (step: { error?: { protocolError: number | undefined } }) =>
      step.error?.protocolError;
    expect(code(server().receive(hello().subarray(0, 199)))).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
    );
    expect(code(server().receive(hello((b) => (b[6] = 2))))).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
    );
    expect(code(server().receive(hello((b) => (b[150]! ^= 1))))).toBe(
      ProtocolError.ZMTP_CRYPTOGRAPHIC,
    );
    expect(code(server().receive(bytes("\x05READY")))).toBe(ProtocolError.ZMTP_UNEXPECTED_COMMAND);
    // INITIATE too short, and an INITIATE whose cookie came from another connection.
    const s1 = server();
    const welcome = s1.receive(hello()).send![0]!;
    expect(welcome.length).toBe(168);
    expect(code(s1.receive(join([bytes("\x08INITIATE"), new Uint8Array(200)])))).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_INITIATE,
    );
    // Client side: WELCOME wrong length / wrong key, READY too short, ERROR malformed, unknown command.
    expect(code(client().receive(welcome.subarray(0, 167)))).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_WELCOME,
    );
    expect(code(client().receive(welcome))).toBe(ProtocolError.ZMTP_CRYPTOGRAPHIC); // boxed for another C′
    expect(code(client().receive(bytes("\x05READY")))).toBe(ProtocolError.ZMTP_UNEXPECTED_COMMAND);
    expect(code(client().receive(bytes("\x05ERROR\x0540")))).toBe(
      ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
    );
    expect(code(client().receive(bytes("\x04NOPE")))).toBe(ProtocolError.ZMTP_UNEXPECTED_COMMAND);
    expect(client().receive(bytes("\x05ERROR\x03400")).error?.zapStatus).toBe(400);
  });

  it("cookie key rotation: a cookie from one connection does not open on another", async () => {
    const a = curvePair();
    const b = curvePair();
    // Run both to the point where the client sent INITIATE, then swap INITIATEs.
    for (const p of [a, b]) {
      for (let round = 0; round < 2; round++) {
        for (const chunk of p.c.conn.takeOutput()) p.s.conn.receive(chunk, 1); // greeting, then HELLO
        for (const chunk of p.s.conn.takeOutput()) p.c.conn.receive(chunk, 1); // greeting, then WELCOME
      }
    }
    const initiateA = a.c.conn.takeOutput();
    b.c.conn.takeOutput();
    for (const chunk of initiateA) b.s.conn.receive(chunk, 1);
    expect(b.s.events.errors.map((e) => e.protocolError)).toEqual([
      ProtocolError.ZMTP_CRYPTOGRAPHIC,
    ]);
  });

  it("a tampered MESSAGE closes the connection (CRYPTOGRAPHIC) and nothing reaches the application", async () => {
    const { c, s } = await connected();
    c.conn.send([bytes("secret payload")]);
    const [chunk] = c.conn.takeOutput();
    const tampered = chunk!.slice();
    tampered[tampered.length - 1]! ^= 0x80;
    s.conn.receive(tampered, 2);
    expect(s.events.messages).toEqual([]);
    expect(s.events.errors.map((e) => e.protocolError)).toEqual([ProtocolError.ZMTP_CRYPTOGRAPHIC]);
    expect(s.conn.state).toBe("closed");
  });

  it("a replayed or reordered MESSAGE closes the connection (INVALID_SEQUENCE)", async () => {
    const replay = await connected();
    replay.c.conn.send([bytes("once")]);
    const [first] = replay.c.conn.takeOutput();
    replay.s.conn.receive(first!, 2);
    replay.s.conn.receive(first!, 2);
    expect(replay.s.events.messages.map((m) => m.map(text))).toEqual([["once"]]);
    expect(replay.s.events.errors.map((e) => e.protocolError)).toEqual([
      ProtocolError.ZMTP_INVALID_SEQUENCE,
    ]);

    const reorder = await connected();
    reorder.c.conn.send([bytes("one")]);
    const one = join(reorder.c.conn.takeOutput());
    reorder.c.conn.send([bytes("two")]);
    const two = join(reorder.c.conn.takeOutput());
    reorder.s.conn.receive(two, 2);
    reorder.s.conn.receive(one, 2);
    expect(reorder.s.events.messages.map((m) => m.map(text))).toEqual([["two"]]);
    expect(reorder.s.events.errors.map((e) => e.protocolError)).toEqual([
      ProtocolError.ZMTP_INVALID_SEQUENCE,
    ]);
  });

  it("accepts a MESSAGE in a command frame (04) too, as libzmq decodes by the MESSAGE name", async () => {
    const { c, s } = await connected();
    c.conn.send([bytes("x")]);
    const [[, body]] = frames(join(c.conn.takeOutput())) as [[number, Uint8Array]];
    s.conn.receive(frame(FrameFlags.COMMAND, body), 2);
    expect(s.events.messages.map((m) => m.map(text))).toEqual([["x"]]);
  });

  it("a clear-text frame after the handshake is an unexpected command", async () => {
    const { s } = await connected();
    s.conn.receive(frame(0, bytes("hello")), 2);
    expect(s.events.messages).toEqual([]);
    expect(s.events.errors.map((e) => e.protocolError)).toEqual([
      ProtocolError.ZMTP_UNEXPECTED_COMMAND,
    ]);
  });
});

describe("CURVE and ZAP (libzmq curve_server.cpp)", () => {
  const ok: ZapReply = {
    status: 200,
    statusText: "OK",
    userId: bytes("carol"),
    metadata: new Map([["X-Role", bytes("admin")]]),
  };
  const handler = (reply: ZapReply | undefined) => {
    const credentials: Uint8Array[][] = [];
    const zap: ZapClient = async (request) => {
      credentials.push(request.credentials);
      expect(request.mechanism).toBe("CURVE");
      return reply;
    };
    return { zap, credentials };
  };

  it("asks ZAP with the client's long-term key and exposes User-Id and metadata", async () => {
    const { zap, credentials } = handler(ok);
    const { s } = await connected({ zap });
    expect(credentials.map((c) => [...c[0]!])).toEqual([[...clientKeys.publicKey]]);
    expect(text(s.events.peer!.userId!)).toBe("carol");
    expect(text(s.events.peer!.zapMetadata!.get("X-Role")!)).toBe("admin");
  });

  it("400 → ERROR to the client, no READY, no messages", async () => {
    const { zap } = handler({ ...ok, status: 400 });
    const { c, s } = curvePair({ zap });
    await settle(c, s);
    expect(s.events.errors.map((e) => e.zapStatus)).toEqual([400]);
    expect(c.events.errors.map((e) => e.zapStatus)).toEqual([400]);
    expect(text(written(s).at(-1)![1])).toBe("\x05ERROR\x03400");
  });

  it("no handler: accepted (Stonehouse) unless zapEnforceDomain; no domain + enforce skips ZAP", async () => {
    const missing = handler(undefined);
    await connected({ zap: missing.zap });
    const enforced = curvePair({ zap: missing.zap, zapDomain: "d", zapEnforceDomain: true });
    await settle(enforced.c, enforced.s);
    expect(enforced.s.events.errors.map((e) => e.code)).toEqual(["EFAULT"]);
    const asked = handler(ok);
    await connected({ zap: asked.zap, zapEnforceDomain: true });
    expect(asked.credentials).toEqual([]);
  });
});

describe("keys", () => {
  it("takes 40 Z85 characters or 32 bytes, else EINVAL", async () => {
    await ready();
    const raw = generateKeyPair().publicKey;
    expect([...decodeCurveKey(encodeCurveKey(raw))]).toEqual([...raw]);
    expect([...decodeCurveKey(raw)]).toEqual([...raw]);
    expect(encodeCurveKey(raw)).toBe(z85Encode(raw));
    for (const bad of ["short", `${encodeCurveKey(raw)}x`, new Uint8Array(31), "~".repeat(40)]) {
      expect(() => decodeCurveKey(bad)).toThrow(expect.objectContaining({ code: "EINVAL" }));
    }
    const pair = generateKeyPair();
    expect([...publicKeyOf(pair.secretKey)]).toEqual([...pair.publicKey]);
  });
});

describe("property: MESSAGE boxes", () => {
  /** A client-side sender and a server-side receiver under one key. */
  const codecs = (
    senderAllocate?: (n: number) => Uint8Array,
    receiverAllocate?: (n: number) => Uint8Array,
  ) => {
    const key = nacl.randomBytes(32);
    const sender = new CurveCodec(
      key,
      "CurveZMQMESSAGEC",
      "CurveZMQMESSAGES",
      new NonceCounter(3),
      0,
      0,
      senderAllocate,
    );
    const receiver = new CurveCodec(
      key,
      "CurveZMQMESSAGES",
      "CurveZMQMESSAGEC",
      new NonceCounter(2),
      0,
      2,
      receiverAllocate,
    );
    return { sender, receiver, key };
  };
  const flagsArb = fc.constantFrom(0, FrameFlags.MORE, FrameFlags.COMMAND);

  it("unbox(box(x)) == x with its flags, and the box opens with an independent NaCl", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 600 }), flagsArb), {
          minLength: 1,
          maxLength: 8,
        }),
        (items) => {
          const { sender, receiver, key } = codecs();
          for (const [body, flags] of items) {
            const boxed = sender.encode(body, flags);
            expect(boxed.flags).toBe(0);
            const nonce = join([bytes("CurveZMQMESSAGEC"), boxed.body.subarray(8, 16)]);
            const opened = nacl.secretbox.open(boxed.body.slice(16), nonce, key);
            expect(opened).not.toBeNull();
            const plain = receiver.decode(boxed.body);
            if (plain instanceof Error) throw plain;
            expect([...plain.body]).toEqual([...body]);
            expect(plain.flags).toBe(flags);
          }
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("round-trips frames that grow and shrink the WebAssembly scratch, into stale memory from `allocate`", () => {
    let allocations = 0;
    const stale = (n: number) => {
      allocations++;
      return new Uint8Array(n).fill(0xee);
    };
    const { sender, receiver, key } = codecs(stale, stale);
    for (const size of [10, 70_000, 0, 1_100_000, 5, 65_536]) {
      const body = nacl.randomBytes(size);
      const boxed = sender.encode(body, FrameFlags.MORE);
      expect(boxed.body.length).toBe(16 + 16 + 1 + size);
      const nonce = join([bytes("CurveZMQMESSAGEC"), boxed.body.subarray(8, 16)]);
      const opened = nacl.secretbox.open(boxed.body.slice(16), nonce, key);
      expect(opened && Buffer.from(opened.subarray(1)).equals(Buffer.from(body))).toBe(true);
      const plain = receiver.decode(boxed.body);
      if (plain instanceof Error) throw plain;
      expect(Buffer.from(plain.body).equals(Buffer.from(body))).toBe(true);
      expect(plain.flags).toBe(FrameFlags.MORE);
    }
    // One per sealed frame, one per opened body under 4 KiB (larger ones open in place).
    expect(allocations).toBe(9);
  });

  it("after copyOut, opens a large frame marked reused into memory of its own, others still in place", () => {
    const { sender, receiver } = codecs();
    const body = nacl.randomBytes(65_536);
    // Before copyOut the `reused` mark is not looked at: opened over its ciphertext.
    const early = sender.encode(body, 0).body;
    const before = receiver.decode(early, 0, true);
    if (before instanceof Error) throw before;
    expect(before.body.buffer).toBe(early.buffer);
    receiver.copyOut();
    const wire = sender.encode(body, 0).body;
    const copied = receiver.decode(wire, 0, true);
    if (copied instanceof Error) throw copied;
    expect(copied.body.buffer).not.toBe(wire.buffer);
    // The transport reads over the frame's memory: the opened body is untouched.
    wire.fill(0xee);
    expect(Buffer.from(copied.body).equals(Buffer.from(body))).toBe(true);
    // A frame in memory of its own (not reused) is still opened in place.
    const own = sender.encode(body, 0).body;
    const inPlace = receiver.decode(own, 0, false);
    if (inPlace instanceof Error) throw inPlace;
    expect(inPlace.body.buffer).toBe(own.buffer);
    expect(Buffer.from(inPlace.body).equals(Buffer.from(body))).toBe(true);
  });

  it("reuses the memory of a large sealed frame only after `release` says it was written", () => {
    let allocations = 0;
    const counting = (n: number) => {
      allocations++;
      return new Uint8Array(n);
    };
    const { sender, receiver } = codecs(counting);
    const roundTrip = (boxed: Uint8Array, body: Uint8Array) => {
      const plain = receiver.decode(boxed.slice());
      if (plain instanceof Error) throw plain;
      expect(Buffer.from(plain.body).equals(Buffer.from(body))).toBe(true);
    };
    const a = nacl.randomBytes(65_536);
    const first = sender.encode(a, 0).body;
    roundTrip(first, a);
    // Not released: a second frame gets memory of its own, the first stays intact.
    const b = nacl.randomBytes(65_536);
    const second = sender.encode(b, 0).body;
    expect(second.buffer).not.toBe(first.buffer);
    roundTrip(second, b);
    expect(allocations).toBe(2);
    // Released (with unrelated chunks around it): the next frame of that size reuses it.
    sender.release([new Uint8Array(9), first, new Uint8Array(3)]);
    const c = nacl.randomBytes(65_000);
    const third = sender.encode(c, 0).body;
    expect(third.buffer).toBe(first.buffer);
    expect(third.length).toBe(16 + 16 + 1 + 65_000);
    roundTrip(third, c);
    expect(allocations).toBe(2);
    // A frame under half that size does not take it; a second release of one view is ignored.
    sender.release([third]);
    sender.release([third]);
    const small = nacl.randomBytes(20_000);
    expect(sender.encode(small, 0).body.buffer).not.toBe(first.buffer);
    expect(allocations).toBe(3);
    const d = nacl.randomBytes(65_536);
    const fourth = sender.encode(d, 0).body;
    expect(fourth.buffer).toBe(first.buffer);
    roundTrip(fourth, d);
    const e = nacl.randomBytes(65_536);
    expect(sender.encode(e, 0).body.buffer).not.toBe(first.buffer); // only one was released
    // Frames under 4 KiB are never pooled: releasing one changes nothing.
    const tiny = sender.encode(nacl.randomBytes(100), 0).body;
    sender.release([tiny]);
    expect(sender.encode(nacl.randomBytes(100), 0).body.buffer).not.toBe(tiny.buffer);
  });

  it("a MESSAGE that cannot be allocated fails the connection with EMSGSIZE instead of throwing", () => {
    const { sender, receiver } = codecs(undefined, () => {
      throw new RangeError("Array buffer allocation failed");
    });
    const result = receiver.decode(sender.encode(new Uint8Array(100), 0).body);
    expect(result).toBeInstanceOf(WireError);
    expect(result).toMatchObject({ code: "EMSGSIZE", reason: "frame-too-large" });
  });

  it("any single flipped bit in a MESSAGE is detected, never delivered", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 100 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (body, at, bit) => {
          const { sender, receiver } = codecs();
          const boxed = sender.encode(body, 0).body.slice();
          const index = 8 + (at % (boxed.length - 8)); // nonce, MAC or ciphertext
          boxed[index]! ^= 1 << bit;
          const result = receiver.decode(boxed);
          expect(result).toBeInstanceOf(Error);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});
