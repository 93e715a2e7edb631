import { createSocket } from "node:dgram";
import type { DatagramConnection, Listener } from "@zmq/transport";
import { afterEach, describe, expect, it } from "vitest";
import { isMulticast, parsePeer, parseUdpAddress, udp } from "../src/index";

const text = new TextEncoder();

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

async function bound(
  endpoint: string,
  options = {},
): Promise<[Listener<DatagramConnection>, DatagramConnection]> {
  const listener = await udp.bind(endpoint, options);
  opened.push(listener);
  let connection: DatagramConnection | undefined;
  listener.onConnection((c) => {
    connection = c;
  });
  return [listener, connection!];
}

function nextDatagram(connection: DatagramConnection, ms = 1000): Promise<[Uint8Array, string]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no datagram")), ms);
    connection.setHandler({
      datagram(data, from) {
        clearTimeout(timer);
        resolve([data, from]);
      },
      close() {},
    });
  });
}

const quiet = (connection: DatagramConnection, ms: number): Promise<boolean> =>
  nextDatagram(connection, ms).then(
    () => false,
    () => true,
  );

/** Whether multicast sent on this host loops back to a member here (libzmq's test probe). */
async function multicastWorks(group: string, type: "udp4" | "udp6"): Promise<string | undefined> {
  const receiver = createSocket({ type, reuseAddr: true });
  const sender = createSocket({ type });
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.once("error", reject);
      receiver.bind(0, type === "udp6" ? "::" : "0.0.0.0", () => resolve());
    });
    receiver.addMembership(group);
    const port = receiver.address().port;
    const got = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      receiver.once("message", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    await new Promise<void>((resolve) => sender.bind(0, () => resolve()));
    sender.setMulticastLoopback(true);
    sender.send("probe", port, group);
    return (await got) ? undefined : "multicast loopback delivered nothing";
  } catch (error) {
    return `multicast unavailable: ${(error as Error).message}`;
  } finally {
    receiver.close();
    sender.close();
  }
}

describe("udp addresses (libzmq udp_address_t)", () => {
  it("parses host:port, [ipv6]:port, iface;group:port and wildcards", () => {
    expect(parseUdpAddress("*:5555", "udp://*:5555", "bind")).toEqual({
      iface: undefined,
      host: "*",
      port: 5555,
    });
    expect(parseUdpAddress("[::1]:*", "x", "bind")).toEqual({
      iface: undefined,
      host: "::1",
      port: 0,
    });
    expect(parseUdpAddress("eth0;239.0.0.1:5555", "x", "bind").iface).toBe("eth0");
    expect(parseUdpAddress("localhost:1", "x", "connect").host).toBe("localhost");
  });

  it("rejects what libzmq rejects (EINVAL)", () => {
    const bad: [string, "bind" | "connect"][] = [
      ["5555", "bind"],
      ["*:5555", "connect"],
      ["127.0.0.1:0", "connect"],
      ["127.0.0.1:70000", "bind"],
      ["eth0;127.0.0.1:5555", "bind"], // an interface needs a multicast group
      ["[::1:5555", "bind"],
    ];
    for (const [address, mode] of bad) {
      expect(() => parseUdpAddress(address, `udp://${address}`, mode), address).toThrow(
        expect.objectContaining({ code: "EINVAL" }),
      );
    }
  });

  it("knows multicast and datagram peer addresses", () => {
    expect(isMulticast("239.1.2.3")).toBe(true);
    expect(isMulticast("224.0.0.1")).toBe(true);
    expect(isMulticast("240.0.0.1")).toBe(false);
    expect(isMulticast("ff02::1")).toBe(true);
    expect(isMulticast("::1")).toBe(false);
    expect(parsePeer("127.0.0.1:5555\0")).toEqual({ address: "127.0.0.1", port: 5555 });
    expect(parsePeer("[::1]:9")).toEqual({ address: "::1", port: 9 });
    expect(parsePeer("localhost:9")).toBeUndefined();
    expect(parsePeer("127.0.0.1:0")).toBeUndefined();
  });
});

