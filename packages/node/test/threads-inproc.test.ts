/**
 * `inproc://` between worker threads on the default context (process-wide, as
 * zeromq.js's): bind/connect in either thread and either order, each pattern
 * family, high-water marks, linger, thread exit/crash/terminate, shared context
 * options, and a program that ends by itself.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { processRegistry } from "@zmq/threads/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  context,
  Dealer,
  type Event,
  messageProperty,
  Observer,
  Pair,
  Publisher,
  Pull,
  Push,
  Request,
  Router,
  Subscriber,
} from "../src/index";
import { spawn } from "./fixtures/spawn";

let counter = 0;
const unique = (base: string) => `inproc://${base}-${process.pid}-${++counter}`;
const workers: Worker[] = [];

interface PeerData {
  role: "echo" | "send" | "send-close" | "collect" | "publish" | "exit" | "idle";
  type: string;
  address: string;
  bind?: boolean;
  count?: number;
  topic?: string;
  options?: Record<string, unknown>;
  exitHow?: "exit" | "throw" | "hang";
}

/** Starts a peer thread and waits until its socket is bound or connected. */
async function peer(data: PeerData): Promise<Worker> {
  const worker = spawn("thread-peer", data as unknown as Record<string, unknown>);
  workers.push(worker);
  worker.on("error", () => {}); // the crash tests make workers throw
  const [ready] = (await once(worker, "message")) as [{ ready: boolean }];
  expect(ready.ready).toBe(true);
  return worker;
}

function nextMessage<T>(worker: Worker, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      worker.off("message", listener);
      resolve(message[key] as T);
    };
    worker.on("message", listener);
  });
}

async function stop(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.postMessage({ stop: true });
  await exited;
}

/** Polls `condition` (every 10 ms, up to 10 s). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

/** The first event of `type` on `socket`'s observer. */
function event(observer: Observer, type: Event["type"]): Promise<Event> {
  return new Promise((resolve) => observer.on(type as never, (e: Event) => resolve(e)));
}

afterEach(async () => {
  await Promise.all(
    workers.splice(0).map(async (worker) => {
      if (worker.threadId < 0) return;
      // Not events.once: it rejects on an 'error' event, which a crash test's
      // worker may emit after its test saw the disconnect.
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage({ stop: true });
      const timer = setTimeout(() => void worker.terminate(), 3000);
      await exited;
      clearTimeout(timer);
    }),
  );
});

describe("bind and connect across threads, either order", () => {
  it("REQ here → REP bound in a worker (bind first)", async () => {
    const address = unique("rep-bound");
    const worker = await peer({ role: "echo", type: "Reply", address, bind: true });
    const req = new Request();
    req.connect(address);
    for (let i = 0; i < 50; i++) {
      await req.send(`q${i}`);
      const [reply] = await req.receive();
      expect(reply!.toString()).toBe(`q${i}`);
    }
    req.close();
    await stop(worker);
  });

  it("DEALER bound here ← REP connected in a worker, multipart intact", async () => {
    const address = unique("dealer-bound");
    const dealer = new Dealer();
    await dealer.bind(address);
    await peer({ role: "echo", type: "Reply", address });
    for (let i = 0; i < 50; i++) {
      await dealer.send(["", `a${i}`, Buffer.alloc(0), Buffer.alloc(70_000, i)]);
      const reply = await dealer.receive();
      expect(reply).toHaveLength(4);
      expect(reply[1]!.toString()).toBe(`a${i}`);
      expect(reply[2]!.byteLength).toBe(0);
      expect(reply[3]!.equals(Buffer.alloc(70_000, i))).toBe(true);
    }
    dealer.close();
  });

  it("connect here before the worker binds: messages queued meanwhile arrive in order", async () => {
    const address = unique("push-early");
    const push = new Push();
    push.connect(address);
    for (let i = 0; i < 20; i++) await push.send([`m${i}`, "here"]);
    const worker = await peer({ role: "collect", type: "Pull", address, bind: true, count: 20 });
    const got = await nextMessage<string[][]>(worker, "got");
    expect(got.map((m) => m[0])).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    push.close();
  });

  it("a worker connects before this thread binds", async () => {
    const address = unique("pull-late");
    const worker = await peer({ role: "send", type: "Push", address, count: 30 });
    await nextMessage(worker, "sent");
    const pull = new Pull();
    await pull.bind(address);
    for (let i = 0; i < 30; i++) {
      const [message] = await pull.receive();
      expect(message!.toString()).toBe(`m${i}`);
    }
    pull.close();
  });

  it("a name bound in a worker is taken for every thread (EADDRINUSE here)", async () => {
    const address = unique("taken");
    await peer({ role: "idle", type: "Pull", address, bind: true });
    const pull = new Pull();
    await expect(pull.bind(address)).rejects.toMatchObject({ code: "EADDRINUSE" });
    pull.close();
  });

  it("worker to worker: PUSH in one, PULL in another", async () => {
    const address = unique("w2w");
    const collector = await peer({ role: "collect", type: "Pull", address, bind: true, count: 40 });
    const got = nextMessage<string[][]>(collector, "got");
    await peer({ role: "send", type: "Push", address, count: 40 });
    expect((await got).map((m) => m[0])).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
  });
});

