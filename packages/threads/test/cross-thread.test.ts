import { describe, expect, it } from "vitest";
import type { ThreadLink } from "../src/index";
import { processRegistry } from "../src/node";
import { attached, bytes, closed, exited, next, readMessages, text } from "./fixtures/helpers";
import { peerWorkers, unique } from "./fixtures/spawn";

const registry = processRegistry();
const start = peerWorkers();

/** A multipart message with an empty frame, a small one and a large one. */
function sample(i: number, large = 0): Uint8Array[] {
  const big = new Uint8Array(large);
  for (let j = 0; j < large; j++) big[j] = (i + j) & 0xff;
  return [bytes(`m${i}`), new Uint8Array(0), big];
}

function check(message: Uint8Array[], i: number, large = 0): void {
  expect(message).toHaveLength(3);
  expect(text(message[0])).toBe(`m${i}`);
  expect(message[1]!.byteLength).toBe(0);
  expect(message[2]!.byteLength).toBe(large);
  for (let j = 0; j < large; j += 997) expect(message[2]![j]).toBe((i + j) & 0xff);
}

async function roundTrip(link: ThreadLink, count: number, large = 0): Promise<void> {
  const replies = readMessages(link, count);
  for (let i = 0; i < count; i++) expect(link.write(sample(i, large))).toBe(true);
  const got = await replies;
  got.forEach((message, i) => {
    check(message, i, large);
  });
}

