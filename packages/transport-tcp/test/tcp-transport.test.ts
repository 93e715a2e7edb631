import { readdirSync } from "node:fs";
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { expectTransportError, ResourceTracker, StreamRecorder } from "@zmq/compliance";
import type { Listener, StreamConnection } from "@zmq/transport";
import { RAW_CONNECT_SUPPORTED } from "@zmq/transport/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  formatTcpEndpoint,
  lookupLocalHost,
  lookupLocalHostSync,
  parseTcpAddress,
  resolveLocalHost,
  tcp,
} from "../src/index";

const track = new ResourceTracker();
afterEach(() => track.closeAll());

async function bind(endpoint: string, options = {}): Promise<Listener> {
  return track.listener(await tcp.bind(endpoint, options));
}

async function connect(endpoint: string, options = {}): Promise<StreamConnection> {
  return track.connection(await tcp.connect(endpoint, options));
}

function nextConnection(listener: Listener): Promise<StreamConnection> {
  return new Promise((resolve) =>
    listener.onConnection((c) => {
      if (c.kind === "stream") resolve(track.connection(c));
    }),
  );
}

async function roundtrip(client: StreamConnection, server: StreamConnection): Promise<void> {
  const atServer = new StreamRecorder();
  server.setHandler(atServer);
  client.setHandler(new StreamRecorder());
  client.write([new Uint8Array([1, 2, 3])]);
  await atServer.untilBytes(3);
}

function port(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) =>
  list?.some((a) => a.family === "IPv6" && a.address === "::1"),
);
const loopbackName = Object.entries(networkInterfaces()).find(([, list]) =>
  list?.some((a) => a.address === "127.0.0.1"),
)?.[0];

describe("parseTcpAddress", () => {
  it("parses host:port, wildcards, IPv6 and source addresses", () => {
    expect(parseTcpAddress("127.0.0.1:5555", "e", "connect")).toEqual({
      host: "127.0.0.1",
      port: 5555,
      source: undefined,
    });
    expect(parseTcpAddress("*:*", "e", "bind")).toMatchObject({ host: "*", port: 0 });
    expect(parseTcpAddress("*:0", "e", "bind")).toMatchObject({ host: "*", port: 0 });
    expect(parseTcpAddress("[::1]:65535", "e", "connect")).toMatchObject({
      host: "::1",
      port: 65535,
    });
    expect(parseTcpAddress("[fe80::1%eth0]:1", "e", "connect")).toMatchObject({
      host: "fe80::1%eth0",
    });
    expect(parseTcpAddress("eth0:0;server1:5555", "e", "connect")).toEqual({
      host: "server1",
      port: 5555,
      source: { host: "eth0", port: 0 },
    });
    expect(parseTcpAddress("192.168.1.17:*;192.168.1.1:5555", "e", "connect").source).toEqual({
      host: "192.168.1.17",
      port: 0,
    });
  });

  it.each([
    ["127.0.0.1", "bind"],
    [":5555", "bind"],
    ["127.0.0.1:", "bind"],
    ["127.0.0.1:-1", "bind"],
    ["127.0.0.1:65536", "bind"],
    ["127.0.0.1:123456", "bind"],
    ["[::1]5555", "bind"],
    ["[::1:5555", "bind"],
    ["[not-v6]:5555", "bind"],
    ["a b:1", "bind"],
    ["a/b:1", "bind"],
    ["a:1;b:2", "bind"],
    ["a:1;b:2;c:3", "connect"],
    ["*:5555", "connect"],
    ["host:0", "connect"],
    ["host:*", "connect"],
  ] as const)("rejects %j for %s with EINVAL", (address, mode) => {
    expect(() => parseTcpAddress(address, `tcp://${address}`, mode)).toThrow(
      expect.objectContaining({ code: "EINVAL", address: `tcp://${address}` }),
    );
  });

  it("formats endpoints with IPv6 in brackets", () => {
    expect(formatTcpEndpoint("0.0.0.0", 1)).toBe("tcp://0.0.0.0:1");
    expect(formatTcpEndpoint("::", 2)).toBe("tcp://[::]:2");
  });

  it("resolves local hosts like libzmq: wildcard, literals, interface names, no DNS", () => {
    expect(resolveLocalHost("*", false, "e")).toBe("0.0.0.0");
    expect(resolveLocalHost("*", true, "e")).toBe("::");
    expect(resolveLocalHost("10.1.2.3", false, "e")).toBe("10.1.2.3");
    if (loopbackName !== undefined)
      expect(resolveLocalHost(loopbackName, false, "e")).toBe("127.0.0.1");
    expect(() => resolveLocalHost("no-such-interface0", false, "e")).toThrow(
      expect.objectContaining({ code: "ENODEV" }),
    );
  });
});

