/**
 * PLAIN, CURVE and ZAP against libzmq (zeromq.js 6.8 / libzmq 4.3.5 and pyzmq /
 * libzmq 4.3.4), both directions, over tcp and ipc: working sessions, a wrong
 * server key, clients rejected by ZAP, and — through a tcp relay — a capture
 * with no plaintext and tampered or replayed MESSAGEs that close the connection.
 *
 * The peer process runs a ZAP handler (op "zap") that allows `PLAIN:admin:secret`
 * and the CURVE client key below; our server side uses `zapHandler` in its own
 * context, or no handler at all (CURVE then accepts any client, as libzmq).
 */
import * as zmq from "@zmq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bindAddress,
  buf,
  cleanupIpc,
  contains,
  type End,
  ourSocket,
  Peer,
  type PeerKind,
  pyzmqUnavailable,
  Sniffer,
  type Transport,
  tryRecv,
} from "./harness";

const server = zmq.curveKeyPair();
const client = zmq.curveKeyPair();
const stranger = zmq.curveKeyPair();
const SECRET = "the eagle lands at midnight 5e1f";

const kinds: PeerKind[] = ["zmqjs"];
if (pyzmqUnavailable() === undefined) kinds.push("pyzmq");
else console.warn(`interop security: skipping pyzmq: ${pyzmqUnavailable()}`);

const curveClientOptions = (serverKey = server.publicKey, keys = client) => ({
  curveServerKey: serverKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});
const theirCurveClient = (serverKey = server.publicKey, keys = client) => ({
  CURVE_SERVERKEY: serverKey,
  CURVE_PUBLICKEY: keys.publicKey,
  CURVE_SECRETKEY: keys.secretKey,
});

async function roundTrip(dealer: End, router: End): Promise<void> {
  await dealer.send(["hello", SECRET]);
  const [id, a, b] = await router.recv(5000);
  expect([String(a), String(b)]).toEqual(["hello", SECRET]);
  await router.send([id!, "back"]);
  expect((await dealer.recv(5000)).map(String)).toEqual(["back"]);
}

afterAll(cleanupIpc);