describe("within one thread", () => {
  it("inproc keeps its direct pipe pair: a connect before the bind withdraws its cross-thread wait", async () => {
    const registry = processRegistry();
    const links = registry.links;
    const address = unique("same-thread");
    const push = new Push();
    push.connect(address);
    expect(registry.links).toBe(links + 1); // waiting for a bind in any thread
    await push.send("early");
    const pull = new Pull();
    await pull.bind(address);
    expect(registry.links).toBe(links);
    expect((await pull.receive())[0]!.toString()).toBe("early");
    // Bound here first: a later connect never touches the registry.
    const push2 = new Push();
    push2.connect(address);
    expect(registry.links).toBe(links);
    await push2.send("late");
    expect((await pull.receive())[0]!.toString()).toBe("late");
    push.close();
    push2.close();
    pull.close();
  });
});

describe("each pattern family across threads", () => {
  it("ROUTER in a worker answers each DEALER by its routing id", async () => {
    const address = unique("router");
    await peer({ role: "echo", type: "Router", address, bind: true });
    const a = new Dealer({ routingId: "A" });
    const b = new Dealer({ routingId: "B" });
    a.connect(address);
    b.connect(address);
    await a.send("from a");
    await b.send("from b");
    // The worker's ROUTER echoes [id, body] to the same id: each gets its own back.
    expect((await a.receive())[0]!.toString()).toBe("from a");
    expect((await b.receive())[0]!.toString()).toBe("from b");
    a.close();
    b.close();
  });

  it("ROUTER here sees the worker DEALER's routing id", async () => {
    const address = unique("router-here");
    const router = new Router();
    await router.bind(address);
    const worker = await peer({
      role: "send",
      type: "Dealer",
      address,
      count: 1,
      options: { routingId: "worker-1" },
    });
    const [id, body] = await router.receive();
    expect(id!.toString()).toBe("worker-1");
    expect(body!.toString()).toBe("m0");
    router.close();
    await stop(worker);
  });

  it("PUB in a worker, SUB here: only the subscribed topic crosses", async () => {
    const address = unique("pub");
    await peer({ role: "publish", type: "Publisher", address, bind: true });
    const sub = new Subscriber();
    sub.connect(address);
    sub.subscribe("t");
    for (let i = 0; i < 10; i++) {
      const [topic] = await sub.receive();
      expect(topic!.toString()).toMatch(/^t\d+$/);
    }
    sub.close();
  });

  it("PUB here, SUB in a worker: the worker's subscription reaches this thread", async () => {
    const address = unique("sub");
    const pub = new Publisher();
    await pub.bind(address);
    const worker = await peer({
      role: "collect",
      type: "Subscriber",
      address,
      topic: "t",
      count: 5,
    });
    const got = nextMessage<string[][]>(worker, "got");
    let done = false;
    void got.then(() => {
      done = true;
    });
    for (let i = 0; !done; i++) {
      await pub.send([`${i % 2 === 0 ? "t" : "u"}${i}`, "x"]);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const [topic] of await got) expect(topic).toMatch(/^t\d+$/);
    pub.close();
  });

  it("PAIR to PAIR", async () => {
    const address = unique("pair");
    await peer({ role: "echo", type: "Pair", address, bind: true });
    const pair = new Pair();
    pair.connect(address);
    await pair.send(["one", "two"]);
    expect((await pair.receive()).map(String)).toEqual(["one", "two"]);
    pair.close();
  });

  it("peers of incompatible types do not attach (a protocol error, as over ZMTP)", async () => {
    const address = unique("mismatch");
    await peer({ role: "idle", type: "Pull", address, bind: true });
    const req = new Request();
    const observer = new Observer(req);
    const failed = event(observer, "handshake:error:protocol");
    req.connect(address);
    await failed;
    req.close();
  });
});