describe("bind and connect across threads", () => {
  it("bind here, connect in a worker: multipart messages come back whole and in order", async () => {
    const name = unique("bind-main");
    const links: ThreadLink[] = [];
    const connected = new Promise<ThreadLink>((resolve) =>
      registry.bind(name, (link) => {
        links.push(link);
        resolve(link);
      }),
    );
    start({ mode: "echo-connect", name });
    const link = await connected;
    expect(link.peerThread).toBeGreaterThan(0);
    await roundTrip(link, 200);
    link.close();
  });

  it("connect here before a worker binds: the connect waits and then works", async () => {
    const name = unique("connect-first");
    const link = registry.connect(name);
    expect(link.state).toBe("pending");
    // Writes queue while pending (up to our SNDHWM).
    expect(link.write(sample(0))).toBe(true);
    const worker = start({ mode: "echo-bind", name, delay: 100 });
    await next(worker, (m) => m.ready === true);
    await attached(link);
    const first = await readMessages(link, 1);
    check(first[0]!, 0);
    await roundTrip(link, 50);
    link.close();
  });

  it("a worker connects first, then we bind", async () => {
    const name = unique("worker-connects-first");
    const worker = start({ mode: "echo-connect", name });
    await next(worker, (m) => m.ready === true);
    expect(registry.lookup(name)).toBeUndefined();
    const connected = new Promise<ThreadLink>((resolve) => registry.bind(name, resolve));
    const link = await connected;
    expect(link.peerThread).toBe(worker.threadId);
    await roundTrip(link, 100);
    link.close();
  });

  it("worker to worker: one binds, another connects", async () => {
    const name = unique("w2w");
    const binder = start({ mode: "echo-bind", name });
    await next(binder, (m) => m.ready === true);
    const pinger = start({ mode: "ping-connect", name });
    expect((await next(pinger, (m) => m.pinged !== undefined)).pinged).toBe(100);
  });

  it("a worker binds first, then we connect", async () => {
    const name = unique("bind-worker");
    const worker = start({ mode: "echo-bind", name });
    await next(worker, (m) => m.ready === true);
    expect(registry.lookup(name)?.thread).toBe(worker.threadId);
    const link = registry.connect(name);
    await attached(link);
    expect(link.peerThread).toBe(worker.threadId);
    await roundTrip(link, 100);
    link.close();
  });

  it("large messages (over the ring size) cross in pieces, intact", async () => {
    const name = unique("large");
    const worker = start({ mode: "echo-bind", name });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name, { ringBytes: 16384 });
    await roundTrip(link, 20, 100_000);
    await roundTrip(link, 5, 1_000_000);
    link.close();
  });

  it("small and large messages mixed keep their order (default ring: rewinds, whole records, pieces, overflow)", async () => {
    const name = unique("mixed");
    const worker = start({ mode: "echo-bind", name });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name);
    await attached(link);
    // Over a quarter of the 4 MiB ring goes in pieces; over the ring waits in the writer's memory.
    const sizes = [16, 70_000, 1_500_000, 0, 300_000, 5_000_000, 1024, 65_536];
    const count = sizes.length * 3;
    const replies = readMessages(link, count);
    for (let i = 0; i < count; i++)
      expect(link.write(sample(i, sizes[i % sizes.length]))).toBe(true);
    const got = await replies;
    got.forEach((message, i) => {
      check(message, i, sizes[i % sizes.length]);
    });
    link.close();
  }, 60_000);

  it("multipart messages with large middle frames at odd alignments cross whole, in order with small ones", async () => {
    // A small ring carries the large frames in many pieces; the default one whole or in a few.
    for (const [ringBytes, large, middle] of [
      [16384, 100_003, 20_001],
      [4 * 1024 * 1024, 1_500_000, 70_001],
    ] as const) {
      // An echo worker per link (it ends with its first link).
      const name = unique("middle");
      const worker = start({ mode: "echo-bind", name });
      await next(worker, (m) => m.ready === true);
      const link = registry.connect(name, { ringBytes });
      await attached(link);
      /** Frame `k` of message `i`: `size` bytes at byte offset `offset` of a larger buffer. */
      const frame = (i: number, k: number, size: number, offset: number) => {
        const whole = new Uint8Array(offset + size + 3);
        const view = whole.subarray(offset, offset + size);
        for (let j = 0; j < size; j++) view[j] = (i * 7 + k * 13 + j) & 0xff;
        return view;
      };
      const shape = (i: number): [number, number][] =>
        i % 2 === 0
          ? [
              [5, 1],
              [large, 3],
              [3, 0],
              [middle, 5],
              [0, 0],
            ]
          : [[16, (i % 8) + 0]];
      const count = 12;
      const sent: Uint8Array[][] = [];
      for (let i = 0; i < count; i++) {
        sent.push(shape(i).map(([size, offset], k) => frame(i, k, size, offset)));
      }
      const replies = readMessages(link, count);
      for (const message of sent) expect(link.write(message)).toBe(true);
      const got = await replies;
      got.forEach((message, i) => {
        expect(message.map((f) => f.byteLength)).toEqual(sent[i]!.map((f) => f.byteLength));
        message.forEach((f, k) => {
          expect(Buffer.from(f).equals(Buffer.from(sent[i]![k]!))).toBe(true);
        });
      });
      link.close();
    }
  }, 60_000);

  it("a message copied into the ring at write() is not changed by reusing the buffer afterwards", async () => {
    const name = unique("reuse");
    const worker = start({ mode: "echo-bind", name });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name);
    await attached(link);
    // Whole records (under a quarter of the 4 MiB ring) are in shared memory when write() returns.
    const sizes = [1, 16, 200, 4096, 65_536, 700_000];
    const buffers = sizes.map((size) => new Uint8Array(size));
    const replies = readMessages(link, sizes.length * 2);
    for (let round = 0; round < 2; round++) {
      buffers.forEach((buffer, i) => {
        buffer.fill(round * 16 + i + 1);
        expect(link.write([buffer])).toBe(true);
        buffer.fill(0xee); // the sender reuses its buffer at once
      });
    }
    const got = await replies;
    got.forEach((message, n) => {
      const i = n % sizes.length;
      const round = Math.floor(n / sizes.length);
      expect(message[0]!.byteLength).toBe(sizes[i]);
      expect(message[0]!.every((b) => b === round * 16 + i + 1)).toBe(true);
    });
    link.close();
  }, 30_000);

  it("a name bound in a worker is in use here; it is free once the worker is gone", async () => {
    const name = unique("in-use");
    const worker = start({ mode: "bind-hold", name });
    await next(worker, (m) => m.ready === true);
    expect(() => registry.bind(name, () => {})).toThrow(
      expect.objectContaining({ code: "EADDRINUSE" }),
    );
    await worker.terminate();
    // The exit is reported from the Worker's exit event, in this thread's next turns.
    for (let i = 0; i < 500 && registry.lookup(name) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const binding = registry.bind(name, () => {});
    binding.unbind();
    expect(registry.lookup(name)).toBeUndefined();
  });

  it("a name bound here is seen by workers; unbind removes it", async () => {
    const name = unique("seen");
    const binding = registry.bind(name, () => {});
    let worker = start({ mode: "lookup", name });
    expect((await next(worker)).lookup).toEqual({ thread: registry.thread, id: binding.id });
    binding.unbind();
    worker = start({ mode: "lookup", name });
    expect((await next(worker)).lookup).toBeNull();
  });

  it("context options set here are seen by workers", async () => {
    registry.contextOptions.set("maxSockets", 77);
    registry.contextOptions.set("ipv6", true);
    const worker = start({ mode: "options", name: "-" });
    const { options } = await next<{ options: Record<string, unknown> }>(worker);
    expect(options).toMatchObject({ maxSockets: 77, ipv6: true });
  });
});