describe.each(kinds)("security against %s", (kind) => {
  let peer: Peer;
  const closers: (() => unknown)[] = [];
  const later = <T extends { close(): unknown }>(x: T): T => {
    closers.push(() => x.close());
    return x;
  };

  beforeAll(async () => {
    peer = await Peer.start(kind);
    await peer.request("zap", { allow: ["PLAIN:admin:secret", `CURVE:${client.publicKey}`] });
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
    await peer.stop();
  });

  describe.each(["tcp", "ipc"] as Transport[])("over %s", (transport) => {
    it("CURVE: our client → their server (their ZAP allows our key)", async () => {
      const theirs = later(
        await peer.socket("ROUTER", { CURVE_SERVER: true, CURVE_SECRETKEY: server.secretKey }),
      );
      const endpoint = await theirs.bind(bindAddress(transport));
      const ours = later(ourSocket("DEALER", curveClientOptions()));
      await ours.connect(endpoint);
      await roundTrip(ours, theirs);
      expect(ours.socket.securityMechanism).toBe("curve");
    });

    it("CURVE: their client → our server (no ZAP handler: any client, as libzmq)", async () => {
      const ours = later(
        ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey }),
      );
      const endpoint = await ours.bind(bindAddress(transport));
      const theirs = later(await peer.socket("DEALER", theirCurveClient()));
      await theirs.connect(endpoint);
      await roundTrip(theirs, ours);
    });

    it("CURVE with large frames (64 KiB, 1 MiB, 3 MiB) both ways: read straight into their buffers, opened in place; and frames around the sealed-in-slab limit", async () => {
      const ours = later(
        ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey }),
      );
      const endpoint = await ours.bind(bindAddress(transport));
      const theirs = later(await peer.socket("DEALER", theirCurveClient()));
      await theirs.connect(endpoint);
      // 222/223 and 16,350/16,351 bytes seal to 255/256 and 16,383/16,384: the short/long header
      // and the last frame sealed into the output slab / the first sealed into a frame of its own.
      const sizes = [65_536, 1 << 20, 3 << 20, 100_000, 222, 223, 16_350, 16_351, 5_000];
      const pattern = (size: number, seed: number) => {
        const out = Buffer.allocUnsafe(size);
        for (let i = 0; i < size; i++) out[i] = (i * 7 + seed + (i >> 10)) & 0xff;
        return out;
      };
      for (const [i, size] of sizes.entries()) {
        const up = pattern(size, i);
        await theirs.send([up, "tail"], 20_000);
        const [id, body, tail] = await ours.recv(20_000);
        expect([body!.length, body!.equals(up), String(tail)]).toEqual([size, true, "tail"]);
        const down = pattern(size, i + 100);
        await ours.send([id!, down]);
        const [back] = await theirs.recv(20_000);
        expect([back!.length, back!.equals(down)]).toEqual([size, true]);
      }
    });

    it("PLAIN: our client → their server", async () => {
      const theirs = later(await peer.socket("ROUTER", { PLAIN_SERVER: true }));
      const endpoint = await theirs.bind(bindAddress(transport));
      const ours = later(ourSocket("DEALER", { plainUsername: "admin", plainPassword: "secret" }));
      await ours.connect(endpoint);
      await roundTrip(ours, theirs);
    });

    it("PLAIN: their client → our server with a ZAP handler (User-Id on each frame)", async () => {
      const context = new zmq.Context();
      later(
        await zmq.zapHandler(
          ({ credentials }) =>
            credentials.map(String).join(":") === "admin:secret"
              ? { status: 200, userId: "admin", metadata: { "X-Clearance": "high" } }
              : { status: 400 },
          { context },
        ),
      );
      const ours = later(ourSocket("ROUTER", { plainServer: true, context }));
      const endpoint = await ours.bind(bindAddress(transport));
      const theirs = later(
        await peer.socket("DEALER", { PLAIN_USERNAME: "admin", PLAIN_PASSWORD: "secret" }),
      );
      await theirs.connect(endpoint);
      await roundTrip(theirs, ours);
      await theirs.send(["who", "am i"]);
      const [, who, ami] = await ours.recv(5000);
      for (const frame of [who!, ami!]) {
        expect(zmq.messageProperty(frame, "User-Id")).toBe("admin");
        expect(zmq.messageProperty(frame, "X-Clearance")).toBe("high");
        expect(zmq.messageProperty(frame, "Socket-Type")).toBe("DEALER");
      }
    });

    it("CURVE: their client → our server with a ZAP handler (User-Id from the client key)", async () => {
      const context = new zmq.Context();
      const keys: number[] = [];
      later(
        await zmq.zapHandler(
          ({ mechanism, credentials }) => {
            keys.push(credentials[0]!.length);
            return mechanism === "CURVE" ? { status: 200, userId: "curve-user" } : { status: 400 };
          },
          { context },
        ),
      );
      const ours = later(
        ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey, context }),
      );
      const endpoint = await ours.bind(bindAddress(transport));
      const theirs = later(await peer.socket("DEALER", theirCurveClient()));
      await theirs.connect(endpoint);
      await theirs.send(["hello", SECRET]);
      const [, a, b] = await ours.recv(5000);
      expect(String(b)).toBe(SECRET);
      for (const frame of [a!, b!]) {
        expect(zmq.messageProperty(frame, "User-Id")).toBe("curve-user");
      }
      expect(keys).toEqual([32]); // ZAP saw the client's long-term key
    });

    it("a wrong server key fails the handshake, both directions; nothing gets through", async () => {
      // Ours → theirs.
      const theirServer = later(
        await peer.socket("ROUTER", { CURVE_SERVER: true, CURVE_SECRETKEY: server.secretKey }),
      );
      const theirEndpoint = await theirServer.bind(bindAddress(transport));
      const ourClient = later(ourSocket("DEALER", curveClientOptions(stranger.publicKey)));
      await ourClient.connect(theirEndpoint);
      await ourClient.send(["lost"], 1000);
      expect(await tryRecv(theirServer, 500)).toBeUndefined();
      // Theirs → ours: our server reports the cryptographic failure.
      const ourServer = later(
        ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey }),
      );
      const ourEndpoint = await ourServer.bind(bindAddress(transport));
      const theirClient = later(await peer.socket("DEALER", theirCurveClient(stranger.publicKey)));
      await theirClient.connect(ourEndpoint);
      const failed = await ourServer.log.waitFor("handshake:error:protocol");
      expect(failed.error.code).toBe("ERR_ZMTP_CRYPTOGRAPHIC");
      expect(await tryRecv(ourServer, 300)).toBeUndefined();
    });

    it("a client rejected by ZAP gets an auth error 400 and no messages through, both directions", async () => {
      // Our PLAIN client with a wrong password against their server + their ZAP handler.
      const theirServer = later(await peer.socket("ROUTER", { PLAIN_SERVER: true }));
      const theirEndpoint = await theirServer.bind(bindAddress(transport));
      const ourClient = later(
        ourSocket("DEALER", { plainUsername: "admin", plainPassword: "nope" }),
      );
      await ourClient.connect(theirEndpoint);
      const denied = await ourClient.log.waitFor("handshake:error:auth");
      expect((denied.error as unknown as { status: number }).status).toBe(400);
      expect(await tryRecv(theirServer, 300)).toBeUndefined();
      // Their CURVE client with an unknown key against our server + our ZAP handler.
      const context = new zmq.Context();
      later(
        await zmq.zapHandler(
          ({ credentials }) =>
            buf(credentials[0]!).equals(decodeZ85(client.publicKey))
              ? { status: 200 }
              : { status: 400 },
          { context },
        ),
      );
      const ourServer = later(
        ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey, context }),
      );
      const ourEndpoint = await ourServer.bind(bindAddress(transport));
      const theirClient = later(
        await peer.socket("DEALER", theirCurveClient(server.publicKey, stranger), true),
      );
      await theirClient.connect(ourEndpoint);
      await theirClient.send(["sneaky"], 1000);
      const ourDenial = await ourServer.log.waitFor("handshake:error:auth");
      expect((ourDenial.error as unknown as { status: number }).status).toBe(400);
      const theirEvents = await theirClient.events("HANDSHAKE_FAILED_AUTH", 3000);
      expect(theirEvents.find((e) => e.event === "HANDSHAKE_FAILED_AUTH")?.value).toBe(400);
      expect(await tryRecv(ourServer, 300)).toBeUndefined();
    });
  });

  describe("through a tcp relay", () => {
    it("a capture of a CURVE session contains no plaintext (both directions)", async () => {
      const theirs = later(
        await peer.socket("ROUTER", { CURVE_SERVER: true, CURVE_SECRETKEY: server.secretKey }),
      );
      const target = await theirs.bind("tcp://127.0.0.1:*");
      const { sniffer, endpoint } = await Sniffer.start(target);
      later(sniffer);
      const ours = later(ourSocket("DEALER", curveClientOptions()));
      await ours.connect(endpoint);
      await ours.send(["hello", SECRET]);
      const [id] = await theirs.recv(5000);
      await theirs.send([id!, `${SECRET} reply`]);
      expect((await ours.recv(5000)).map(String)).toEqual([`${SECRET} reply`]);
      expect(sniffer.up.length).toBeGreaterThan(200 + 257);
      expect(contains(sniffer.up, SECRET)).toBe(false);
      expect(contains(sniffer.down, SECRET)).toBe(false);
      expect(contains(sniffer.up, "hello")).toBe(false);
    });

    for (const attack of ["tampered", "replayed"] as const) {
      it(`a ${attack} MESSAGE from libzmq closes the connection and nothing reaches our socket`, async () => {
        const ours = later(
          ourSocket("ROUTER", { curveServer: true, curveSecretKey: server.secretKey }),
        );
        const target = await ours.bind("tcp://127.0.0.1:*");
        let armed = false;
        const { sniffer, endpoint } = await Sniffer.start(target, (dir, chunk) => {
          if (!armed || dir !== "up") return chunk;
          armed = false;
          if (attack === "replayed") return Buffer.concat([chunk, chunk]);
          const out = Buffer.from(chunk);
          out[out.length - 1]! ^= 0x01;
          return out;
        });
        later(sniffer);
        const theirs = later(await peer.socket("DEALER", theirCurveClient()));
        await theirs.connect(endpoint);
        await theirs.send(["warm-up"]);
        expect((await ours.recv(5000)).slice(1).map(String)).toEqual(["warm-up"]);
        armed = true;
        await theirs.send([SECRET]);
        const closed = await ours.log.waitFor("disconnect");
        expect(closed.address).toBe(target);
        const got = await tryRecv(ours, 300);
        if (attack === "tampered") expect(got).toBeUndefined();
        // A replay delivers the original once, then the copy closes the connection.
        else expect(got?.slice(1).map(String)).toEqual([SECRET]);
        expect(await tryRecv(ours, 200)).toBeUndefined();
      });
    }
  });
});

function decodeZ85(text: string): Buffer {
  const ALPHABET =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 85 + ALPHABET.indexOf(text[i + j]!);
    out.writeUInt32BE(value, (i / 5) * 4);
  }
  return out;
}
