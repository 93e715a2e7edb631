import { delay, expectTransportError, MessageRecorder, ResourceTracker } from "@zmq/compliance";
import type { Listener, MessageConnection } from "@zmq/transport";
import { afterEach, describe, expect, it } from "vitest";
import { defaultInprocContext, InprocContext, InprocTransport, inproc } from "../src/index";

const track = new ResourceTracker();
afterEach(() => track.closeAll());

const context = new InprocContext();
const transport = new InprocTransport({ context });
let n = 0;
const fresh = () => `inproc://test-${n++}`;

async function bind(endpoint: string, options = {}): Promise<Listener> {
  return track.listener(await transport.bind(endpoint, options));
}

async function connect(endpoint: string, options = {}): Promise<MessageConnection> {
  const c = await transport.connect(endpoint, options);
  if (c.kind !== "message") throw new Error("expected a message connection");
  return track.connection(c);
}

function nextConnection(listener: Listener): Promise<MessageConnection> {
  return new Promise((resolve) =>
    listener.onConnection((c) => {
      if (c.kind === "message") resolve(track.connection(c));
    }),
  );
}

describe("inproc bind and connect order", () => {
  it("a connect before the bind stays pending, then completes when the name is bound", async () => {
    const endpoint = fresh();
    const name = endpoint.slice("inproc://".length);
    let settled = false;
    const pending = connect(endpoint).then((c) => {
      settled = true;
      return c;
    });
    const pending2 = connect(endpoint);
    await delay(20);
    expect(settled).toBe(false);
    expect(context.pendingCount(name)).toBe(2);
    const listener = await bind(endpoint);
    const servers: MessageConnection[] = [];
    listener.onConnection((c) => {
      if (c.kind === "message") servers.push(track.connection(c));
    });
    const [client] = await Promise.all([pending, pending2]);
    expect(context.pendingCount(name)).toBe(0);
    expect(servers).toHaveLength(2);
    const atServer = new MessageRecorder();
    servers[0]!.setHandler(atServer);
    client.send([new Uint8Array([7])]);
    await atServer.untilMessages(1);
  });

  it("aborting a pending connect withdraws it", async () => {
    const endpoint = fresh();
    const name = endpoint.slice("inproc://".length);
    const controller = new AbortController();
    const pending = connect(endpoint, { signal: controller.signal });
    await delay(5);
    controller.abort();
    await expectTransportError(pending, ["ECANCELED"], endpoint);
    expect(context.pendingCount(name)).toBe(0);
    const listener = await bind(endpoint);
    const accepted: MessageConnection[] = [];
    listener.onConnection((c) => {
      if (c.kind === "message") accepted.push(c);
    });
    await delay(5);
    expect(accepted).toHaveLength(0);
  });
});

describe("inproc names", () => {
  it("binding a name twice is EADDRINUSE", async () => {
    const endpoint = fresh();
    await bind(endpoint);
    await expectTransportError(transport.bind(endpoint), ["EADDRINUSE"], endpoint);
  });

  it("unbind frees the name, and existing pipes keep working", async () => {
    const endpoint = fresh();
    const name = endpoint.slice("inproc://".length);
    const listener = await bind(endpoint);
    const accepted = nextConnection(listener);
    const client = await connect(endpoint);
    const server = await accepted;
    await listener.close();
    expect(context.has(name)).toBe(false);
    const again = await bind(endpoint);
    expect(again.endpoint).toBe(endpoint);
    const atServer = new MessageRecorder();
    server.setHandler(atServer);
    client.send([new Uint8Array([1])]);
    await atServer.untilMessages(1);
  });

  it("names are scoped to a context", async () => {
    const other = new InprocContext();
    const endpoint = fresh();
    await bind(endpoint);
    const controller = new AbortController();
    const pending = transport.connect(endpoint, { context: other, signal: controller.signal });
    await delay(10);
    controller.abort();
    await expectTransportError(pending, ["ECANCELED"]);
    const inOther = track.listener(await transport.bind(endpoint, { context: other }));
    expect(inOther.endpoint).toBe(endpoint);
  });

  it("the shared transport uses the default context", async () => {
    const endpoint = fresh();
    const listener = track.listener(await inproc.bind(endpoint));
    expect(defaultInprocContext.has(endpoint.slice(9))).toBe(true);
    expect(context.has(endpoint.slice(9))).toBe(false);
    await listener.close();
    expect(defaultInprocContext.has(endpoint.slice(9))).toBe(false);
  });

  it("rejects an invalid highWaterMark with EINVAL", async () => {
    await expectTransportError(transport.bind(fresh(), { highWaterMark: -1 }), ["EINVAL"]);
    await expectTransportError(transport.connect(fresh(), { highWaterMark: 1.5 }), ["EINVAL"]);
  });
});