describe("flow control across threads", () => {
  it("a direction holds the sender's SNDHWM + the receiver's RCVHWM (5 + 3 = 8)", async () => {
    const name = unique("hwm");
    const worker = start({ mode: "sink", name, receiveHighWaterMark: 3 });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name, { sendHighWaterMark: 5 });
    await attached(link);
    let accepted = 0;
    while (link.write([bytes("x")])) accepted++;
    expect(accepted).toBe(8);
    expect(link.outboundLimit).toBe(8);
    link.close();
  });

  it("the limit counts messages, not bytes: 1 MiB messages, 5 + 3 = 8 accepted, past the ring's bytes", async () => {
    const name = unique("hwm-large");
    const worker = start({ mode: "sink", name, receiveHighWaterMark: 3 });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name, { sendHighWaterMark: 5 });
    await attached(link);
    let accepted = 0;
    while (link.write([new Uint8Array(1024 * 1024)])) accepted++;
    // 8 MiB accepted into a 4 MiB ring: the rest waits in this end's memory, inside the count.
    expect(accepted).toBe(8);
    expect(link.outboundSize).toBe(8);
    link.close();
  });

  it("pending connect holds only its SNDHWM until the binder raises the limit", async () => {
    const name = unique("hwm-pending");
    const link = registry.connect(name, { sendHighWaterMark: 4 });
    let accepted = 0;
    while (link.write([bytes("x")])) accepted++;
    expect(accepted).toBe(4);
    const writable = new Promise<void>((resolve) => link.setHandler({ writable: () => resolve() }));
    const worker = start({ mode: "sink", name, receiveHighWaterMark: 6 });
    await next(worker, (m) => m.ready === true);
    await writable;
    while (link.write([bytes("x")])) accepted++;
    expect(accepted).toBe(10);
    link.close();
  });
});

