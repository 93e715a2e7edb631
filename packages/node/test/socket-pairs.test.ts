/**
 * Every compatible socket pair exchanges multipart messages (with empty frames
 * and a frame over 1 MiB), per transport; plus the per-type rules: REQ's strict
 * alternation (EFSM), ROUTER routing ids and ROUTER_MANDATORY (EHOSTUNREACH),
 * PUB/SUB filtering, XPUB subscription messages.
 */
import { expect, it } from "vitest";
import * as zmq from "../src/index";
import { bindAny, delay, nextEvent, strings, testProtos, track, until, within } from "./helpers";

const big = Buffer.alloc(1024 * 1024 + 17, 0xab);
big.write("head", 0);

function expectBig(frame: Buffer | undefined): void {
  expect(frame?.length).toBe(big.length);
  expect(frame?.equals(big)).toBe(true);
}

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("socket pairs", (proto) => {
  it("PAIR ↔ PAIR both ways", async () => {
    const [a, b] = track(new zmq.Pair(), new zmq.Pair());
    b.connect(await bindAny(a, proto));
    await b.send(["hello", "", "world"]);
    expect(strings(await within(a.receive()))).toEqual(["hello", "", "world"]);
    await a.send([big, ""]);
    const [frame, empty] = await within(b.receive());
    expectBig(frame);
    expect(empty?.length).toBe(0);
  });

  it("REQ ↔ REP", async () => {
    const [rep, req] = track(new zmq.Reply(), new zmq.Request());
    req.connect(await bindAny(rep, proto));
    await req.send(["q", "", big]);
    const request = await within(rep.receive());
    expect(request[0]!.toString()).toBe("q");
    expect(request[1]!.length).toBe(0);
    expectBig(request[2]);
    await rep.send(["a", ""]);
    expect(strings(await within(req.receive()))).toEqual(["a", ""]);
    // And again: the state machine resets after each reply.
    await req.send("q2");
    expect(strings(await within(rep.receive()))).toEqual(["q2"]);
    await rep.send("a2");
    expect(strings(await within(req.receive()))).toEqual(["a2"]);
  });

  it("REQ ↔ ROUTER: the router sees [id, '', ...body]", async () => {
    const [router, req] = track(new zmq.Router(), new zmq.Request({ routingId: "client" }));
    req.connect(await bindAny(router, proto));
    await req.send(["x", "y"]);
    expect(strings(await within(router.receive()))).toEqual(["client", "", "x", "y"]);
    await router.send(["client", "", "reply", ""]);
    expect(strings(await within(req.receive()))).toEqual(["reply", ""]);
  });

  it("DEALER ↔ REP: the dealer supplies the empty delimiter", async () => {
    const [rep, dealer] = track(new zmq.Reply(), new zmq.Dealer());
    dealer.connect(await bindAny(rep, proto));
    await dealer.send(["", "q", ""]);
    expect(strings(await within(rep.receive()))).toEqual(["q", ""]);
    await rep.send("a");
    expect(strings(await within(dealer.receive()))).toEqual(["", "a"]);
  });

  it("DEALER ↔ ROUTER both ways, with a big frame", async () => {
    const [router, dealer] = track(new zmq.Router(), new zmq.Dealer({ routingId: "d1" }));
    dealer.connect(await bindAny(router, proto));
    await dealer.send(["", "a", big]);
    const got = await within(router.receive());
    expect(strings(got.slice(0, 3))).toEqual(["d1", "", "a"]);
    expectBig(got[3]);
    await router.send(["d1", "", "back"]);
    expect(strings(await within(dealer.receive()))).toEqual(["", "back"]);
  });

  it("DEALER ↔ DEALER", async () => {
    const [a, b] = track(new zmq.Dealer(), new zmq.Dealer());
    b.connect(await bindAny(a, proto));
    await b.send(["1", "", "3"]);
    expect(strings(await within(a.receive()))).toEqual(["1", "", "3"]);
    await a.send("back");
    expect(strings(await within(b.receive()))).toEqual(["back"]);
  });

  it("ROUTER ↔ ROUTER, connecting with an explicit routing id", async () => {
    const [server, client] = track(
      new zmq.Router({ routingId: "server" }),
      new zmq.Router({ routingId: "client" }),
    );
    const endpoint = await bindAny(server, proto);
    client.connect(endpoint, { routingId: "srv" });
    // The connecting router addresses the peer by the id it chose; wait until routable.
    client.mandatory = true;
    client.sendTimeout = 2000;
    await within(
      (async () => {
        for (;;) {
          try {
            await client.send(["srv", "hello", ""]);
            return;
          } catch (error) {
            if ((error as zmq.ZmqError).code !== "EHOSTUNREACH") throw error;
            await delay(5);
          }
        }
      })(),
    );
    expect(strings(await within(server.receive()))).toEqual(["client", "hello", ""]);
    await server.send(["client", "reply"]);
    expect(strings(await within(client.receive()))).toEqual(["srv", "reply"]);
  });

  it("PUSH → PULL", async () => {
    const [pull, push] = track(new zmq.Pull(), new zmq.Push());
    push.connect(await bindAny(pull, proto));
    await push.send(["a", "", big]);
    const got = await within(pull.receive());
    expect(strings(got.slice(0, 2))).toEqual(["a", ""]);
    expectBig(got[2]);
  });

  it("PUB → SUB with a subscription filter", async () => {
    const [pub, sub] = track(new zmq.Publisher(), new zmq.Subscriber());
    sub.connect(await bindAny(pub, proto));
    sub.subscribe("keep");
    // Subscriptions travel asynchronously: publish until the first one arrives.
    const first = sub.receive();
    let received = false;
    void first.then(() => {
      received = true;
    });
    await within(
      (async () => {
        while (!received) {
          await pub.send(["keep", "sync"]);
          await delay(5);
        }
      })(),
    );
    // Drain the sync messages, then check the filter.
    sub.receiveTimeout = 50;
    await first;
    for (;;) {
      try {
        await sub.receive();
      } catch {
        break;
      }
    }
    sub.receiveTimeout = 2000;
    await pub.send(["drop", "x"]);
    await pub.send(["keep", "", big]);
    const got = await within(sub.receive());
    expect(strings(got.slice(0, 2))).toEqual(["keep", ""]);
    expectBig(got[2]);
  });

  it("XPUB ↔ XSUB: subscriptions arrive as messages, data flows back", async () => {
    const [xpub, xsub] = track(new zmq.XPublisher(), new zmq.XSubscriber());
    xsub.connect(await bindAny(xpub, proto));
    await xsub.send(Buffer.from("\x01topic"));
    expect(strings(await within(xpub.receive()))).toEqual(["\x01topic"]);
    await xpub.send(["topic", "", "data"]);
    expect(strings(await within(xsub.receive()))).toEqual(["topic", "", "data"]);
    await xsub.send(Buffer.from("\x00topic"));
    expect(strings(await within(xpub.receive()))).toEqual(["\x00topic"]);
  });

  it("XPUB → SUB: SUB.subscribe reaches the XPUB", async () => {
    const [xpub, sub] = track(new zmq.XPublisher(), new zmq.Subscriber());
    sub.connect(await bindAny(xpub, proto));
    sub.subscribe("a", "b");
    expect(strings(await within(xpub.receive()))).toEqual(["\x01a"]);
    expect(strings(await within(xpub.receive()))).toEqual(["\x01b"]);
    sub.unsubscribe("a");
    expect(strings(await within(xpub.receive()))).toEqual(["\x00a"]);
  });

  it("PUB → XSUB", async () => {
    const [pub, xsub] = track(new zmq.Publisher(), new zmq.XSubscriber());
    xsub.connect(await bindAny(pub, proto));
    await xsub.send(Buffer.from("\x01"));
    const got = xsub.receive();
    let done = false;
    void got.then(() => {
      done = true;
    });
    await within(
      (async () => {
        while (!done) {
          await pub.send(["any", ""]);
          await delay(5);
        }
      })(),
    );
    expect(strings(await got)).toEqual(["any", ""]);
  });

  it("XPUB verbosity: duplicate subscriptions are passed up only when verbose", async () => {
    const [xpub, subA, subB] = track(
      new zmq.XPublisher(),
      new zmq.Subscriber(),
      new zmq.Subscriber(),
    );
    const endpoint = await bindAny(xpub, proto);
    xpub.receiveTimeout = 100;
    subA.connect(endpoint);
    subA.subscribe("t");
    expect(strings(await within(xpub.receive()))).toEqual(["\x01t"]);
    subB.connect(endpoint);
    subB.subscribe("t");
    await expect(xpub.receive()).rejects.toMatchObject({ code: "EAGAIN" });
    xpub.verbosity = "allSubs";
    subB.subscribe("t");
    expect(strings(await within(xpub.receive()))).toEqual(["\x01t"]);
  });
});

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("per-type rules", (proto) => {
  it("REP answers many REQ clients, each reply reaching the client that asked", async () => {
    const [rep] = track(new zmq.Reply());
    const endpoint = await bindAny(rep, proto);
    const clients = track(new zmq.Request(), new zmq.Request(), new zmq.Request());
    for (const client of clients) client.connect(endpoint);
    void (async () => {
      for await (const [request] of rep) await rep.send(`re: ${request}`);
    })();
    await within(
      Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 20; i++) {
            await client.send(`${c}.${i}`);
            expect(strings(await client.receive())).toEqual([`re: ${c}.${i}`]);
          }
        }),
      ),
    );
  });

  it("XPUB noDrop: send waits at the HWM and times out with EAGAIN", async () => {
    const [xpub, sub] = track(
      new zmq.XPublisher({ noDrop: true, sendHighWaterMark: 2, sendTimeout: 50 }),
      new zmq.Subscriber({ receiveHighWaterMark: 2 }),
    );
    sub.connect(await bindAny(xpub, proto));
    sub.subscribe("");
    await within(xpub.receive());
    let sent = 0;
    await within(
      (async () => {
        for (;;) {
          try {
            await xpub.send(Buffer.alloc(64 * 1024));
            sent++;
          } catch (error) {
            expect(error).toMatchObject({ code: "EAGAIN" });
            return;
          }
        }
      })(),
      10_000,
    );
    expect(sent).toBeGreaterThan(0);
  });

  it("REQ: a second send before the reply waits for the reply (as zeromq.js), EFSM at its timeout", async () => {
    const [rep, req] = track(new zmq.Reply(), new zmq.Request());
    req.connect(await bindAny(rep, proto));
    await req.send("first");
    req.sendTimeout = 20;
    await expect(req.send("second")).rejects.toMatchObject({
      code: "EFSM",
      errno: 156384763,
      message: "Operation cannot be accomplished in current state",
    });
    req.sendTimeout = -1;
    let secondSent = false;
    const second = req.send("second").then(() => {
      secondSent = true;
    });
    expect(strings(await within(rep.receive()))).toEqual(["first"]);
    await delay(10);
    expect(secondSent).toBe(false);
    await rep.send("reply");
    expect(strings(await within(req.receive()))).toEqual(["reply"]);
    await within(second);
    expect(strings(await within(rep.receive()))).toEqual(["second"]);
  });

  it("REQ: receive before send waits; EFSM at the timeout (0: at once)", async () => {
    const [req] = track(new zmq.Request({ receiveTimeout: 0 }));
    await expect(req.receive()).rejects.toMatchObject({ code: "EFSM" });
    req.receiveTimeout = 20;
    await expect(req.receive()).rejects.toMatchObject({ code: "EFSM" });
  });

  it("REP: send before receive waits; EFSM at the timeout", async () => {
    const [rep] = track(new zmq.Reply({ sendTimeout: 20 }));
    await expect(rep.send("x")).rejects.toMatchObject({ code: "EFSM" });
  });

  it("REQ relaxed + correlate allows a resend", async () => {
    const [rep, req] = track(new zmq.Reply(), new zmq.Request({ relaxed: true, correlate: true }));
    req.connect(await bindAny(rep, proto));
    await req.send("first");
    await req.send("second");
    expect(strings(await within(rep.receive()))).toEqual(["first"]);
    await rep.send("stale");
    expect(strings(await within(rep.receive()))).toEqual(["second"]);
    await rep.send("fresh");
    expect(strings(await within(req.receive()))).toEqual(["fresh"]);
  });

  it("ROUTER: messages carry the peer's routing id; replies go to that peer", async () => {
    const [router, a, b] = track(
      new zmq.Router(),
      new zmq.Dealer({ routingId: "A" }),
      new zmq.Dealer({ routingId: "B" }),
    );
    const endpoint = await bindAny(router, proto);
    a.connect(endpoint);
    b.connect(endpoint);
    await a.send("from a");
    await b.send("from b");
    const got = [await within(router.receive()), await within(router.receive())].map(strings);
    expect(got.sort()).toEqual([
      ["A", "from a"],
      ["B", "from b"],
    ]);
    await router.send(["B", "to b"]);
    await router.send(["A", "to a"]);
    expect(strings(await within(a.receive()))).toEqual(["to a"]);
    expect(strings(await within(b.receive()))).toEqual(["to b"]);
  });

  it("ROUTER: peers without a routing id get generated ones", async () => {
    const [router, a] = track(new zmq.Router(), new zmq.Dealer());
    a.connect(await bindAny(router, proto));
    await a.send("x");
    const [id, body] = await within(router.receive());
    expect(id!.length).toBeGreaterThan(0);
    expect(body!.toString()).toBe("x");
    await router.send([id!, "y"]);
    expect(strings(await within(a.receive()))).toEqual(["y"]);
  });

  it("ROUTER: unroutable messages are dropped, or fail with EHOSTUNREACH when mandatory", async () => {
    const [router, dealer] = track(new zmq.Router(), new zmq.Dealer({ routingId: "known" }));
    dealer.connect(await bindAny(router, proto));
    await dealer.send("hi");
    await within(router.receive());
    await router.send(["unknown", "dropped"]); // silently dropped
    router.mandatory = true;
    await expect(router.send(["unknown", "x"])).rejects.toMatchObject({
      code: "EHOSTUNREACH",
      errno: 113,
    });
    await router.send(["known", "delivered"]);
    expect(strings(await within(dealer.receive()))).toEqual(["delivered"]);
  });

  it("ROUTER mandatory: a peer that left is unreachable, what it sent stays readable", async () => {
    const [router] = track(new zmq.Router({ mandatory: true }));
    const dealer = new zmq.Dealer({ routingId: "d" });
    dealer.connect(await bindAny(router, proto));
    await dealer.send("first");
    await within(router.receive());
    await dealer.send("unread");
    await delay(20);
    const gone = proto === "inproc" ? delay(20) : nextEvent(router, "disconnect");
    dealer.close();
    await gone;
    // No peer at all: not writable, so the send waits (as zeromq.js) until its timeout.
    router.sendTimeout = 20;
    await expect(router.send(["d", "x"])).rejects.toMatchObject({ code: "EHOSTUNREACH" });
    expect(strings(await within(router.receive()))).toEqual(["d", "unread"]);
    await expect(router.send(["d", "x"])).rejects.toMatchObject({ code: "EHOSTUNREACH" });
  });

  it("SUB: unsubscribe stops delivery; no subscription receives nothing", async () => {
    const [pub, sub] = track(new zmq.Publisher(), new zmq.Subscriber());
    sub.connect(await bindAny(pub, proto));
    sub.receiveTimeout = 50;
    await delay(20);
    await pub.send("nobody subscribed");
    await expect(sub.receive()).rejects.toMatchObject({ code: "EAGAIN" });
    sub.subscribe();
    sub.receiveTimeout = 2000;
    let got: Buffer[] | undefined;
    const receiving = sub.receive().then((m) => {
      got = m;
    });
    await within(
      (async () => {
        while (got === undefined) {
          await pub.send("everything");
          await delay(5);
        }
      })(),
    );
    await receiving;
    sub.unsubscribe();
    // The unsubscribe travels asynchronously; once it lands nothing more arrives.
    await delay(50);
    sub.receiveTimeout = 0;
    while (sub.readable) await sub.receive();
    await pub.send("after");
    sub.receiveTimeout = 50;
    await expect(sub.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("PUSH round-robins across pullers; PULL fair-queues from pushers", async () => {
    const [push, p1, p2] = track(new zmq.Push(), new zmq.Pull(), new zmq.Pull());
    push.connect(await bindAny(p1, proto));
    push.connect(await bindAny(p2, proto));
    await until(() => push.writable);
    // Wait for both peers before sending, so round-robin covers them both.
    await delay(proto === "inproc" ? 0 : 50);
    for (let i = 0; i < 10; i++) await push.send(String(i));
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < 5; i++) a.push((await within(p1.receive()))[0]!.toString());
    for (let i = 0; i < 5; i++) b.push((await within(p2.receive()))[0]!.toString());
    expect([...a, ...b].sort()).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  });
});
