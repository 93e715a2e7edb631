/**
 * The cross-cutting checks of the suite, for one kind of libzmq peer: fan-out
 * and fan-in, the wire forms of subscriptions, heartbeats, peer restarts,
 * socket-type mismatches, routing ids and STREAM against raw tcp.
 */
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import {
  bindAddress,
  contains,
  delay,
  downgradeGreeting,
  type End,
  type Ours,
  ourSocket,
  Peer,
  type PeerKind,
  type RemoteSocket,
  Sniffer,
  type Transport,
  tryRecv,
  until,
} from "./harness";
import { expectFrames, expectSubscription, publishUntilReceived } from "./patterns";

const TRANSPORTS: Transport[] = ["tcp", "ipc"];
const sides = [true, false] as const;
const bindsLabel = (weBind: boolean) => (weBind ? "we bind" : "we connect");

/** A command frame body as it appears on the wire: `04 len name-len name data`. */
function commandBytes(name: string, data: string): Buffer {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from(data)]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}
/** A one-frame message as it appears on the wire (short frame). */
function messageBytes(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, body.length]), body]);
}
const subMsg = (subscribe: boolean, topic: string) =>
  Buffer.concat([Buffer.from([subscribe ? 1 : 0]), Buffer.from(topic)]);

async function closeAll(ends: Array<End | undefined>): Promise<void> {
  for (const end of ends) await end?.close();
}

/** Same endpoint again: a concrete tcp port or the same ipc path. */
const rebindable = (endpoint: string) => endpoint;