describe("high-water marks and linger across threads", () => {
  it("a direction holds the sender's SNDHWM plus the receiver's RCVHWM", async () => {
    const address = unique("hwm");
    await peer({
      role: "idle",
      type: "Pull",
      address,
      bind: true,
      options: { receiveHighWaterMark: 3 },
    });
    const push = new Push({ sendHighWaterMark: 5, sendTimeout: 200 });
    push.connect(address);
    const observer = new Observer(push);
    await event(observer, "connect");
    let sent = 0;
    try {
      for (; sent < 100; sent++) await push.send(`m${sent}`);
    } catch (error) {
      expect((error as { code?: string }).code).toBe("EAGAIN");
    }
    expect(sent).toBe(8);
    push.close();
  });

  it("high-water marks changed after connect apply to the connection, as within one thread", async () => {
    const fill = async (push: Push): Promise<number> => {
      let sent = 0;
      try {
        for (; sent < 500; sent++) await push.send(`m${sent}`);
      } catch (error) {
        expect((error as { code?: string }).code).toBe("EAGAIN");
      }
      return sent;
    };
    // Same thread first: the reference (libzmq and zeromq.js give the same count).
    const local = unique("hwm-local");
    const localPull = new Pull({ receiveHighWaterMark: 3 });
    await localPull.bind(local);
    const localPush = new Push({ sendHighWaterMark: 5, sendTimeout: 200 });
    localPush.connect(local);
    localPush.sendHighWaterMark = 50;
    const expected = await fill(localPush);
    expect(expected).toBe(53);
    localPush.close();
    localPull.close();

    const address = unique("hwm-after");
    await peer({
      role: "idle",
      type: "Pull",
      address,
      bind: true,
      options: { receiveHighWaterMark: 3 },
    });
    const push = new Push({ sendHighWaterMark: 5, sendTimeout: 200 });
    push.connect(address);
    await event(new Observer(push), "connect");
    push.sendHighWaterMark = 50;
    expect(await fill(push)).toBe(expected);
    // Lowered below what is queued: nothing more fits.
    push.sendHighWaterMark = 2;
    expect(await fill(push)).toBe(0);
    push.close();
  });

  it("what a worker sent on a connection, then closed and ended, is still read here", async () => {
    const address = unique("linger");
    const pull = new Pull();
    await pull.bind(address);
    const worker = await peer({
      role: "send",
      type: "Push",
      address,
      count: 50,
      options: { linger: -1 },
    });
    await nextMessage(worker, "sent");
    // The connection is up once a first message came through; then the worker
    // closes its socket and its thread ends, the rest still unread here.
    expect((await pull.receive())[0]!.toString()).toBe("m0");
    await stop(worker);
    for (let i = 1; i < 50; i++) {
      const [message] = await pull.receive();
      expect(message!.toString()).toBe(`m${i}`);
    }
    pull.close();
  });

  it("a connect closed here before any bind delivers its messages to a worker that binds later (linger)", async () => {
    const address = unique("linger-pending");
    const push = new Push({ linger: -1 });
    push.connect(address);
    for (let i = 0; i < 3; i++) await push.send(`p${i}`);
    push.close();
    // The pending connection outlives the socket, as libzmq's in its context.
    expect(processRegistry().links).toBe(1);
    const worker = await peer({ role: "collect", type: "Pull", address, bind: true, count: 3 });
    const got = await nextMessage<string[][]>(worker, "got");
    expect(got).toEqual([["p0"], ["p1"], ["p2"]]);
    await waitUntil(() => processRegistry().links === 0);
  });

  it("a worker's connect closed before this thread binds still delivers (linger, other direction)", async () => {
    const address = unique("linger-pending-back");
    const worker = await peer({
      role: "send-close",
      type: "Push",
      address,
      count: 4,
      options: { linger: 5000 },
    });
    await nextMessage(worker, "sent");
    const pull = new Pull();
    await pull.bind(address);
    for (let i = 0; i < 4; i++) expect((await pull.receive())[0]!.toString()).toBe(`m${i}`);
    pull.close();
  });

  it("with linger 0 a connect closed before any bind is withdrawn, its messages dropped", async () => {
    const address = unique("linger-zero");
    const push = new Push({ linger: 0 });
    push.connect(address);
    await push.send("lost");
    push.close();
    await waitUntil(() => processRegistry().links === 0);
    const worker = await peer({
      role: "collect",
      type: "Pull",
      address,
      bind: true,
      count: 1,
      options: { receiveTimeout: 300 },
    });
    expect(await nextMessage<string[][]>(worker, "got")).toEqual([]);
  });

  it("a lingering pending connect gives up when its linger expires", async () => {
    const address = unique("linger-expires");
    const push = new Push({ linger: 100 });
    push.connect(address);
    await push.send("late");
    push.close();
    expect(processRegistry().links).toBe(1);
    await waitUntil(() => processRegistry().links === 0);
    const worker = await peer({
      role: "collect",
      type: "Pull",
      address,
      bind: true,
      count: 1,
      options: { receiveTimeout: 300 },
    });
    expect(await nextMessage<string[][]>(worker, "got")).toEqual([]);
  });

  it("closing the socket here ends the worker's connection (its disconnect)", async () => {
    const address = unique("close-here");
    const pull = new Pull();
    await pull.bind(address);
    const worker = await peer({ role: "send", type: "Push", address, count: 1 });
    await pull.receive();
    pull.close();
    // The worker's PUSH sees its pipe end (inproc does not reconnect); the worker
    // stays responsive and ends when told to.
    await stop(worker);
    expect(worker.threadId).toBe(-1);
  });
});

