/**
 * send/receive semantics: message types, timeouts (EAGAIN), one operation at a
 * time (EBUSY), close rejecting pending operations, async iteration, HWM.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { bindAny, delay, nextEvent, strings, testProtos, track, within } from "./helpers";

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("send and receive", (proto) => {
  async function pair(): Promise<[zmq.Dealer, zmq.Dealer]> {
    const [a, b] = track(new zmq.Dealer(), new zmq.Dealer());
    b.connect(await bindAny(a, proto));
    return [a, b];
  }

  it("sends strings, Buffers, ArrayBuffer views, ArrayBuffers, numbers and null", async () => {
    const [a, b] = await pair();
    const u16 = new Uint16Array([0x6968, 0x2121]); // "hi!!" little-endian
    const view = new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 4);
    await b.send([
      "str",
      Buffer.from("buf"),
      u16,
      view,
      new Uint8Array([120]).buffer,
      42,
      null,
      new DataView(new Uint8Array([65, 66]).buffer),
    ]);
    const got = await within(a.receive());
    expect(got.every((f) => Buffer.isBuffer(f))).toBe(true);
    expect(got.map((f) => [...f])).toEqual([
      [...Buffer.from("str")],
      [...Buffer.from("buf")],
      [...Buffer.from(u16.buffer)],
      [2, 3],
      [120],
      [...Buffer.from("42")],
      [],
      [65, 66],
    ]);
  });

  it("other values are sent as their string form, as zeromq.js does", async () => {
    const [a, b] = await pair();
    await b.send([
      {} as never,
      true as never,
      undefined as never,
      5n as never,
      1.5,
      [1, 2] as never,
    ]);
    expect(strings(await within(a.receive()))).toEqual([
      "[object Object]",
      "true",
      "undefined",
      "5",
      "1.5",
      "1,2",
    ]);
    expect(() => b.send(Symbol("x") as never)).toThrow(TypeError);
    expect(() => b.send(undefined as never)).toThrow(TypeError);
  });

  it("a single frame may be passed without an array", async () => {
    const [a, b] = await pair();
    await b.send("one");
    expect(strings(await within(a.receive()))).toEqual(["one"]);
  });

  it("send([]) sends nothing and resolves (as zeromq.js)", async () => {
    const [a, b] = await pair();
    await b.send([]);
    await b.send("next");
    expect(strings(await within(a.receive()))).toEqual(["next"]);
  });

  it("a message of 1000 frames arrives whole", async () => {
    const [a, b] = await pair();
    const frames = Array.from({ length: 1000 }, (_, i) => String(i));
    await b.send(frames);
    expect(strings(await within(a.receive()))).toEqual(frames);
  });

  it("ROUTER mandatory: a peer at its HWM makes send wait, then fail with EAGAIN", async () => {
    const [router, dealer] = track(
      new zmq.Router({ mandatory: true, sendHighWaterMark: 1, sendTimeout: 50 }),
      new zmq.Dealer({ routingId: "d", receiveHighWaterMark: 1 }),
    );
    dealer.connect(await bindAny(router, proto));
    await dealer.send("hi");
    await within(router.receive());
    let sent = 0;
    const frame = Buffer.alloc(64 * 1024);
    await within(
      (async () => {
        for (;;) {
          try {
            await router.send(["d", frame]);
            sent++;
          } catch (error) {
            expect(error).toMatchObject({ code: "EAGAIN" });
            return;
          }
        }
      })(),
      10_000,
    );
    // inproc has no OS buffers: about SNDHWM + RCVHWM messages fit in between.
    if (proto === "inproc") expect(sent).toBeLessThanOrEqual(6);
    else expect(sent).toBeLessThan(1000);
  });

  it("ROUTER without mandatory never blocks: messages for a full peer are dropped", async () => {
    const [router, dealer] = track(
      new zmq.Router({ sendHighWaterMark: 1, sendTimeout: 50 }),
      new zmq.Dealer({ routingId: "d", receiveHighWaterMark: 1 }),
    );
    dealer.connect(await bindAny(router, proto));
    await dealer.send("hi");
    await within(router.receive());
    const frame = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 300; i++) await within(router.send(["d", frame]), 1000);
  });

  it("send() without a message throws TypeError", async () => {
    const [, b] = await pair();
    expect(() => (b.send as () => Promise<void>)()).toThrow(TypeError);
  });

  it("receive times out with EAGAIN after receiveTimeout", async () => {
    const [a] = await pair();
    a.receiveTimeout = 30;
    const start = Date.now();
    await expect(a.receive()).rejects.toMatchObject({ code: "EAGAIN", errno: 11 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    a.receiveTimeout = 0;
    await expect(a.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("send times out with EAGAIN when no peer can take it", async () => {
    const [dealer] = track(new zmq.Dealer({ sendTimeout: 30 }));
    await expect(dealer.send("x")).rejects.toMatchObject({ code: "EAGAIN" });
    dealer.sendTimeout = 0;
    await expect(dealer.send("x")).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("send waits at the high-water mark and times out", async () => {
    const [a, b] = track(
      new zmq.Dealer({ receiveHighWaterMark: 1 }),
      new zmq.Dealer({ sendHighWaterMark: 1, sendTimeout: 100 }),
    );
    b.connect(await bindAny(a, proto));
    // Nobody reads a: queues fill up and b becomes mute.
    let sent = 0;
    await within(
      (async () => {
        for (;;) {
          try {
            await b.send(Buffer.alloc(1000));
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
    // Reading makes room again.
    for (let i = 0; i < sent; i++) await within(a.receive());
    b.sendTimeout = 2000;
    await within(b.send("again"));
    expect(strings(await within(a.receive()))).toEqual(["again"]);
  });

  it("a pending send completes when a peer appears", async () => {
    const [dealer, peer] = track(new zmq.Dealer({ immediate: true }), new zmq.Dealer());
    const endpoint = await bindAny(peer, proto);
    const sending = dealer.send("late");
    dealer.connect(endpoint);
    await within(sending);
    expect(strings(await within(peer.receive()))).toEqual(["late"]);
  });

  it("a second concurrent receive throws EBUSY", async () => {
    const [a, b] = await pair();
    const first = a.receive();
    expect(() => a.receive()).toThrow(expect.objectContaining({ code: "EBUSY", errno: 16 }));
    await b.send("x");
    expect(strings(await within(first))).toEqual(["x"]);
  });

  it("a second concurrent send throws EBUSY", async () => {
    const [dealer] = track(new zmq.Dealer());
    const first = dealer.send("x");
    expect(() => dealer.send("y")).toThrow(expect.objectContaining({ code: "EBUSY" }));
    dealer.close();
    await expect(first).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("close() rejects a pending receive with EAGAIN", async () => {
    const [a] = await pair();
    const pending = a.receive();
    a.close();
    await expect(pending).rejects.toMatchObject({ code: "EAGAIN" });
    expect(() => a.receive()).toThrow(expect.objectContaining({ code: "EBADF" }));
  });

  it("async iteration yields messages and ends when the socket closes", async () => {
    const [a, b] = await pair();
    const seen: string[][] = [];
    const loop = (async () => {
      for await (const message of a) {
        seen.push(strings(message));
        if (seen.length === 3) setTimeout(() => a.close(), 1);
      }
    })();
    await b.send(["1", "x"]);
    await b.send("2");
    await b.send("3");
    await within(loop);
    expect(seen).toEqual([["1", "x"], ["2"], ["3"]]);
  });

  it("async iteration on a closed socket ends at once", async () => {
    const [a] = await pair();
    a.close();
    const seen: unknown[] = [];
    for await (const message of a) seen.push(message);
    expect(seen).toEqual([]);
  });

  it("many messages keep their order", async () => {
    const [a, b] = await pair();
    const count = 5000;
    const receiving = (async () => {
      for (let i = 0; i < count; i++) {
        const [frame] = await a.receive();
        if (frame!.toString() !== String(i)) throw new Error(`got ${frame} at ${i}`);
      }
    })();
    for (let i = 0; i < count; i++) await b.send(String(i));
    await within(receiving, 10_000);
  });

  it("readable/writable reflect the queues", async () => {
    const [a, b] = await pair();
    expect(a.readable).toBe(false);
    await b.send("x");
    await within(
      (async () => {
        while (!a.readable) await delay(2);
      })(),
    );
    await a.receive();
    expect(a.readable).toBe(false);
  });
});

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("messages outlive their sender", (proto) => {
  it("messages from a connected peer that closed stay readable on the bound side", async () => {
    const [pull] = track(new zmq.Pull());
    const push = new zmq.Push();
    push.connect(await bindAny(pull, proto));
    for (let i = 0; i < 5; i++) await push.send(String(i));
    const gone = proto === "inproc" ? delay(20) : nextEvent(pull, "disconnect");
    push.close();
    await gone;
    await delay(20);
    for (let i = 0; i < 5; i++) expect(strings(await within(pull.receive()))).toEqual([String(i)]);
  });

  it("messages from a bound peer that closed stay readable on the connected side", async () => {
    const [pull] = track(new zmq.Pull());
    const push = new zmq.Push();
    const endpoint = await bindAny(push, proto);
    const shook = proto === "inproc" ? delay(20) : nextEvent(pull, "handshake");
    pull.connect(endpoint);
    await shook;
    for (let i = 0; i < 5; i++) await push.send(String(i));
    const gone = proto === "inproc" ? delay(20) : nextEvent(pull, "disconnect");
    push.close();
    await gone;
    await delay(20);
    for (let i = 0; i < 5; i++) expect(strings(await within(pull.receive()))).toEqual([String(i)]);
  });

  it("close() right after sending: everything sent still arrives (linger -1), either side", async () => {
    for (const bound of ["pull", "push"] as const) {
      const [pull] = track(new zmq.Pull());
      const push = new zmq.Push();
      if (bound === "pull") {
        push.connect(await bindAny(pull, proto));
      } else {
        const shook = proto === "inproc" ? delay(20) : nextEvent(pull, "handshake");
        pull.connect(await bindAny(push, proto));
        await shook;
      }
      for (let i = 0; i < 100; i++) await push.send(String(i));
      push.close();
      for (let i = 0; i < 100; i++) {
        expect(strings(await within(pull.receive()))).toEqual([String(i)]);
      }
    }
  });

  it("a SUB keeps what it received from a publisher that went away", async () => {
    const [sub] = track(new zmq.Subscriber());
    const pub = new zmq.XPublisher();
    const endpoint = await bindAny(pub, proto);
    sub.connect(endpoint);
    sub.subscribe("");
    await within(pub.receive(), 5000, "subscription"); // the subscription arrived
    for (let i = 0; i < 3; i++) await pub.send(String(i));
    const gone = proto === "inproc" ? delay(20) : nextEvent(sub, "disconnect");
    pub.close();
    await gone;
    await delay(20);
    for (let i = 0; i < 3; i++) expect(strings(await within(sub.receive()))).toEqual([String(i)]);
  });
});

describe("linger", () => {
  it("close() with linger keeps flushing queued messages to a peer that connects later (tcp)", async () => {
    const [pull] = track(new zmq.Pull());
    const probe = new zmq.Pull();
    await probe.bind("tcp://127.0.0.1:*");
    const endpoint = probe.lastEndpoint!;
    probe.close();
    const push = new zmq.Push({ linger: 2000 });
    push.connect(endpoint);
    await push.send("queued before close");
    push.close();
    await pull.bind(endpoint);
    expect(strings(await within(pull.receive()))).toEqual(["queued before close"]);
  });

  it("close() with a finite linger drops what is still queued when it expires", async () => {
    const [pull] = track(new zmq.Pull({ receiveTimeout: 200 }));
    const probe = new zmq.Pull();
    await probe.bind("tcp://127.0.0.1:*");
    const endpoint = probe.lastEndpoint!;
    probe.close();
    const push = new zmq.Push({ linger: 50, reconnectInterval: 10 });
    push.connect(endpoint);
    await push.send("expires");
    push.close();
    await delay(150);
    await pull.bind(endpoint);
    await expect(pull.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("close() with linger 0 drops queued messages", async () => {
    const [pull] = track(new zmq.Pull({ receiveTimeout: 200 }));
    const probe = new zmq.Pull();
    await probe.bind("tcp://127.0.0.1:*");
    const endpoint = probe.lastEndpoint!;
    probe.close();
    const push = new zmq.Push({ linger: 0 });
    push.connect(endpoint);
    await push.send("dropped");
    push.close();
    await pull.bind(endpoint);
    await expect(pull.receive()).rejects.toMatchObject({ code: "EAGAIN" });
  });
});