describe("a peer thread that ends", () => {
  for (const end of ["exit", "throw", "hang"] as const) {
    it(`${end === "hang" ? "is terminated" : end === "exit" ? "calls process.exit" : "throws"}: we read its last message, then see peer-exit`, async () => {
      const name = unique(`end-${end}`);
      const links: ThreadLink[] = [];
      const connected = new Promise<ThreadLink>((resolve) =>
        registry.bind(name, (link) => {
          links.push(link);
          resolve(link);
        }),
      );
      const worker = start({ mode: "connect-then-end", name, end });
      worker.on("error", () => {}); // the "throw" case
      const link = await connected;
      const [last] = await readMessages(link, 1);
      expect(text(last![0])).toBe("last words");
      const reason = closed(link);
      if (end === "hang") {
        await next(worker, (m) => m.wrote === true);
        await worker.terminate();
      } else {
        await exited(worker);
      }
      expect(await reason).toBe("peer-exit");
      expect(link.write([bytes("after")])).toBe(false);
    });
  }

  for (const end of ["exit", "hang"] as const) {
    it(`${end === "hang" ? "is terminated" : "calls process.exit"} in the middle of a large message: we read what came before, never a part, then see peer-exit`, async () => {
      const name = unique(`end-large-${end}`);
      const connected = new Promise<ThreadLink>((resolve) => registry.bind(name, resolve));
      const worker = start({ mode: "large-then-end", name, end });
      const link = await connected;
      // Read nothing until the worker is gone, so the large message is cut.
      const wrote = await next<{ partial: number }>(worker, (m) => m.wrote === true);
      expect(wrote.partial).toBe(2);
      if (end === "hang") await worker.terminate();
      else await exited(worker);
      const got: Uint8Array[][] = [];
      const reason = await new Promise<string>((resolve) => {
        const pump = () => {
          for (let m = link.read(); m !== undefined; m = link.read()) got.push(m);
        };
        link.setHandler({ readable: pump, closed: (_l, why) => resolve(why) });
        pump();
      });
      expect(reason).toBe("peer-exit");
      expect(got.map((m) => text(m[0]))).toEqual(["before"]);
    }, 30_000);
  }

  for (const end of ["exit", "hang"] as const) {
    it(`${end === "hang" ? "is terminated" : "calls process.exit"} with large messages in flight: the complete ones arrive intact and in order, then peer-exit`, async () => {
      const name = unique(`end-larges-${end}`);
      const connected = new Promise<ThreadLink>((resolve) => registry.bind(name, resolve));
      const worker = start({ mode: "larges-then-end", name, end });
      const link = await connected;
      const wrote = await next<{ partial: number }>(worker, (m) => m.wrote === true);
      expect(wrote.partial).toBe(4);
      if (end === "hang") await worker.terminate();
      else await exited(worker);
      const got: Uint8Array[][] = [];
      const reason = await new Promise<string>((resolve) => {
        const pump = () => {
          for (let m = link.read(); m !== undefined; m = link.read()) got.push(m);
        };
        link.setHandler({ readable: pump, closed: (_l, why) => resolve(why) });
        pump();
      });
      expect(reason).toBe("peer-exit");
      expect(got.map((m) => text(m[0]))).toEqual(["small", "large 1", "large 2"]);
      for (const [index, fill] of [
        [1, 1],
        [2, 2],
      ] as const) {
        const message = got[index]!;
        expect(message.map((f) => f.byteLength)).toEqual([7, 1024 * 1024, 1]);
        expect(message[1]!.every((b) => b === fill)).toBe(true);
        expect(message[2]![0]).toBe(fill);
      }
    }, 30_000);
  }

  it("with nothing left to do but a large message not yet in the ring, stays alive until it is: we get it whole", async () => {
    const name = unique("large-return");
    const connected = new Promise<ThreadLink>((resolve) => registry.bind(name, resolve));
    const worker = start({ mode: "large-then-return", name });
    const link = await connected;
    await next(worker, (m) => m.wrote === true);
    // Let the worker's loop run dry while we read nothing (the ring holds 4 of the 20 MiB).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gone = exited(worker);
    const [message] = await readMessages(link, 1);
    expect(message![0]!.byteLength).toBe(20 * 1024 * 1024);
    expect(message![0]![20 * 1024 * 1024 - 1]).toBe(5);
    await gone;
    expect(await closed(link)).toBe("peer-exit");
  }, 30_000);

  it("a worker's own workers end with it: their names are freed and their links see peer-exit", async () => {
    const name = unique("grandchild");
    const parent = start({ mode: "parent", child: { mode: "echo-bind", name } });
    const ready = await next<{ child: number }>(parent, (m) => m.ready === true);
    const link = registry.connect(name);
    await attached(link);
    expect(link.peerThread).toBe(ready.child);
    await roundTrip(link, 10);
    const reason = closed(link);
    await parent.terminate();
    expect(await reason).toBe("peer-exit");
    for (let i = 0; i < 500 && registry.lookup(name) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(registry.lookup(name)).toBeUndefined();
  });

  it("a worker's names go with it, and a connect to it waits for the next bind", async () => {
    const name = unique("rebind");
    const worker = start({ mode: "sink", name });
    await next(worker, (m) => m.ready === true);
    const link = registry.connect(name);
    await attached(link);
    const reason = closed(link);
    await worker.terminate();
    expect(await reason).toBe("peer-exit");
    expect(registry.lookup(name)).toBeUndefined();
  });
});

describe("sockets of @zmq/patterns across threads (the seam)", () => {
  it("REQ here, REP in a worker, through bridgePipe on both sides", async () => {
    const { createPipePair, createSocket } = await import("@zmq/patterns");
    const { bridgePipe, linkHighWaterMarks } = await import("../src/index");
    const name = unique("req-rep");
    const req = createSocket("REQ");
    const [socketEnd, bridgeEnd] = createPipePair({
      sendHighWaterMark: 1,
      receiveHighWaterMark: 1,
    });
    const binding = registry.bind(
      name,
      (link) => {
        bridgePipe(bridgeEnd, link);
        req.attachPipe(socketEnd);
      },
      linkHighWaterMarks(1000, 1000),
    );
    const worker = start({ name }, "rep-socket");
    await next(worker, (m) => m.ready === true);
    for (let i = 0; i < 50; i++) {
      expect(req.send([bytes(`q${i}`)])).toBe(true);
      const reply = new Promise<Uint8Array[]>((resolve) => {
        const take = () => {
          const message = req.receive();
          if (message !== undefined) resolve(message);
        };
        req.setHandler({ readable: take });
        take();
      });
      expect(text((await reply)[0])).toBe(`q${i}!`);
    }
    binding.unbind();
    worker.postMessage({ stop: true });
  });
});
