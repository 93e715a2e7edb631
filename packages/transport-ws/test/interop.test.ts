/**
 * Interop at the engine + transport level (no @zmq/node): ZwsConnection over
 * this transport against libzmq over ws://, as pyzmq (Debian, libzmq 4.3.4, in
 * a /usr/bin/python3 child process) and zeromq.js (libzmq 4.3.5, in process).
 * No heartbeats are set on a libzmq peer: libzmq aborts the process when a bare
 * ZWS2.0 peer meets a ws socket with heartbeats.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CurveClient, CurveServer, encodeCurveKey, generateKeyPair, ready } from "@zmq/curve";
import type { Listener, StreamConnection } from "@zmq/transport";
import { PlainClient, PlainServer } from "@zmq/wire";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { ws } from "../src/index";
import { ZwsEnd, type ZwsEndOptions } from "./zws-end";

const PYTHON = "/usr/bin/python3";
const PEER_PY = fileURLToPath(new URL("./python/peer.py", import.meta.url));

type SocketType = "REQ" | "REP" | "DEALER" | "ROUTER" | "PUB" | "SUB";

/** CURVE keys for a libzmq socket, all Z85: a server's secret key, or a client's three keys. */
type CurveRole = { server: string } | { serverKey: string; publicKey: string; secretKey: string };

/** PLAIN for a libzmq socket: a server's accepted credentials, or a client's. */
type PlainRole = { plainServer: Record<string, string> } | { plainClient: [string, string] };

/** libzmq heartbeats [interval, timeout] in ms: only ever with ZWS2.0/NULL peers. */
type Heartbeats = { heartbeat: [number, number] };

/** A libzmq socket in some runtime, one at a time per peer. */
interface Libzmq {
  readonly name: string;
  socket(
    type: SocketType,
    routingId?: Uint8Array,
    security?: CurveRole | PlainRole | Heartbeats,
  ): Promise<void>;
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string): Promise<void>;
  subscribe(topic: Uint8Array): Promise<void>;
  send(frames: Uint8Array[]): Promise<void>;
  recv(): Promise<Uint8Array[]>;
  dispose(): Promise<void>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const B = (s: string) => Buffer.from(s, "latin1");

class PyPeer implements Libzmq {
  readonly name = "pyzmq";
  readonly #child: ChildProcess;
  readonly #answers: ((line: string) => void)[] = [];
  #stderr = "";