describe("inproc pipes", () => {
  it("passes messages by reference: the same arrays and Uint8Arrays arrive", async () => {
    const endpoint = fresh();
    const listener = await bind(endpoint);
    const accepted = nextConnection(listener);
    const client = await connect(endpoint);
    const server = await accepted;
    const atServer = new MessageRecorder();
    server.setHandler(atServer);
    const frames = [new Uint8Array([1, 2]), new Uint8Array(1 << 20)];
    client.send(frames);
    await atServer.untilMessages(1);
    expect(atServer.messages[0]).toBe(frames);
    expect(atServer.messages[0]![0]).toBe(frames[0]);
    expect(atServer.messages[0]![1]).toBe(frames[1]);
    expect(client.localEndpoint).toBe(endpoint);
    expect(server.remoteEndpoint).toBe(endpoint);
  });

  it("send() returns false at the receiver's high-water mark; drain comes at half of it", async () => {
    const endpoint = fresh();
    const listener = await bind(endpoint, { highWaterMark: 10 });
    const accepted = nextConnection(listener);
    const client = await connect(endpoint);
    const server = await accepted;
    const atClient = new MessageRecorder();
    client.setHandler(atClient);
    let received = 0;
    server.setHandler({
      message: () => {
        received++;
        if (received === 5) server.pause();
      },
      drain() {},
      close() {},
    });
    server.pause();
    const results = Array.from({ length: 12 }, (_, i) => client.send([new Uint8Array([i])]));
    expect(results).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    // Reading 5 of 12 leaves 7 queued: above half the mark (5), so no drain yet.
    server.resume();
    await delay(10);
    expect(received).toBe(5);
    expect(atClient.drains).toBe(0);
    // Reading the rest brings the queue under the low-water mark: drain.
    server.setHandler({ message: () => received++, drain() {}, close() {} });
    server.resume();
    await atClient.until((r) => r.drains > 0, "drain");
    expect(received).toBe(12);
    expect(atClient.drains).toBe(1);
  });

  it("highWaterMark 0 means no limit", async () => {
    const endpoint = fresh();
    const listener = await bind(endpoint, { highWaterMark: 0 });
    const accepted = nextConnection(listener);
    const client = await connect(endpoint);
    const server = await accepted;
    server.pause();
    server.setHandler(new MessageRecorder());
    let refused = 0;
    for (let i = 0; i < 50_000; i++) if (!client.send([new Uint8Array(1)])) refused++;
    expect(refused).toBe(0);
  });

  it("two ends answering each other forever do not starve timers", async () => {
    const endpoint = fresh();
    const listener = await bind(endpoint);
    const accepted = nextConnection(listener);
    const client = await connect(endpoint);
    const server = await accepted;
    let bounces = 0;
    let running = true;
    const ping = [new Uint8Array([1])];
    client.setHandler({
      message: () => running && client.send(ping) && bounces++,
      drain() {},
      close() {},
    });
    server.setHandler({
      message: () => running && server.send(ping) && bounces++,
      drain() {},
      close() {},
    });
    client.send(ping);
    const started = performance.now();
    await delay(20);
    running = false;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(bounces).toBeGreaterThan(1000);
  });
});