describe("udp transport", () => {
  it("bind reports the chosen port; connect sends to it", async () => {
    const [listener, dish] = await bound("udp://127.0.0.1:*");
    expect(listener.endpoint).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(dish.kind).toBe("datagram");
    expect(dish.remoteEndpoint).toBe("");
    const radio = await udp.connect(listener.endpoint);
    opened.push(radio);
    expect(radio.remoteEndpoint).toBe(listener.endpoint);
    const next = nextDatagram(dish);
    expect(radio.send(text.encode("hello"))).toBe(true);
    const [data, from] = await next;
    expect(Buffer.from(data).toString()).toBe("hello");
    expect(from).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("a bound socket answers the sender's address (DGRAM)", async () => {
    const [, a] = await bound("udp://127.0.0.1:*");
    const [listenerB, b] = await bound("udp://127.0.0.1:*");
    const port = listenerB.endpoint.split(":").pop();
    const atB = nextDatagram(b);
    expect(a.send(text.encode("ping"), `127.0.0.1:${port}\0`)).toBe(true);
    const [, from] = await atB;
    const atA = nextDatagram(a);
    b.send(text.encode("pong"), from);
    expect(Buffer.from((await atA)[0]).toString()).toBe("pong");
    expect(a.send(text.encode("x"))).toBe(false); // a bound socket has no default destination
    expect(a.send(text.encode("x"), "nowhere:1")).toBe(false);
    expect(a.droppedDatagrams).toBe(2);
  });

  it("oversize datagrams are dropped and counted, never split, both ways", async () => {
    const [listener, dish] = await bound("udp://127.0.0.1:*", { maxDatagramSize: 100 });
    const radio = await udp.connect(listener.endpoint, { maxDatagramSize: 200 });
    opened.push(radio);
    expect(radio.maxDatagramSize).toBe(200);
    expect(radio.send(new Uint8Array(201))).toBe(false);
    expect(radio.droppedDatagrams).toBe(1);
    const next = nextDatagram(dish);
    radio.send(new Uint8Array(150)); // over the receiver's limit
    radio.send(new Uint8Array(100));
    expect((await next)[0].length).toBe(100);
    expect(dish.droppedDatagrams).toBe(1);
    await expect(udp.bind("udp://127.0.0.1:*", { maxDatagramSize: 70000 })).rejects.toMatchObject({
      code: "EINVAL",
    });
  });

  it("pause drops what arrives; close ends the socket and frees the port", async () => {
    const [listener, dish] = await bound("udp://127.0.0.1:*");
    const radio = await udp.connect(listener.endpoint);
    opened.push(radio);
    dish.pause();
    const silent = quiet(dish, 150);
    radio.send(text.encode("lost"));
    expect(await silent).toBe(true);
    expect(dish.droppedDatagrams).toBe(1);
    dish.resume();
    let closed = false;
    dish.setHandler({ datagram() {}, close: () => (closed = true) });
    await listener.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
    const again = await udp.bind(listener.endpoint);
    opened.push(again);
    expect(dish.send(text.encode("x"), "127.0.0.1:9")).toBe(false);
  });

  it("a unicast port bound twice is EADDRINUSE; bad interfaces ENODEV; wrong scheme EPROTONOSUPPORT", async () => {
    const [listener] = await bound("udp://127.0.0.1:*");
    await expect(udp.bind(listener.endpoint)).rejects.toMatchObject({ code: "EADDRINUSE" });
    await expect(udp.bind("udp://nosuchif0:5555")).rejects.toMatchObject({ code: "ENODEV" });
    await expect(udp.bind("tcp://127.0.0.1:5555")).rejects.toMatchObject({
      code: "EPROTONOSUPPORT",
    });
    await expect(udp.connect("udp://no-such-host.invalid:5555")).rejects.toMatchObject({
      code: "EHOSTUNREACH",
    });
  });

  it("IPv6 unicast", async (ctx) => {
    let listener: Listener<DatagramConnection>;
    try {
      listener = await udp.bind("udp://[::1]:*", { ipv6: true });
    } catch (error) {
      console.log(`skipping IPv6: ${(error as Error).message}`);
      ctx.skip();
      return;
    }
    opened.push(listener);
    let dish: DatagramConnection | undefined;
    listener.onConnection((c) => {
      dish = c;
    });
    expect(listener.endpoint).toMatch(/^udp:\/\/\[::1\]:\d+$/);
    const radio = await udp.connect(listener.endpoint, { ipv6: true });
    opened.push(radio);
    const next = nextDatagram(dish!);
    radio.send(text.encode("six"));
    const [data, from] = await next;
    expect(Buffer.from(data).toString()).toBe("six");
    expect(from).toMatch(/^\[::1\]:\d+$/);
  });

  it("IPv4 multicast: members receive, multicastLoop false keeps it off this host", async (ctx) => {
    const group = "239.193.7.7";
    const reason = await multicastWorks(group, "udp4");
    if (reason !== undefined) {
      console.log(`skipping multicast: ${reason}`);
      ctx.skip();
      return;
    }
    const [listener, dish] = await bound(`udp://${group}:*`);
    expect(listener.endpoint).toMatch(/^udp:\/\/239\.193\.7\.7:\d+$/);
    const [listener2, dish2] = await bound(listener.endpoint); // a second member on the same port
    expect(listener2.endpoint).toBe(listener.endpoint);
    const radio = await udp.connect(listener.endpoint, { multicastHops: 1 });
    opened.push(radio);
    const both = Promise.all([nextDatagram(dish), nextDatagram(dish2)]);
    radio.send(text.encode("to all"));
    for (const [data] of await both) expect(Buffer.from(data).toString()).toBe("to all");
    const noLoop = await udp.connect(listener.endpoint, { multicastLoop: false });
    opened.push(noLoop);
    const silent = quiet(dish, 200);
    noLoop.send(text.encode("not looped"));
    expect(await silent).toBe(true);
    const [withIface] = await bound(`udp://127.0.0.1;${group}:*`).catch(() => [undefined]);
    if (withIface !== undefined)
      expect(withIface.endpoint).toMatch(/^udp:\/\/127\.0\.0\.1;239\.193\.7\.7:\d+$/);
  });
});