export function defineFeatures(kind: PeerKind, shared: () => Peer): void {
  // ---- PUSH/PULL fan-out and fan-in ------------------------------------------------
  describe("PUSH-PULL fan-out and fan-in", () => {
    const N = 3;
    const PER = 10;
    for (const oursPushes of sides) {
      for (const weBind of sides) {
        for (const transport of TRANSPORTS) {
          const who = oursPushes
            ? `our PUSH -> ${N} ${kind} PULLs`
            : `${kind} PUSH -> ${N} our PULLs`;
          it(`fan-out: ${who}, ${bindsLabel(weBind)}, ${transport}`, async () => {
            const peer = shared();
            const pushOurs = oursPushes;
            const push: End = pushOurs ? ourSocket("PUSH") : await peer.socket("PUSH");
            const pulls: End[] = [];
            for (let i = 0; i < N; i++)
              pulls.push(pushOurs ? await peer.socket("PULL") : ourSocket("PULL"));
            const pushBinds = weBind === pushOurs;
            try {
              if (pushBinds) {
                const endpoint = await push.bind(bindAddress(transport));
                for (const pull of pulls) await pull.connect(endpoint);
                // Round-robin is exact only once every puller is attached.
                if (pushOurs) await (push as Ours).log.waitFor("handshake", 5000, N);
                else {
                  for (const pull of pulls) await (pull as Ours).log.waitFor("handshake");
                  await (push as RemoteSocket).nudge();
                }
              } else {
                for (const pull of pulls)
                  await push.connect(await pull.bind(bindAddress(transport)));
              }
              for (let i = 0; i < N * PER; i++) await push.send([`m${i}`]);
              const counts: number[] = [];
              let total = 0;
              for (const pull of pulls) {
                let count = 0;
                for (;;) {
                  const got = await tryRecv(pull, count === PER ? 100 : 5000);
                  if (got === undefined) break;
                  count++;
                }
                counts.push(count);
                total += count;
              }
              expect(total).toBe(N * PER);
              expect(counts).toEqual(Array(N).fill(PER));
            } finally {
              await closeAll([push, ...pulls]);
            }
          });
          const whoIn = oursPushes
            ? `${N} our PUSHes -> ${kind} PULL`
            : `${N} ${kind} PUSHes -> our PULL`;
          it(`fan-in: ${whoIn}, ${bindsLabel(weBind)}, ${transport}`, async () => {
            const peer = shared();
            const pushes: End[] = [];
            for (let i = 0; i < N; i++)
              pushes.push(oursPushes ? ourSocket("PUSH") : await peer.socket("PUSH"));
            const pull: End = oursPushes ? await peer.socket("PULL") : ourSocket("PULL");
            const pullBinds = weBind !== oursPushes;
            try {
              if (pullBinds) {
                const endpoint = await pull.bind(bindAddress(transport));
                for (const push of pushes) await push.connect(endpoint);
              } else {
                for (const push of pushes)
                  await pull.connect(await push.bind(bindAddress(transport)));
              }
              for (let i = 0; i < PER; i++) {
                for (let p = 0; p < N; p++) await pushes[p]!.send([`p${p}`, `${i}`]);
              }
              const next = Array(N).fill(0);
              for (let i = 0; i < N * PER; i++) {
                const [from, seq] = await pull.recv();
                const p = Number(from!.toString().slice(1));
                // Fair-queued, but each pusher's messages stay in order.
                expect(Number(seq!.toString())).toBe(next[p]);
                next[p]++;
              }
              expect(next).toEqual(Array(N).fill(PER));
            } finally {
              await closeAll([...pushes, pull]);
            }
          });
        }
      }
    }
  });

  // ---- subscriptions on the wire -----------------------------------------------------
  describe("subscription wire forms (tcp, through a byte sniffer)", () => {
    for (const downgrade of [false, true]) {
      const form = downgrade ? "3.0 message form" : "3.1 SUBSCRIBE/CANCEL commands";
      it(`${kind} SUB -> our XPUB: ${form}`, async () => {
        const peer = shared();
        const xpub = ourSocket("XPUB");
        const subscriber = await peer.socket("SUB");
        // Downgrading *our* greeting makes libzmq treat us as a ZMTP 3.0 peer.
        const target = await xpub.bind("tcp://127.0.0.1:*");
        const { sniffer, endpoint } = await Sniffer.start(
          target,
          downgrade ? downgradeGreeting("down") : undefined,
        );
        try {
          await subscriber.connect(endpoint);
          await subscriber.subscribe("topic");
          await expectSubscription(xpub, true, "topic", subscriber);
          await subscriber.unsubscribe("topic");
          await expectSubscription(xpub, false, "topic", subscriber);
          if (downgrade) {
            expect(contains(sniffer.up, messageBytes(subMsg(true, "topic")))).toBe(true);
            expect(contains(sniffer.up, messageBytes(subMsg(false, "topic")))).toBe(true);
            expect(contains(sniffer.up, "SUBSCRIBE")).toBe(false);
          } else {
            expect(contains(sniffer.up, commandBytes("SUBSCRIBE", "topic"))).toBe(true);
            expect(contains(sniffer.up, commandBytes("CANCEL", "topic"))).toBe(true);
          }
          // Filtering follows: subscribe again and receive.
          await subscriber.subscribe("t");
          await expectSubscription(xpub, true, "t", subscriber);
          expectFrames(await publishUntilReceived(xpub, subscriber, ["t", "x"], ["u", "y"]), [
            "t",
            "x",
          ]);
        } finally {
          await closeAll([xpub, subscriber]);
          await sniffer.close();
        }
      });
      it(`our SUB -> ${kind} XPUB: ${form}`, async () => {
        const peer = shared();
        const xpub = await peer.socket("XPUB");
        const subscriber = ourSocket("SUB");
        const target = await xpub.bind("tcp://127.0.0.1:*");
        // Downgrading libzmq's greeting makes us treat it as a ZMTP 3.0 peer.
        const { sniffer, endpoint } = await Sniffer.start(
          target,
          downgrade ? downgradeGreeting("down") : undefined,
        );
        try {
          await subscriber.connect(endpoint);
          await subscriber.subscribe("topic");
          await expectSubscription(xpub, true, "topic");
          await subscriber.unsubscribe("topic");
          await expectSubscription(xpub, false, "topic");
          if (downgrade) {
            expect(contains(sniffer.up, messageBytes(subMsg(true, "topic")))).toBe(true);
            expect(contains(sniffer.up, messageBytes(subMsg(false, "topic")))).toBe(true);
            expect(contains(sniffer.up, "SUBSCRIBE")).toBe(false);
          } else {
            expect(contains(sniffer.up, commandBytes("SUBSCRIBE", "topic"))).toBe(true);
            expect(contains(sniffer.up, commandBytes("CANCEL", "topic"))).toBe(true);
          }
          await subscriber.subscribe("t");
          await expectSubscription(xpub, true, "t");
          expectFrames(await publishUntilReceived(xpub, subscriber, ["t", "x"], ["u", "y"]), [
            "t",
            "x",
          ]);
        } finally {
          await closeAll([xpub, subscriber]);
          await sniffer.close();
        }
      });
    }
  });

  // ---- heartbeats ----------------------------------------------------------------------
  describe("heartbeats", () => {
    for (const weBind of sides) {
      for (const transport of TRANSPORTS) {
        it(`${kind} pings every 50 ms: we answer PONG and the link stays up; ${bindsLabel(weBind)}, ${transport}`, async () => {
          const peer = shared();
          const ours = ourSocket("DEALER");
          const theirs = await peer.socket(
            "DEALER",
            { HEARTBEAT_IVL: 50, HEARTBEAT_TIMEOUT: 150, HEARTBEAT_TTL: 500 },
            true,
          );
          let sniffer: Sniffer | undefined;
          try {
            let endpoint = await (weBind ? ours : theirs).bind(bindAddress(transport));
            if (transport === "tcp") {
              const started = await Sniffer.start(endpoint);
              sniffer = started.sniffer;
              endpoint = started.endpoint;
            }
            await (weBind ? theirs : ours).connect(endpoint);
            await ours.send(["hello"]);
            expectFrames(await theirs.recv(), ["hello"]);
            // Ten heartbeat intervals, three timeouts.
            await delay(500);
            await theirs.send(["still", "here"]);
            expectFrames(await ours.recv(), ["still", "here"]);
            const events = (await theirs.events()).map((e) => e.event);
            expect(events).toContain("HANDSHAKE_SUCCEEDED");
            expect(events).not.toContain("DISCONNECTED");
            if (sniffer) {
              // The peer's PINGs travel one way, our PONGs the other.
              const [fromThem, fromUs] = weBind
                ? [sniffer.up, sniffer.down]
                : [sniffer.down, sniffer.up];
              expect(contains(fromThem, Buffer.from("\x04\x07\x04PING\x00\x05", "latin1"))).toBe(
                true,
              );
              expect(contains(fromUs, Buffer.from("\x04\x05\x04PONG", "latin1"))).toBe(true);
            }
          } finally {
            await closeAll([ours, theirs]);
            await sniffer?.close();
          }
        });
        it(`our heartbeats detect a ${kind} peer that stopped answering, then reconnect; ${bindsLabel(weBind)}, ${transport}`, async () => {
          const peer = await Peer.start(kind);
          const ours = ourSocket("DEALER", {
            heartbeatInterval: 50,
            heartbeatTimeout: 200,
            reconnectInterval: 50,
          });
          const theirs = await peer.socket("DEALER", { RECONNECT_IVL: 50 });
          try {
            const endpoint = await (weBind ? ours : theirs).bind(bindAddress(transport));
            await (weBind ? theirs : ours).connect(endpoint);
            await theirs.send(["one"]);
            expectFrames(await ours.recv(), ["one"]);
            const started = Date.now();
            peer.signal("SIGSTOP");
            try {
              await ours.log.waitFor("disconnect", 3000);
            } finally {
              peer.signal("SIGCONT");
            }
            expect(Date.now() - started).toBeLessThan(2000);
            // The link comes back (either side reconnects) and messages flow.
            await ours.log.waitFor("handshake", 5000, 2);
            await until(async () => {
              await theirs.send(["two"]);
              expectFrames((await tryRecv(ours, 200)) ?? [], ["two"]);
            });
          } finally {
            await ours.close();
            await peer.kill();
          }
        });
      }
    }
  });

  // ---- the peer killed and restarted -------------------------------------------------
  describe("peer killed and restarted", () => {
    for (const transport of TRANSPORTS) {
      it(`our PUSH queues while the ${kind} PULL is down and delivers after its restart, ${transport}`, async () => {
        let peer = await Peer.start(kind);
        const push = ourSocket("PUSH", { reconnectInterval: 50 });
        try {
          let pull = await peer.socket("PULL");
          const endpoint = rebindable(await pull.bind(bindAddress(transport)));
          await push.connect(endpoint);
          await push.send(["before"]);
          expectFrames(await pull.recv(), ["before"]);
          await peer.kill();
          await push.log.waitFor("disconnect");
          for (let i = 0; i < 5; i++) await push.send([`queued-${i}`]);
          peer = await Peer.start(kind);
          pull = await peer.socket("PULL");
          await pull.bind(endpoint);
          for (let i = 0; i < 5; i++) expectFrames(await pull.recv(), [`queued-${i}`]);
        } finally {
          await push.close();
          await peer.kill();
        }
      });
      it(`our SUB resubscribes after the ${kind} PUB restarts, ${transport}`, async () => {
        let peer = await Peer.start(kind);
        const subscriber = ourSocket("SUB", { reconnectInterval: 50 });
        try {
          let pub = await peer.socket("PUB");
          const endpoint = await pub.bind(bindAddress(transport));
          await subscriber.connect(endpoint);
          await subscriber.subscribe("news");
          expectFrames(await publishUntilReceived(pub, subscriber, ["news", "1"], ["misc", "0"]), [
            "news",
            "1",
          ]);
          await peer.kill();
          await subscriber.log.waitFor("disconnect");
          peer = await Peer.start(kind);
          pub = await peer.socket("PUB");
          await pub.bind(endpoint);
          expectFrames(await publishUntilReceived(pub, subscriber, ["news", "2"], ["misc", "0"]), [
            "news",
            "2",
          ]);
        } finally {
          await subscriber.close();
          await peer.kill();
        }
      });
      it(`our ROUTER takes back a restarted ${kind} DEALER with the same routing id, ${transport}`, async () => {
        let peer = await Peer.start(kind);
        const router = ourSocket("ROUTER", { mandatory: true });
        try {
          const endpoint = await router.bind(bindAddress(transport));
          let dealer = await peer.socket("DEALER", { ROUTING_ID: "worker-1" });
          await dealer.connect(endpoint);
          await dealer.send(["ready"]);
          expectFrames(await router.recv(), ["worker-1", "ready"]);
          await peer.kill();
          await router.log.waitFor("disconnect");
          peer = await Peer.start(kind);
          dealer = await peer.socket("DEALER", { ROUTING_ID: "worker-1" });
          await dealer.connect(endpoint);
          await dealer.send(["ready again"]);
          expectFrames(await router.recv(), ["worker-1", "ready again"]);
          await router.send(["worker-1", "job"]);
          expectFrames(await dealer.recv(), ["job"]);
        } finally {
          await router.close();
          await peer.kill();
        }
      });
      it(`a restarted ${kind} SUB resubscribes to our PUB (it reconnects), ${transport}`, async () => {
        let peer = await Peer.start(kind);
        const pub = ourSocket("XPUB");
        try {
          const endpoint = await pub.bind(bindAddress(transport));
          let subscriber = await peer.socket("SUB");
          await subscriber.connect(endpoint);
          await subscriber.subscribe("a");
          await expectSubscription(pub, true, "a", subscriber);
          await peer.kill();
          // libzmq's XPUB reports a vanished subscriber's topics as cancelled; so do we.
          await expectSubscription(pub, false, "a");
          peer = await Peer.start(kind);
          subscriber = await peer.socket("SUB");
          await subscriber.connect(endpoint);
          await subscriber.subscribe("a");
          await expectSubscription(pub, true, "a", subscriber);
          expectFrames(await publishUntilReceived(pub, subscriber, ["a", "!"], undefined), [
            "a",
            "!",
          ]);
        } finally {
          await pub.close();
          await peer.kill();
        }
      });
    }
  });

  // ---- incompatible socket types -------------------------------------------------------
  describe("incompatible socket types are refused on both sides", () => {
    for (const [ourType, theirType] of [
      ["PUB", "PULL"],
      ["REQ", "DEALER"],
    ] as const) {
      for (const weBind of sides) {
        for (const transport of TRANSPORTS) {
          it(`our ${ourType} vs ${kind} ${theirType}, ${bindsLabel(weBind)}, ${transport}`, async () => {
            const peer = shared();
            const ours = ourSocket(ourType);
            const theirs = await peer.socket(theirType, {}, true);
            try {
              if (weBind) await theirs.connect(await ours.bind(bindAddress(transport)));
              else await ours.connect(await theirs.bind(bindAddress(transport)));
              const event = await ours.log.waitFor("handshake:error:protocol");
              expect(event.error.code).toBe("ERR_ZMTP_INVALID_METADATA");
              // libzmq: the side that reads the bad READY drops the connection (DISCONNECTED,
              // and a connecting side stops retrying); the other side sees it dropped mid-handshake.
              const events = (await theirs.events("DISCONNECTED", 3000)).map((e) => e.event);
              expect(events).toContain("DISCONNECTED");
              expect(events).not.toContain("HANDSHAKE_SUCCEEDED");
              expect(ours.log.count("handshake")).toBe(0);
              if (!weBind) {
                // A protocol error is final for a connecting socket: no retry.
                await delay(300);
                expect(ours.log.count("connect:retry")).toBe(0);
                expect(ours.log.count("connect")).toBe(1);
              }
            } finally {
              await closeAll([ours, theirs]);
            }
          });
        }
      }
    }
  });

  // ---- routing ids -----------------------------------------------------------------------
  describe("routing ids", () => {
    for (const transport of TRANSPORTS) {
      it(`ROUTING_ID set on one side is the id the other side's ROUTER sees, ${transport}`, async () => {
        const peer = shared();
        const ourRouter = ourSocket("ROUTER");
        const theirRouter = await peer.socket("ROUTER");
        const ourDealer = ourSocket("DEALER", { routingId: "our-dealer" });
        const theirDealer = await peer.socket("DEALER", { ROUTING_ID: "their-dealer" });
        try {
          await theirDealer.connect(await ourRouter.bind(bindAddress(transport)));
          await ourDealer.connect(await theirRouter.bind(bindAddress(transport)));
          await theirDealer.send(["hi"]);
          await ourDealer.send(["hi"]);
          expectFrames(await ourRouter.recv(), ["their-dealer", "hi"]);
          expectFrames(await theirRouter.recv(), ["our-dealer", "hi"]);
          await ourRouter.send(["their-dealer", "back"]);
          await theirRouter.send(["our-dealer", "back"]);
          expectFrames(await theirDealer.recv(), ["back"]);
          expectFrames(await ourDealer.recv(), ["back"]);
        } finally {
          await closeAll([ourRouter, theirRouter, ourDealer, theirDealer]);
        }
      });
      it(`auto-generated ids: 5 bytes, 0x00 first, on both sides, ${transport}`, async () => {
        const peer = shared();
        const ourRouter = ourSocket("ROUTER");
        const theirRouter = await peer.socket("ROUTER");
        const ourDealer = ourSocket("DEALER");
        const theirDealer = await peer.socket("DEALER");
        try {
          await theirDealer.connect(await ourRouter.bind(bindAddress(transport)));
          await ourDealer.connect(await theirRouter.bind(bindAddress(transport)));
          await theirDealer.send(["hi"]);
          await ourDealer.send(["hi"]);
          for (const router of [ourRouter, theirRouter] as End[]) {
            const [id, body] = await router.recv();
            expect(id!.length).toBe(5);
            expect(id![0]).toBe(0);
            expect(body!.toString()).toBe("hi");
            await router.send([id!, "back"]);
          }
          expectFrames(await theirDealer.recv(), ["back"]);
          expectFrames(await ourDealer.recv(), ["back"]);
        } finally {
          await closeAll([ourRouter, theirRouter, ourDealer, theirDealer]);
        }
      });
      it(`connect routing ids name the peer locally and never go on the wire, ${transport}`, async () => {
        const peer = shared();
        const ourRouter = ourSocket("ROUTER", { mandatory: true });
        const theirRouter = await peer.socket("ROUTER", { ROUTER_MANDATORY: true });
        const ourDealer = ourSocket("DEALER", { routingId: "our-dealer" });
        const theirDealer = await peer.socket("DEALER", { ROUTING_ID: "their-dealer" });
        try {
          // Each ROUTER connects to a DEALER and names it, overriding the DEALER's own id.
          await ourRouter.connect(await theirDealer.bind(bindAddress(transport)), "named-by-us");
          await theirRouter.connect(await ourDealer.bind(bindAddress(transport)), "named-by-them");
          await until(() => ourRouter.send(["named-by-us", "ping"], 100));
          await until(() => theirRouter.send(["named-by-them", "ping"], 100));
          expectFrames(await theirDealer.recv(), ["ping"]);
          expectFrames(await ourDealer.recv(), ["ping"]);
          await theirDealer.send(["pong"]);
          await ourDealer.send(["pong"]);
          expectFrames(await ourRouter.recv(), ["named-by-us", "pong"]);
          expectFrames(await theirRouter.recv(), ["named-by-them", "pong"]);
        } finally {
          await closeAll([ourRouter, theirRouter, ourDealer, theirDealer]);
        }
      });
    }
  });

  // ---- STREAM ---------------------------------------------------------------------------
  describe("STREAM", () => {
    /** A raw tcp client: connect, say hello, read the answer, close. */
    async function rawClient(stream: End, endpoint: string) {
      const client = endpoint.startsWith("ipc://")
        ? net.connect(endpoint.slice("ipc://".length))
        : net.connect(Number(new URL(endpoint).port), new URL(endpoint).hostname);
      let received = Buffer.alloc(0);
      client.on("data", (chunk) => {
        received = Buffer.concat([received, chunk]);
      });
      const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
      try {
        await new Promise<void>((resolve, reject) =>
          client.once("connect", resolve).once("error", reject),
        );
        // Connect notification: [id, ""].
        const [id, empty] = await stream.recv();
        expect(id!.length).toBeGreaterThan(0);
        expect(empty!.length).toBe(0);
        client.write("GET / HTTP/1.0\r\n\r\n");
        let request = Buffer.alloc(0);
        while (request.length < 18) {
          const [from, data] = await stream.recv();
          expect(from!.equals(id!)).toBe(true);
          request = Buffer.concat([request, data!]);
        }
        expect(request.toString()).toBe("GET / HTTP/1.0\r\n\r\n");
        await stream.send([id!, "HTTP/1.0 200 OK\r\n\r\nhello"]);
        await until(async () => expect(received.toString()).toBe("HTTP/1.0 200 OK\r\n\r\nhello"));
        // An empty frame closes the connection from the STREAM side. (libzmq closes it
        // once the socket processes its commands: nudge it.)
        await stream.send([id!, ""]);
        let isClosed = false;
        void closed.then(() => {
          isClosed = true;
        });
        await until(async () => {
          await stream.nudge();
          expect(isClosed).toBe(true);
        });
        // Disconnect notification: [id, ""] (the close is ours here, libzmq still notifies).
        const [lastId, lastEmpty] = (await tryRecv(stream, 1000)) ?? [];
        if (lastId !== undefined) {
          expect(lastId.equals(id!)).toBe(true);
          expect(lastEmpty!.length).toBe(0);
        }
        return lastId !== undefined;
      } finally {
        client.destroy();
      }
    }

    for (const transport of TRANSPORTS)
      it(`a raw ${transport} client sees the same from our STREAM and the ${kind} STREAM`, async () => {
        const peer = shared();
        const ours = ourSocket("STREAM");
        const theirs = await peer.socket("STREAM");
        try {
          const notifiedOurs = await rawClient(ours, await ours.bind(bindAddress(transport)));
          const notifiedTheirs = await rawClient(theirs, await theirs.bind(bindAddress(transport)));
          expect(notifiedOurs).toBe(notifiedTheirs);
        } finally {
          await closeAll([ours, theirs]);
        }
      });

    for (const weBind of sides)
      for (const transport of TRANSPORTS) {
        it(`our STREAM and the ${kind} STREAM exchange raw bytes, ${bindsLabel(weBind)}, ${transport}`, async () => {
          const peer = shared();
          const ours = ourSocket("STREAM");
          const theirs = await peer.socket("STREAM");
          try {
            const [binder, connector] = weBind ? [ours, theirs] : [theirs, ours];
            await connector.connect(await binder.bind(bindAddress(transport)));
            const [cid, c0] = await connector.recv();
            const [bid, b0] = await binder.recv();
            expect(c0!.length + b0!.length).toBe(0);
            await connector.send([cid!, "ping"]);
            let got = Buffer.alloc(0);
            while (got.length < 4) got = Buffer.concat([got, (await binder.recv())[1]!]);
            expect(got.toString()).toBe("ping");
            await binder.send([bid!, "pong"]);
            got = Buffer.alloc(0);
            while (got.length < 4) got = Buffer.concat([got, (await connector.recv())[1]!]);
            expect(got.toString()).toBe("pong");
            // The connector hangs up; the binder is told with [id, ""].
            await connector.send([cid!, ""]);
            const deadline = Date.now() + 5000;
            for (;;) {
              await connector.nudge();
              const got = await tryRecv(binder, 50);
              if (got === undefined) {
                if (Date.now() > deadline) throw new Error("no disconnect notification");
                continue;
              }
              expect(got[0]!.equals(bid!)).toBe(true);
              if (got[1]!.length === 0) break;
            }
          } finally {
            await closeAll([ours, theirs]);
          }
        });
      }
  });
}
