/**
 * Proxy: moves messages between a frontend and a backend (zmq_proxy), with
 * pause/resume/terminate and an optional capture socket.
 */
import { expect, it } from "vitest";
import * as zmq from "../src/index";
import { bindAny, delay, strings, testProtos, track, within } from "./helpers";

testProtos(
  "tcp",
  "ipc",
  "inproc",
)("proxy", (proto) => {
  async function broker(capture?: zmq.Socket) {
    const [frontend, backend, client, worker] = track(
      new zmq.Router(),
      new zmq.Dealer(),
      new zmq.Request(),
      new zmq.Reply(),
    );
    client.connect(await bindAny(frontend, proto));
    worker.connect(await bindAny(backend, proto));
    const proxy = new zmq.Proxy(frontend, backend, capture);
    const running = proxy.run();
    return { proxy, running, client, worker, frontend, backend };
  }

  it("ROUTER ↔ DEALER: requests reach the worker, replies reach the client", async () => {
    const { proxy, running, client, worker } = await broker();
    expect(proxy.frontEnd).toBeInstanceOf(zmq.Router);
    expect(proxy.backEnd).toBeInstanceOf(zmq.Dealer);
    for (let i = 0; i < 3; i++) {
      await client.send(["req", String(i)]);
      expect(strings(await within(worker.receive()))).toEqual(["req", String(i)]);
      await worker.send(["rep", String(i)]);
      expect(strings(await within(client.receive()))).toEqual(["rep", String(i)]);
    }
    proxy.terminate();
    await within(running);
  });

  it("pause holds messages, resume lets them through", async () => {
    const { proxy, running, client, worker } = await broker();
    await client.send("first");
    expect(strings(await within(worker.receive()))).toEqual(["first"]);
    await worker.send("ok");
    await within(client.receive());

    proxy.pause();
    await client.send("while paused");
    worker.receiveTimeout = 100;
    await expect(worker.receive()).rejects.toMatchObject({ code: "EAGAIN" });
    proxy.resume();
    worker.receiveTimeout = -1;
    expect(strings(await within(worker.receive()))).toEqual(["while paused"]);
    proxy.terminate();
    await within(running);
  });

  it("a capture socket gets a copy of every message", async () => {
    const [capture, tap] = track(new zmq.Push(), new zmq.Pull());
    tap.connect(await bindAny(capture, proto));
    const { proxy, running, client, worker } = await broker(capture);
    await client.send("hello");
    expect(strings(await within(worker.receive()))).toEqual(["hello"]);
    await worker.send("world");
    expect(strings(await within(client.receive()))).toEqual(["world"]);
    const copies = [await within(tap.receive()), await within(tap.receive())].map(strings);
    // Router frames carry the client's id and the REQ delimiter.
    expect(copies[0]!.slice(-2)).toEqual(["", "hello"]);
    expect(copies[1]!.slice(-2)).toEqual(["", "world"]);
    proxy.terminate();
    await within(running);
  });

  it("terminate ends run() and closes both sockets (as zeromq.js does)", async () => {
    const { proxy, running, frontend, backend } = await broker();
    await delay(5);
    proxy.terminate();
    // A second terminate() before run() has settled does nothing (zeromq.js).
    expect(() => proxy.terminate()).not.toThrow();
    await within(running);
    expect(frontend.closed).toBe(true);
    expect(backend.closed).toBe(true);
    for (const call of [() => proxy.pause(), () => proxy.resume()]) {
      expect(call).toThrow(expect.objectContaining({ code: "EBADF" }));
    }
    // terminate() once run() has settled: EBADF "Socket is closed", as zeromq.js (its control
    // socket is gone); run() again: the sockets are gone.
    expect(() => proxy.terminate()).toThrow(
      expect.objectContaining({ code: "EBADF", message: "Socket is closed" }),
    );
    expect(() => proxy.run()).toThrow(
      expect.objectContaining({
        code: "EINVAL",
        message: "Front-end socket must be bound or connected",
      }),
    );
  });

  it("pause, resume and terminate before run() throw EBADF", () => {
    const [frontend, backend] = track(new zmq.Router(), new zmq.Dealer());
    const proxy = new zmq.Proxy(frontend, backend);
    for (const call of [() => proxy.pause(), () => proxy.resume(), () => proxy.terminate()]) {
      expect(call).toThrow(expect.objectContaining({ code: "EBADF" }));
    }
  });

  it("run() needs both sockets bound or connected (EINVAL)", async () => {
    const [frontend, backend] = track(new zmq.Router(), new zmq.Dealer());
    await bindAny(frontend, proto);
    // Thrown synchronously, as zeromq.js.
    expect(() => new zmq.Proxy(frontend, backend).run()).toThrow(
      expect.objectContaining({
        code: "EINVAL",
        message: "Back-end socket must be bound or connected",
      }),
    );
  });

  it("the constructor takes two sockets (as zeromq.js)", () => {
    const [router] = track(new zmq.Router());
    // biome-ignore lint/suspicious/noExplicitAny: wrong arguments on purpose
    const P = zmq.Proxy as any;
    expect(() => new P(router)).toThrow(new TypeError("Back-end must be a socket object"));
    expect(() => new P({}, {})).toThrow("Invalid argument");
    const proxy = new zmq.Proxy(router, router);
    expect(() => {
      // biome-ignore lint/suspicious/noExplicitAny: assigning a getter on purpose
      (proxy as any).frontEnd = null;
    }).toThrow(TypeError);
  });

  it("the sockets cannot be read by others while the proxy runs (EBUSY)", async () => {
    const { proxy, running, frontend } = await broker();
    expect(() => frontend.receive()).toThrow(expect.objectContaining({ code: "EBUSY" }));
    proxy.terminate();
    await within(running);
  });

  it("closing a socket under a running proxy makes run() reject", async () => {
    const { running, backend } = await broker();
    backend.close();
    await expect(within(running)).rejects.toBeInstanceOf(zmq.ZmqError);
  });

  it("run() on closed sockets rejects", async () => {
    const frontend = new zmq.Router();
    const backend = new zmq.Dealer();
    frontend.close();
    backend.close();
    // A closed socket has no endpoint: zeromq.js throws EINVAL for it.
    expect(() => new zmq.Proxy(frontend, backend).run()).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
  });

  it("PULL → PUSH streamer", async () => {
    const [frontend, backend, producer, consumer] = track(
      new zmq.Pull(),
      new zmq.Push(),
      new zmq.Push(),
      new zmq.Pull(),
    );
    producer.connect(await bindAny(frontend, proto));
    consumer.connect(await bindAny(backend, proto));
    const proxy = new zmq.Proxy(frontend, backend);
    const running = proxy.run();
    await producer.send(["a", "b"]);
    expect(strings(await within(consumer.receive()))).toEqual(["a", "b"]);
    proxy.terminate();
    await within(running);
  });

  it("XSUB ↔ XPUB forwarder passes subscriptions up and data down", async () => {
    const [frontend, backend, pub, sub] = track(
      new zmq.XSubscriber(),
      new zmq.XPublisher(),
      new zmq.Publisher(),
      new zmq.Subscriber(),
    );
    frontend.connect(await bindAny(pub, proto));
    sub.connect(await bindAny(backend, proto));
    const proxy = new zmq.Proxy(frontend, backend);
    const running = proxy.run();
    sub.subscribe("t");
    let got: Buffer[] | undefined;
    const receiving = sub.receive().then((m) => {
      got = m;
    });
    await within(
      (async () => {
        while (got === undefined) {
          await pub.send(["t", "data"]);
          await delay(5);
        }
      })(),
    );
    await receiving;
    expect(strings(got!)).toEqual(["t", "data"]);
    proxy.terminate();
    await within(running);
  });
});