  constructor() {
    this.#child = spawn(PYTHON, ["-u", PEER_PY], { stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stderr!.on("data", (d: Buffer) => {
      this.#stderr += d.toString();
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) =>
      this.#answers.shift()?.(line),
    );
  }

  async #call(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const line = await new Promise<string>((resolve, reject) => {
      this.#answers.push(resolve);
      this.#child.once("exit", () => reject(new Error(`python exited: ${this.#stderr}`)));
      this.#child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
    const answer = JSON.parse(line) as { ok: boolean; error?: string };
    if (!answer.ok) throw new Error(`pyzmq ${String(request.op)}: ${answer.error}`);
    return answer as Record<string, unknown>;
  }

  async socket(
    type: SocketType,
    routingId?: Uint8Array,
    security?: CurveRole | PlainRole | Heartbeats,
  ) {
    const extra: Record<string, unknown> = {};
    if (security && "server" in security) extra.curve_server = security.server;
    if (security && "serverKey" in security) {
      extra.curve_client = [security.serverKey, security.publicKey, security.secretKey];
    }
    if (security && "plainServer" in security) extra.plain_server = security.plainServer;
    if (security && "plainClient" in security) extra.plain_client = security.plainClient;
    if (security && "heartbeat" in security) extra.heartbeat = security.heartbeat;
    await this.#call({
      op: "socket",
      type,
      ...(routingId && { routing_id: hex(routingId) }),
      ...extra,
    });
  }
  async bind(endpoint: string) {
    return (await this.#call({ op: "bind", endpoint })).endpoint as string;
  }
  async connect(endpoint: string) {
    await this.#call({ op: "connect", endpoint });
  }
  async subscribe(topic: Uint8Array) {
    await this.#call({ op: "subscribe", topic: hex(topic) });
  }
  async send(frames: Uint8Array[]) {
    await this.#call({ op: "send", frames: frames.map(hex) });
  }
  async recv() {
    const answer = await this.#call({ op: "recv" });
    return (answer.frames as string[]).map((f) => new Uint8Array(Buffer.from(f, "hex")));
  }
  async dispose() {
    this.#child.stdin!.end();
    if (this.#child.exitCode === null) {
      await new Promise((resolve) => this.#child.once("exit", resolve));
    }
  }
}

class ZmqjsPeer implements Libzmq {
  readonly name = "zeromq.js";
  #socket: zmq.Socket | undefined;
  #zapSocket: zmq.Router | undefined;

  /** A ZAP handler (RFC 27) in this context, checking PLAIN credentials against `passwords`. */
  async #zap(passwords: Record<string, string>): Promise<void> {
    const router = new zmq.Router({ linger: 0 });
    this.#zapSocket = router;
    await router.bind("inproc://zeromq.zap.01");
    const serve = async () => {
      for await (const [id, empty, version, requestId, , , , , user, password] of router) {
        const ok = user !== undefined && passwords[text(user)] === text(password ?? B(""));
        await router.send([
          id!,
          empty!,
          version!,
          requestId!,
          B(ok ? "200" : "400"),
          B(ok ? "OK" : "no"),
          user ?? B(""),
          B(""),
        ]);
      }
    };
    serve().catch(() => {});
  }

  async socket(
    type: SocketType,
    routingId?: Uint8Array,
    security?: CurveRole | PlainRole | Heartbeats,
  ) {
    if (security && "plainServer" in security) await this.#zap(security.plainServer);
    const curve =
      security && ("server" in security || "serverKey" in security) ? security : undefined;
    const options = {
      ...(curve &&
        ("server" in curve
          ? { curveServer: true, curveSecretKey: curve.server }
          : {
              curveServerKey: curve.serverKey,
              curvePublicKey: curve.publicKey,
              curveSecretKey: curve.secretKey,
            })),
      ...(security && "plainServer" in security && { plainServer: true }),
      ...(security &&
        "heartbeat" in security && {
          heartbeatInterval: security.heartbeat[0],
          heartbeatTimeout: security.heartbeat[1],
        }),
      ...(security &&
        "plainClient" in security && {
          plainUsername: security.plainClient[0],
          plainPassword: security.plainClient[1],
        }),
      linger: 0,
      // A Publisher has no receive side, so no receiveTimeout.
      ...(type !== "PUB" && { receiveTimeout: 10_000 }),
      ...(routingId && { routingId: text(routingId) }),
    };
    const classes = {
      REQ: zmq.Request,
      REP: zmq.Reply,
      DEALER: zmq.Dealer,
      ROUTER: zmq.Router,
      PUB: zmq.Publisher,
      SUB: zmq.Subscriber,
    } as const;
    this.#socket = new classes[type](options as never);
  }
  async bind(endpoint: string) {
    await this.#socket!.bind(endpoint);
    return this.#socket!.lastEndpoint!;
  }
  async connect(endpoint: string) {
    this.#socket!.connect(endpoint);
  }
  async subscribe(topic: Uint8Array) {
    (this.#socket as zmq.Subscriber).subscribe(Buffer.from(topic));
  }
  async send(frames: Uint8Array[]) {
    // zeromq.js masks a ws client's outgoing Buffer in place: always hand it fresh copies.
    await (this.#socket as zmq.Dealer).send(frames.map((f) => Buffer.from(f)));
  }
  async recv() {
    return (await (this.#socket as zmq.Dealer).receive()).map((f) => new Uint8Array(f));
  }
  async dispose() {
    this.#socket?.close();
    this.#zapSocket?.close();
  }
}

function pyzmqMissing(): string | undefined {
  try {
    execFileSync(
      PYTHON,
      ["-c", "import zmq; zmq.Context().socket(zmq.REP).bind('ws://127.0.0.1:*')"],
      {
        stdio: "pipe",
      },
    );
    return undefined;
  } catch (error) {
    return String(error);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Our side listening on ws://; resolves each accepted connection as a ZwsEnd. */
async function listen(options: ZwsEndOptions) {
  const listener: Listener<StreamConnection> = await ws.bind("ws://127.0.0.1:*/zmq");
  cleanups.push(() => listener.close());
  const next = new Promise<ZwsEnd>((resolve) =>
    listener.onConnection((connection) => {
      const end = new ZwsEnd(connection, options);
      cleanups.push(() => end.close());
      resolve(end);
    }),
  );
  return { endpoint: listener.endpoint, next };
}

async function dial(endpoint: string, options: ZwsEndOptions): Promise<ZwsEnd> {
  const end = new ZwsEnd(await ws.connect(endpoint), options);
  cleanups.push(() => end.close());
  return end;
}

const big = (seed: number) => new Uint8Array(60_000).map((_, i) => (i * 31 + seed) & 0xff);

const peers: [string, () => Libzmq, string | undefined][] = [
  ["pyzmq (libzmq 4.3.4)", () => new PyPeer(), pyzmqMissing()],
  ["zeromq.js (libzmq 4.3.5)", () => new ZmqjsPeer(), undefined],
];

for (const [name, makePeer, missing] of peers) {
  describe.skipIf(missing !== undefined)(`ZWS interop with ${name}`, () => {
    async function peer(
      type: SocketType,
      routingId?: Uint8Array,
      security?: CurveRole | PlainRole | Heartbeats,
    ): Promise<Libzmq> {
      const p = makePeer();
      cleanups.push(() => p.dispose());
      await p.socket(type, routingId, security);
      return p;
    }

    it("our REQ → their REP (we connect), with a 60 KB frame both ways", async () => {
      const rep = await peer("REP");
      const endpoint = await rep.bind("ws://127.0.0.1:*/zmq");
      const req = await dial(endpoint, { socketType: "REQ" });
      expect((await req.ready).socketType).toBe("REP");
      expect(req.engine.protocol).toBe("ZWS2.0/NULL");
      req.send([new Uint8Array(0), B("hello"), big(1)]);
      const request = await rep.recv();
      expect(request.map((f) => f.length)).toEqual([5, 60_000]);
      expect(hex(request[1]!)).toBe(hex(big(1)));
      await rep.send([B("world"), big(2)]);
      const reply = await req.recv();
      expect(reply.map((f) => f.length)).toEqual([0, 5, 60_000]);
      expect(hex(reply[2]!)).toBe(hex(big(2)));
    });

    it("their REQ → our REP (they connect), with a 60 KB frame both ways", async () => {
      const server = await listen({ socketType: "REP" });
      const req = await peer("REQ");
      await req.connect(server.endpoint);
      const rep = await server.next;
      expect((await rep.ready).socketType).toBe("REQ");
      // libzmq's client offers ZWS2.0/NULL,ZWS2.0; we take the first.
      expect(rep.engine.protocol).toBe("ZWS2.0/NULL");
      await req.send([B("ping"), big(3)]);
      const request = await rep.recv();
      expect(request.map((f) => f.length)).toEqual([0, 4, 60_000]);
      expect(hex(request[2]!)).toBe(hex(big(3)));
      rep.send([new Uint8Array(0), B("pong"), big(4)]);
      const reply = await req.recv();
      expect(text(reply[0]!)).toBe("pong");
      expect(hex(reply[1]!)).toBe(hex(big(4)));
    });

    it("our DEALER → their ROUTER, and their DEALER → our ROUTER", async () => {
      const router = await peer("ROUTER");
      const endpoint = await router.bind("ws://127.0.0.1:*/zmq");
      const dealer = await dial(endpoint, { socketType: "DEALER", routingId: B("ours") });
      await dealer.ready;
      dealer.send([B("a"), B("b")]);
      expect((await router.recv()).map(text)).toEqual(["ours", "a", "b"]);
      await router.send([B("ours"), B("back")]);
      expect((await dealer.recv()).map(text)).toEqual(["back"]);

      const server = await listen({ socketType: "ROUTER" });
      const theirs = await peer("DEALER", B("theirs"));
      await theirs.connect(server.endpoint);
      const ours = await server.next;
      expect(text((await ours.ready).routingId)).toBe("theirs");
      await theirs.send([B("x")]);
      expect((await ours.recv()).map(text)).toEqual(["x"]);
      ours.send([B("y"), big(5)]);
      const got = await theirs.recv();
      expect(text(got[0]!)).toBe("y");
      expect(hex(got[1]!)).toBe(hex(big(5)));
    });

    it("bare ZWS2.0 (what a browser offers) against their ROUTER: our routing id arrives", async () => {
      const router = await peer("ROUTER");
      const endpoint = await router.bind("ws://127.0.0.1:*/zmq");
      const dealer = await dial(endpoint, {
        socketType: "DEALER",
        protocols: ["ZWS2.0"],
        routingId: B("browser"),
      });
      await dealer.ready;
      expect(dealer.engine.protocol).toBe("ZWS2.0");
      dealer.send([B("hi")]);
      expect((await router.recv()).map(text)).toEqual(["browser", "hi"]);
      await router.send([B("browser"), B("ho")]);
      expect((await dealer.recv()).map(text)).toEqual(["ho"]);
    });

    it("their PUB → our SUB: our subscription travels as data 01 topic and filters", async () => {
      const pub = await peer("PUB");
      const endpoint = await pub.bind("ws://127.0.0.1:*/zmq");
      const sub = await dial(endpoint, { socketType: "SUB" });
      await sub.ready;
      sub.send([B("\x01A")]);
      // Publish B then A until an A arrives: B must never get through.
      let got: Uint8Array[] | undefined;
      for (let i = 0; i < 100 && got === undefined; i++) {
        await pub.send([B(`B${i}`)]);
        await pub.send([B(`A${i}`)]);
        got = await sub.recv(100).catch(() => undefined);
      }
      expect(got).toBeDefined();
      expect(text(got![0]!)).toMatch(/^A\d+$/);
      while (sub.queued > 0) expect(text((await sub.recv())[0]!)).toMatch(/^A/);
    });

    it("their SUB → our PUB: their subscription arrives as the data message 01 topic", async () => {
      const server = await listen({ socketType: "PUB" });
      const sub = await peer("SUB");
      await sub.subscribe(B("news"));
      await sub.connect(server.endpoint);
      const pub = await server.next;
      expect((await pub.ready).socketType).toBe("SUB");
      expect(hex((await pub.recv())[0]!)).toBe(hex(B("\x01news")));
      pub.send([B("news!"), big(6)]);
      const got = await sub.recv();
      expect(text(got[0]!)).toBe("news!");
      expect(hex(got[1]!)).toBe(hex(big(6)));
    });

    it("ZWS2.0/CURVE both ways: @zmq/curve's mechanisms plug into ZwsConnection", async () => {
      await ready();
      const serverKeys = generateKeyPair();
      const clientKeys = generateKeyPair();
      const z = encodeCurveKey;
      // Our CURVE client → their CURVE server.
      const rep = await peer("REP", undefined, { server: z(serverKeys.secretKey) });
      const endpoint = await rep.bind("ws://127.0.0.1:*/zmq");
      const req = await dial(endpoint, {
        socketType: "REQ",
        mechanism: new CurveClient({ serverKey: serverKeys.publicKey, ...clientKeys }),
      });
      await req.ready;
      expect(req.engine.protocol).toBe("ZWS2.0/CURVE");
      req.send([new Uint8Array(0), B("secret"), big(7)]);
      const request = await rep.recv();
      expect(text(request[0]!)).toBe("secret");
      expect(hex(request[1]!)).toBe(hex(big(7)));
      await rep.send([B("sealed")]);
      expect((await req.recv()).map(text)).toEqual(["", "sealed"]);

      // Their CURVE client → our CURVE server.
      const server = await listen({
        socketType: "REP",
        asServer: true,
        mechanism: new CurveServer({ secretKey: serverKeys.secretKey }),
      });
      const theirs = await peer("REQ", undefined, {
        serverKey: z(serverKeys.publicKey),
        publicKey: z(clientKeys.publicKey),
        secretKey: z(clientKeys.secretKey),
      });
      await theirs.connect(server.endpoint);
      const ours = await server.next;
      await ours.ready;
      expect(ours.engine.protocol).toBe("ZWS2.0/CURVE");
      await theirs.send([B("q")]);
      expect((await ours.recv()).map(text)).toEqual(["", "q"]);
      ours.send([new Uint8Array(0), B("a")]);
      expect((await theirs.recv()).map(text)).toEqual(["a"]);
    });

    it("ZWS2.0/PLAIN: their PLAIN client → our PLAIN server (ZAP answered here)", async () => {
      const seen: string[] = [];
      const server = await listen({
        socketType: "REP",
        asServer: true,
        mechanism: new PlainServer({
          zapDomain: "ws",
          zap: async (request) => {
            const [user, password] = request.credentials.map(text);
            seen.push(`${user}/${password}`);
            return {
              status: user === "admin" && password === "secret" ? 200 : 400,
              statusText: "",
              userId: B(user ?? ""),
              metadata: new Map(),
            };
          },
        }),
      });
      const req = await peer("REQ", undefined, { plainClient: ["admin", "secret"] });
      await req.connect(server.endpoint);
      const rep = await server.next;
      expect(text((await rep.ready).userId!)).toBe("admin");
      expect(rep.engine.protocol).toBe("ZWS2.0/PLAIN");
      expect(seen).toEqual(["admin/secret"]);
      await req.send([B("q")]);
      expect((await rep.recv()).map(text)).toEqual(["", "q"]);
      rep.send([new Uint8Array(0), B("a")]);
      expect((await req.recv()).map(text)).toEqual(["a"]);
    });

    it("ZWS2.0/PLAIN: our PLAIN client → their PLAIN server (with a ZAP handler on their side)", async () => {
      const rep = await peer("REP", undefined, { plainServer: { admin: "secret" } });
      const endpoint = await rep.bind("ws://127.0.0.1:*/zmq");
      const req = await dial(endpoint, {
        socketType: "REQ",
        mechanism: new PlainClient({ username: "admin", password: "secret" }),
      });
      await req.ready;
      req.send([new Uint8Array(0), B("plain")]);
      expect((await rep.recv()).map(text)).toEqual(["plain"]);
      const refused = await dial(endpoint, {
        socketType: "REQ",
        mechanism: new PlainClient({ username: "admin", password: "wrong" }),
      });
      // libzmq's PLAIN server sends ERROR with the ZAP status.
      await expect(refused.ready).rejects.toMatchObject({
        reason: "auth-failed",
        zapStatus: 400,
      });
    });

    it("our heartbeats against libzmq: it answers pings with ZWS2.0/NULL; in bare mode it ignores them and we keep the connection", async () => {
      const router = await peer("ROUTER");
      const endpoint = await router.bind("ws://127.0.0.1:*/zmq");
      const results: string[] = [];
      for (const protocols of [["ZWS2.0/NULL"], ["ZWS2.0"]]) {
        const dealer = await dial(endpoint, {
          socketType: "DEALER",
          protocols,
          heartbeatInterval: 50,
          heartbeatTimeout: 1000,
        });
        await dealer.ready;
        // Without pongs the first ping (at 50 ms) would time out at 1050 ms.
        await new Promise((r) => setTimeout(r, 1500));
        results.push(`${protocols[0]}: ${dealer.errors.map((e) => e.reason).join(",") || "alive"}`);
      }
      expect(results).toEqual(["ZWS2.0/NULL: alive", "ZWS2.0: alive"]);
    });

    it("libzmq's heartbeats (ZWS2.0/NULL only): we answer its pings and it keeps us", async () => {
      const router = await peer("ROUTER", undefined, { heartbeat: [50, 300] });
      const endpoint = await router.bind("ws://127.0.0.1:*/zmq");
      // Offer NULL only: a bare ZWS2.0 peer would make libzmq with heartbeats abort.
      const dealer = await dial(endpoint, { socketType: "DEALER", protocols: ["ZWS2.0/NULL"] });
      await dealer.ready;
      await new Promise((r) => setTimeout(r, 1000));
      dealer.send([B("still here")]);
      expect((await router.recv()).map(text)[1]).toBe("still here");
      expect(dealer.errors).toEqual([]);
    });
  });
}