describe("a thread that ends costs only its own connections", () => {
  for (const how of ["exit", "throw", "terminate"] as const) {
    it(`worker ${how}: the peer here sees a disconnect, other connections go on`, async () => {
      const address = unique(`end-${how}`);
      const other = unique(`other-${how}`);
      const dying = await peer({
        role: "exit",
        type: "Reply",
        address,
        bind: true,
        exitHow: how === "terminate" ? "hang" : how,
      });
      await peer({ role: "echo", type: "Reply", address: other, bind: true });
      const req = new Request();
      const observer = new Observer(req);
      const disconnected = event(observer, "disconnect");
      req.connect(address);
      await req.send("last");
      expect((await req.receive())[0]!.toString()).toBe("last");
      if (how === "terminate") await dying.terminate();
      await disconnected;
      // The name is free again, for any thread.
      const rebind = new Pull();
      await rebind.bind(address);
      rebind.close();
      // The other worker still serves.
      const req2 = new Request();
      req2.connect(other);
      await req2.send("still there");
      expect((await req2.receive())[0]!.toString()).toBe("still there");
      req.close();
      req2.close();
    });
  }
});

describe("ZAP across threads", () => {
  it("a ZAP handler bound in a worker authenticates a PLAIN server in this thread", async () => {
    const worker = spawn("zap-worker");
    workers.push(worker);
    const requests: string[] = [];
    worker.on("message", (m: { request?: string }) => {
      if (m.request !== undefined) requests.push(m.request);
    });
    await nextMessage(worker, "ready");
    const router = new Router({ plainServer: true });
    await router.bind("tcp://127.0.0.1:*");
    const address = router.lastEndpoint!;
    const good = new Dealer({ plainUsername: "admin", plainPassword: "secret" });
    const bad = new Dealer({ plainUsername: "admin", plainPassword: "wrong" });
    const denied = event(new Observer(bad), "handshake:error:auth");
    good.connect(address);
    bad.connect(address);
    await good.send("hi");
    await bad.send("sneaky");
    const [, body] = await router.receive();
    expect(String(body)).toBe("hi");
    expect(messageProperty(body!, "User-Id")).toBe("worker-approved");
    expect(((await denied) as { error: { status: number } }).error.status).toBe(400);
    expect(requests.sort()).toEqual(["PLAIN:admin/secret", "PLAIN:admin/wrong"]);
    for (const socket of [router, good, bad]) socket.close();
  });
});

describe("the default context is process-wide", () => {
  it("a worker reads the context options the main thread set", async () => {
    const before = context.maxSockets;
    context.maxSockets = 777;
    try {
      const worker = await peer({ role: "idle", type: "Pull", address: unique("ctx"), bind: true });
      const reply = nextMessage<number>(worker, "context");
      worker.postMessage({ context: "maxSockets" });
      expect(await reply).toBe(777);
    } finally {
      context.maxSockets = before;
    }
  });

  it("a program using inproc across threads ends by itself", () => {
    const script = fileURLToPath(new URL("./fixtures/exits-alone.mjs", import.meta.url));
    const result = spawnSync(process.execPath, ["--conditions=@zmq/source", script], {
      timeout: 30_000,
      encoding: "utf8",
    });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("done");
    expect(result.status).toBe(0);
  }, 40_000);
});