describe("tcp bind", () => {
  it("looks a host name up as libzmq's bind does (localhost: 127.0.0.1, mapped with ipv6)", async () => {
    expect(await lookupLocalHost("localhost", false, "e")).toBe("127.0.0.1");
    expect(await lookupLocalHost("localhost", true, "e")).toMatch(/^(::ffff:127\.0\.0\.1|::1)$/);
    expect(await lookupLocalHost("10.1.2.3", false, "e")).toBe("10.1.2.3");
    await expect(lookupLocalHost("nonexistent.invalid", false, "e")).rejects.toMatchObject({
      code: "ENODEV",
    });
    const listener = await bind("tcp://localhost:*");
    try {
      expect(listener.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await listener.close();
    }
    expect(() => tcp.bindSync("tcp://nonexistent.invalid:*")).toThrow(
      expect.objectContaining({ code: "ENODEV" }),
    );
  });

  it("tcp://*:* binds every interface on an ephemeral port and reports it", async () => {
    const listener = await bind("tcp://*:*");
    expect(listener.endpoint).toMatch(/^tcp:\/\/0\.0\.0\.0:\d+$/);
    expect(port(listener.endpoint)).toBeGreaterThan(0);
    const accepted = nextConnection(listener);
    const client = await connect(`tcp://127.0.0.1:${port(listener.endpoint)}`);
    await roundtrip(client, await accepted);
  });

  it("port 0 on a given address is ephemeral too", async () => {
    const listener = await bind("tcp://127.0.0.1:0");
    expect(listener.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(port(listener.endpoint)).toBeGreaterThan(0);
  });

  it("binds a fixed port, and the resolved endpoint can rebind it after close", async () => {
    const first = await bind("tcp://127.0.0.1:*");
    await first.close();
    const fixed = await bind(first.endpoint);
    expect(fixed.endpoint).toBe(first.endpoint);
  });

  it("binds an interface name to that interface's address", async (t) => {
    if (loopbackName === undefined) t.skip(true, "no interface has 127.0.0.1");
    const listener = await bind(`tcp://${loopbackName}:*`);
    expect(listener.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it("rejects a name that is neither an interface nor a resolvable host with ENODEV", async () => {
    await expectTransportError(
      bind("tcp://no-such-interface0:*"),
      ["ENODEV"],
      "tcp://no-such-interface0:*",
    );
    await expectTransportError(bind("tcp://nonexistent.invalid:*"), ["ENODEV"]);
  });

  it("rejects an address of another host with EADDRNOTAVAIL", async () => {
    await expectTransportError(
      bind("tcp://203.0.113.7:*"),
      ["EADDRNOTAVAIL"],
      "tcp://203.0.113.7:*",
    );
  });

  it("takes keepAlive, keepAliveIdle, noDelay and backlog options", async () => {
    const listener = await bind("tcp://127.0.0.1:*", {
      backlog: 5,
      keepAlive: true,
      keepAliveIdle: 1000,
      noDelay: false,
    });
    const accepted = nextConnection(listener);
    const client = await connect(listener.endpoint, { keepAlive: true, keepAliveIdle: 500 });
    await roundtrip(client, await accepted);
  });

  it("reports both endpoints and the peer IP on each side", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await connect(listener.endpoint);
    const server = await accepted;
    expect(client.remoteEndpoint).toBe(listener.endpoint);
    expect(server.localEndpoint).toBe(listener.endpoint);
    expect(server.remoteEndpoint).toBe(client.localEndpoint);
    expect(server.remoteAddress).toBe("127.0.0.1");
    expect(client.remoteAddress).toBe("127.0.0.1");
  });
});

describe("tcp IPv6", () => {
  it.skipIf(!hasIpv6Loopback)("binds and connects over [::1] with ipv6", async () => {
    const listener = await bind("tcp://[::1]:*", { ipv6: true });
    expect(listener.endpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    const accepted = nextConnection(listener);
    const client = await connect(listener.endpoint, { ipv6: true });
    const server = await accepted;
    expect(server.remoteAddress).toBe("::1");
    expect(client.localEndpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    await roundtrip(client, server);
  });

  it.skipIf(!hasIpv6Loopback)(
    "ipv6: true makes tcp://*:* bind [::], reachable over IPv4 and IPv6",
    async () => {
      const listener = await bind("tcp://*:*", { ipv6: true });
      expect(listener.endpoint).toMatch(/^tcp:\/\/\[::\]:\d+$/);
      const accepted = nextConnection(listener);
      await connect(`tcp://[::1]:${port(listener.endpoint)}`, { ipv6: true });
      await accepted;
      const v4 = await connect(`tcp://127.0.0.1:${port(listener.endpoint)}`);
      expect(v4.remoteAddress).toMatch(/127\.0\.0\.1$/);
    },
  );

  it("without ipv6 an IPv6 literal binds nowhere (ENODEV) and connects to nothing, as libzmq", async () => {
    await expectTransportError(tcp.bind("tcp://[::1]:*"), ["ENODEV"]);
    expect(() => tcp.bindSync("tcp://[::1]:*")).toThrow(/ipv6 option is off/);
    const error = (await tcp.connect("tcp://[::1]:5555").catch((e: unknown) => e)) as Error;
    // a resolve failure (retried by a socket, no socket was opened), not a bad address
    expect(error).toMatchObject({ code: "EHOSTUNREACH" });
    expect((error.cause as { code?: string }).code).toBe("EAI_ADDRFAMILY");
  });

  it.skipIf(!hasIpv6Loopback)(
    "ipv6: true binds an IPv4 address as its IPv4-mapped IPv6 one, as libzmq",
    async () => {
      const listener = await bind("tcp://127.0.0.1:*", { ipv6: true });
      expect(listener.endpoint).toMatch(/^tcp:\/\/\[::ffff:127\.0\.0\.1\]:\d+$/);
      const accepted = nextConnection(listener);
      await connect(`tcp://127.0.0.1:${port(listener.endpoint)}`);
      await accepted;
    },
  );

  if (!hasIpv6Loopback) console.log("tcp IPv6 tests skipped: ::1 is not configured on this host");
});

describe("tcp connect", () => {
  it("resolves host names: localhost", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await connect(`tcp://localhost:${port(listener.endpoint)}`);
    expect(client.remoteEndpoint).toBe(listener.endpoint);
    await roundtrip(client, await accepted);
  });

  it("reports an unresolvable host as EHOSTUNREACH", async () => {
    await expectTransportError(
      connect("tcp://nonexistent.invalid:5555"),
      ["EHOSTUNREACH"],
      "tcp://nonexistent.invalid:5555",
    );
  });

  it("connects from a source address (src;dst)", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await connect(`tcp://127.0.0.2:*;${listener.endpoint.slice(6)}`);
    const server = await accepted;
    expect(server.remoteAddress).toBe("127.0.0.2");
    expect(client.localEndpoint).toMatch(/^tcp:\/\/127\.0\.0\.2:\d+$/);
    await roundtrip(client, server);
  });

  it("connects from a source port", async () => {
    const spare = await bind("tcp://127.0.0.1:*");
    const sourcePort = port(spare.endpoint);
    await spare.close();
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    await connect(`tcp://127.0.0.1:${sourcePort};${listener.endpoint.slice(6)}`);
    const server = await accepted;
    expect(server.remoteEndpoint).toBe(`tcp://127.0.0.1:${sourcePort}`);
  });

  it.skipIf(loopbackName === undefined)("connects from an interface name as source", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    await connect(`tcp://${loopbackName}:0;${listener.endpoint.slice(6)}`);
    expect((await accepted).remoteAddress).toBe("127.0.0.1");
  });

  it("an unknown source interface is ENODEV", async () => {
    await expectTransportError(connect("tcp://no-such-interface0:0;127.0.0.1:5555"), ["ENODEV"]);
  });

  it("aborting a connect in flight rejects with ECANCELED", async () => {
    const controller = new AbortController();
    // TEST-NET-1: nobody answers, so the connect stays in flight.
    const pending = connect("tcp://192.0.2.200:9", { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expectTransportError(pending, ["ECANCELED", "EHOSTUNREACH", "ENETUNREACH"]);
  });
});

describe("tcp connecter (reconnect loops)", () => {
  it("retries a closed port, then connects once a listener binds, and the connection carries data", async () => {
    const probe = await tcp.bind("tcp://127.0.0.1:*");
    const endpoint = probe.endpoint;
    await probe.close();
    const connecter = tcp.connecter(endpoint);
    const errors: string[] = [];
    for (let i = 0; i < 5; i++) {
      try {
        await connecter.connect({ ref: false });
        expect.unreachable("nothing listens yet");
      } catch (error) {
        errors.push((error as { code: string }).code);
      }
      // Let the refused socket emit 'close' so that the next attempt reuses it.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(errors).toEqual(Array(5).fill("ECONNREFUSED"));
    const listener = await bind(endpoint);
    const accepted = nextConnection(listener);
    const client = track.connection(await connecter.connect({ ref: false }));
    await roundtrip(client, await accepted);
    // The socket of a refused attempt that connected was handed over: the next
    // attempt makes a second, independent connection.
    const accepted2 = nextConnection(listener);
    const client2 = track.connection(await connecter.connect());
    await roundtrip(client2, await accepted2);
    connecter.close();
  });

  it("an attempt right after a refusal (before its socket closed) still works", async () => {
    const probe = await tcp.bind("tcp://127.0.0.1:*");
    const endpoint = probe.endpoint;
    await probe.close();
    const connecter = tcp.connecter(endpoint);
    await expectTransportError(connecter.connect(), ["ECONNREFUSED"]);
    await expectTransportError(connecter.connect(), ["ECONNREFUSED"]);
    connecter.close();
  });

  it("aborting an attempt rejects with ECANCELED; an aborted signal fails at once", async () => {
    const connecter = tcp.connecter("tcp://192.0.2.200:9");
    const controller = new AbortController();
    const pending = connecter.connect({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expectTransportError(pending, ["ECANCELED", "EHOSTUNREACH", "ENETUNREACH"]);
    await expectTransportError(connecter.connect({ signal: controller.signal }), ["ECANCELED"]);
    connecter.close();
  });

  it("close() cancels the attempt in flight (ECANCELED), with no signal given", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const port = listener.endpoint.slice(listener.endpoint.lastIndexOf(":") + 1);
    // A numeric address (bare handle) and a host name (net.connect).
    for (const endpoint of [listener.endpoint, `tcp://localhost:${port}`]) {
      const connecter = tcp.connecter(endpoint);
      const pending = connecter.connect();
      connecter.close();
      await expectTransportError(pending, ["ECANCELED"]);
    }
  });

  it("a malformed endpoint rejects with EINVAL", async () => {
    await expectTransportError(tcp.connecter("tcp://127.0.0.1").connect(), ["EINVAL"]);
  });
});

describe("tcp connecter on a bare TCP handle (RAW_CONNECT_SUPPORTED)", () => {
  async function viaConnecter(endpoint: string, options = {}): Promise<StreamConnection> {
    const connecter = tcp.connecter(endpoint);
    try {
      return track.connection(await connecter.connect(options));
    } finally {
      connecter.close();
    }
  }

  it("is the path taken on Node", () => {
    expect(RAW_CONNECT_SUPPORTED).toBe(process.env.ZMQ_NO_RAW_CONNECT === undefined);
  });

  it("a connection it makes reports its endpoints and carries 4 MiB each way, then half-closes", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await viaConnecter(listener.endpoint);
    const server = await accepted;
    expect(client.remoteEndpoint).toBe(listener.endpoint);
    expect(client.localEndpoint).toBe(server.remoteEndpoint);
    expect(client.remoteAddress).toBe("127.0.0.1");
    const data = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 10)) & 0xff;
    const atServer = new StreamRecorder();
    const atClient = new StreamRecorder();
    server.setHandler(atServer);
    client.setHandler(atClient);
    client.write([data]);
    server.write([data.subarray(1)]);
    await atServer.untilBytes(data.length);
    await atClient.untilBytes(data.length - 1);
    expect(Buffer.compare(Buffer.from(atServer.bytes()), Buffer.from(data))).toBe(0);
    expect(Buffer.compare(Buffer.from(atClient.bytes()), Buffer.from(data.subarray(1)))).toBe(0);
    client.end();
    await atServer.untilEnd();
  });

  it("connects from a source address and port (src;dst)", async () => {
    const spare = await bind("tcp://127.0.0.2:*");
    const sourcePort = port(spare.endpoint);
    await spare.close();
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await viaConnecter(
      `tcp://127.0.0.2:${sourcePort};${listener.endpoint.slice(6)}`,
    );
    const server = await accepted;
    expect(server.remoteEndpoint).toBe(`tcp://127.0.0.2:${sourcePort}`);
    expect(client.localEndpoint).toBe(`tcp://127.0.0.2:${sourcePort}`);
    await roundtrip(client, server);
  });

  it("a source port in use is EADDRINUSE; a refusal is ECONNREFUSED naming the endpoint", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const busy = listener.endpoint.slice(6);
    await expectTransportError(viaConnecter(`tcp://${busy};127.0.0.1:9`), ["EADDRINUSE"]);
    const probe = await tcp.bind("tcp://127.0.0.1:*");
    const closed = probe.endpoint;
    await probe.close();
    const error = await viaConnecter(closed).catch((e: unknown) => e as Error & { code: string });
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
    expect((error as Error).message).toContain(closed);
    expect(((error as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  /** One attempt through `Connecter.attempt`, as the socket layer makes them. */
  function attempt(
    connecter: ReturnType<typeof tcp.connecter>,
    options = {},
  ): Promise<{ connection?: StreamConnection; error?: { code?: string } }> {
    return new Promise((resolve) =>
      connecter.attempt!(options, (connection, error) =>
        resolve(
          connection === undefined
            ? { error: error as { code?: string } }
            : { connection: track.connection(connection) },
        ),
      ),
    );
  }

  const fds = () => readdirSync("/proc/self/fd").length;

  it.runIf(process.platform === "linux" && RAW_CONNECT_SUPPORTED)(
    "refused attempts keep one socket between them (Linux); it then connects and carries data, and close releases it",
    async () => {
      const probe = await tcp.bind("tcp://127.0.0.1:*");
      const endpoint = probe.endpoint;
      await probe.close();
      const connecter = tcp.connecter(endpoint);
      const before = fds();
      for (let i = 0; i < 5; i++) {
        const { error } = await attempt(connecter);
        expect(error?.code).toBe("ECONNREFUSED");
        // The refused socket is kept for the next attempt: one descriptor, not one per attempt.
        expect(fds()).toBe(before + 1);
      }
      const listener = await bind(endpoint);
      const accepted = nextConnection(listener);
      const { connection, error } = await attempt(connecter);
      expect(error).toBeUndefined();
      const server = await accepted;
      expect(connection!.remoteEndpoint).toBe(endpoint);
      expect(connection!.localEndpoint).toBe(server.remoteEndpoint);
      await roundtrip(connection!, server);
      // The connected socket is the connection's now; nothing else is held.
      expect(fds()).toBe(before + 3); // the listener, the connection and the accepted one
      await listener.close();
      connection!.destroy();
      server.destroy();
      // A refusal after a success starts from a fresh socket and is kept again.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await attempt(connecter)).error?.code).toBe("ECONNREFUSED");
      connecter.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fds()).toBe(before);
    },
  );

  it.runIf(process.platform === "linux" && RAW_CONNECT_SUPPORTED)(
    "refused attempts share one connect request; a connect after them still succeeds",
    async () => {
      // Count the connect requests made, through the binding the dialer reads them from.
      const wrap = (process as unknown as { binding(name: string): unknown }).binding(
        "tcp_wrap",
      ) as { TCPConnectWrap: new () => object };
      const Original = wrap.TCPConnectWrap;
      let made = 0;
      wrap.TCPConnectWrap = class extends Original {
        constructor() {
          super();
          made++;
        }
      };
      try {
        const probe = await tcp.bind("tcp://127.0.0.1:*");
        const endpoint = probe.endpoint;
        await probe.close();
        const connecter = tcp.connecter(endpoint);
        for (let i = 0; i < 6; i++) {
          expect((await attempt(connecter)).error?.code).toBe("ECONNREFUSED");
        }
        expect(made).toBe(1);
        const listener = await bind(endpoint);
        const accepted = nextConnection(listener);
        const { connection, error } = await attempt(connecter);
        expect(error).toBeUndefined();
        expect(made).toBe(1);
        await roundtrip(connection!, await accepted);
        await listener.close();
        connecter.close();
      } finally {
        wrap.TCPConnectWrap = Original;
      }
    },
  );

  it("a source address takes a fresh socket per attempt (libzmq binds each one)", async () => {
    const probe = await tcp.bind("tcp://127.0.0.1:*");
    const closed = probe.endpoint.slice(6);
    await probe.close();
    const connecter = tcp.connecter(`tcp://127.0.0.2:0;${closed}`);
    const before = fds();
    for (let i = 0; i < 3; i++) {
      expect((await attempt(connecter)).error?.code).toBe("ECONNREFUSED");
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(fds()).toBe(before);
    }
    connecter.close();
  });

  it.skipIf(!hasIpv6Loopback)("connects over [::1]", async () => {
    const listener = await bind("tcp://[::1]:*", { ipv6: true });
    const accepted = nextConnection(listener);
    const client = await viaConnecter(listener.endpoint, { ipv6: true });
    expect(client.localEndpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
    await roundtrip(client, await accepted);
  });

  it("a host name takes the net.connect path and still connects", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await viaConnecter(`tcp://localhost:${port(listener.endpoint)}`);
    await roundtrip(client, await accepted);
  });

  it("onConnecting: at once for an address, after the lookup for a name, never for a name that does not resolve", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const calls: string[] = [];
    const connecter = tcp.connecter(listener.endpoint);
    const viaAddress = connecter.connect({ onConnecting: () => calls.push("address") });
    expect(calls).toEqual(["address"]); // synchronously, before the attempt settles
    track.connection(await viaAddress);
    connecter.close();
    const byName = tcp.connect(`tcp://localhost:${port(listener.endpoint)}`, {
      onConnecting: () => calls.push("name"),
    });
    expect(calls).toEqual(["address"]); // the lookup has not answered yet
    track.connection(await byName);
    expect(calls).toEqual(["address", "name"]);
    const bad = () => calls.push("bad");
    await expect(
      tcp.connect("tcp://nonexistent.invalid:5555", { onConnecting: bad }),
    ).rejects.toMatchObject({ code: "EHOSTUNREACH" });
    const badConnecter = tcp.connecter("tcp://nonexistent.invalid:5555");
    await expect(badConnecter.connect({ onConnecting: bad })).rejects.toMatchObject({
      code: "EHOSTUNREACH",
    });
    badConnecter.close();
    expect(calls).toEqual(["address", "name"]);
  });
});

describe("lookupLocalHostSync (bindSync's host names)", () => {
  it("knows IP literals, localhost, the hosts file and this host's name; not other names", () => {
    expect(lookupLocalHostSync("127.0.0.1", false, "e")).toBe("127.0.0.1");
    expect(lookupLocalHostSync("*", false, "e")).toBe("0.0.0.0");
    expect(lookupLocalHostSync("localhost", false, "e")).toBe("127.0.0.1");
    expect(lookupLocalHostSync("LocalHost", false, "e")).toBe("127.0.0.1");
    expect(["::1", "::ffff:127.0.0.1"]).toContain(lookupLocalHostSync("localhost", true, "e"));
    expect(isIP(lookupLocalHostSync(hostname(), false, "e"))).toBe(4);
    expect(() => lookupLocalHostSync("nonexistent.invalid", false, "tcp://x")).toThrow(
      /bindSync\(\) does not ask DNS, bind\(\) does/,
    );
    expect(() => lookupLocalHostSync("::1", false, "e")).toThrow(/ipv6 option is off/);
  });

  it("bindSync binds localhost", () => {
    const listener = track.listener(tcp.bindSync("tcp://localhost:*"));
    expect(listener.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("direct reads (onread)", () => {
  /** A handler that asks for the next bytes in `target` until it is full. */
  function targetHandler(target: Uint8Array) {
    let filled = 0;
    let direct = 0;
    let copied = 0;
    const chunks: Uint8Array[] = [];
    let notify: (() => void) | undefined;
    return {
      handler: {
        readTarget: () => (filled < target.length ? target.subarray(filled) : undefined),
        data(chunk: Uint8Array) {
          if (chunk.buffer === target.buffer && chunk.byteOffset === target.byteOffset + filled) {
            direct += chunk.length;
          } else {
            target.set(chunk.subarray(0, target.length - filled), filled);
            copied += chunk.length;
          }
          chunks.push(chunk);
          filled += chunk.length;
          notify?.();
        },
        drain() {},
        end() {},
        close() {},
      },
      stats: () => ({ filled, direct, copied, chunks }),
      until: (bytes: number) =>
        new Promise<void>((resolve) => {
          notify = () => {
            if (filled >= bytes) resolve();
          };
          notify();
        }),
    };
  }

  for (const side of ["accepted", "connected"] as const) {
    it(`the ${side} side reads straight into the handler's readTarget`, async () => {
      const listener = await bind("tcp://127.0.0.1:*");
      const accepted = nextConnection(listener);
      const client = await connect(listener.endpoint);
      const server = await accepted;
      const [reader, writer] = side === "accepted" ? [server, client] : [client, server];
      const data = new Uint8Array(4 * 1024 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
      const target = new Uint8Array(data.length);
      const probe = targetHandler(target);
      reader.setHandler(probe.handler);
      writer.setHandler(new StreamRecorder());
      writer.write([data]);
      await probe.until(data.length);
      const { direct, copied } = probe.stats();
      expect(direct + copied).toBe(data.length);
      // The buffer of each read is chosen after the one before: only the first
      // read (its buffer chosen before the handler existed) may land in a slab.
      expect(direct).toBeGreaterThanOrEqual(data.length - 64 * 1024);
      expect(Buffer.compare(Buffer.from(target), Buffer.from(data))).toBe(0);
    });
  }

  it("without a readTarget, chunks are disjoint views that are never written again", async () => {
    const listener = await bind("tcp://127.0.0.1:*");
    const accepted = nextConnection(listener);
    const client = await connect(listener.endpoint);
    const server = await accepted;
    const atServer = new StreamRecorder();
    const kept: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    server.setHandler({
      ...atServer,
      data(chunk) {
        kept.push(chunk);
        copies.push(chunk.slice());
        atServer.data(chunk);
      },
      drain: () => atServer.drain(),
      end: () => atServer.end(),
      close: (error) => atServer.close(error),
    });
    client.setHandler(new StreamRecorder());
    for (let i = 0; i < 200; i++) {
      client.write([new Uint8Array(100 + i).fill(i)]);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    let total = 0;
    for (let i = 0; i < 200; i++) total += 100 + i;
    await atServer.untilBytes(total);
    for (let i = 0; i < kept.length; i++) {
      expect(Buffer.compare(Buffer.from(kept[i]!), Buffer.from(copies[i]!))).toBe(0);
    }
  });
});
