import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECT_WRITES } from "../src/node/direct-writes";
import { NetStreamConnection } from "../src/node/net-stream-connection";

/** A loopback pair: `client` wrapped in a NetStreamConnection, `peer` the accepted raw socket. */
async function pair(highWaterMark = 16 * 1024) {
  const server: Server = createServer({ allowHalfOpen: true });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const client = connect({
    host: "127.0.0.1",
    port: (server.address() as AddressInfo).port,
    allowHalfOpen: true,
    ...({ highWaterMark } as object),
  });
  await once(client, "connect");
  const [peer] = await accepted;
  sockets.push(client, peer);
  const connection = new NetStreamConnection(client, "local", "remote", "127.0.0.1");
  const events = { drains: 0, closes: [] as unknown[] };
  connection.setHandler({
    data() {},
    end() {},
    drain() {
      events.drains++;
    },
    close(error) {
      events.closes.push(error);
    },
  });
  return { client, peer, connection, events };
}

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

function collect(socket: Socket): { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { bytes: () => Buffer.concat(chunks) };
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.skipIf(DIRECT_WRITES === undefined)("direct writes (NetStreamConnection on Node)", () => {
  it("writes go to the handle, not through the socket's Writable, in order", async () => {
    const { client, peer, connection } = await pair();
    const received = collect(peer);
    const sent: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const a = Buffer.from(`m${i}:`);
      const b = Buffer.alloc(i, i);
      expect(connection.write(i % 2 === 0 ? [a, b] : [Buffer.concat([a, b])])).toBe(true);
      sent.push(a, b);
      // Nothing ever waited in Node's stream buffer.
      expect(client.writableLength).toBe(0);
    }
    const expected = Buffer.concat(sent);
    await until(() => received.bytes().length >= expected.length);
    expect(received.bytes().equals(expected)).toBe(true);
    // The handle counted them (what the process-end path relies on).
    expect(client.bytesWritten).toBe(expected.length);
  });

  /** Writes 64 KiB chunks (chunk i filled with i) to a paused peer until a write returns false. */
  function fillUntilBlocked(connection: NetStreamConnection): number {
    let written = 0;
    for (let blocked = false; !blocked; written++) {
      if (written === 4096) throw new Error("never blocked");
      blocked = !connection.write([chunk(written)]);
    }
    return written;
  }
  const chunk = (i: number) => Buffer.alloc(64 * 1024, i & 0xff);
  function expectChunks(all: Buffer, count: number): void {
    expect(all.length).toBe(count * 64 * 1024);
    for (let i = 0; i < count; i++) expect(all[i * 64 * 1024]).toBe(i & 0xff);
  }

  it("a peer that does not read blocks the writer (false), then drain is reported and every byte arrives in order", async () => {
    const { client, peer, connection, events } = await pair(16 * 1024);
    peer.pause();
    let written = fillUntilBlocked(connection);
    // Blocked in libuv's queue, not in the socket's Writable.
    expect(client.writableLength).toBe(0);
    expect(events.drains).toBe(0);
    const received = collect(peer);
    peer.resume();
    await until(() => events.drains > 0);
    expect(events.drains).toBe(1);
    expect(connection.write([chunk(written++)])).toBe(true);
    await until(() => received.bytes().length >= written * 64 * 1024);
    expectChunks(received.bytes(), written);
    expect(events.closes).toEqual([]);
  });

  it("a write through the socket's Writable (with a completion callback) keeps its place after queued direct writes", async () => {
    const { peer, connection, events } = await pair(16 * 1024);
    peer.pause();
    let written = fillUntilBlocked(connection);
    let completed = false;
    connection.write([chunk(written++)], () => {
      completed = true;
    });
    // The Writable now holds bytes: the next write queues behind them there.
    connection.write([chunk(written++)]);
    const received = collect(peer);
    peer.resume();
    await until(() => received.bytes().length >= written * 64 * 1024);
    expectChunks(received.bytes(), written);
    expect(completed).toBe(true);
    expect(events.drains).toBeGreaterThan(0);
    expect(events.closes).toEqual([]);
  });

  it("a write to a reset connection fails the connection with the write error", async () => {
    const { peer, connection, events } = await pair();
    peer.resetAndDestroy();
    // Writes until the reset is seen (the first may still be taken by the kernel).
    await until(() => {
      connection.write([Buffer.alloc(1024)]);
      return events.closes.length > 0;
    });
    expect(events.closes).toHaveLength(1);
    expect(events.closes[0]).toBeDefined();
    expect(String((events.closes[0] as Error).message)).toMatch(/EPIPE|ECONNRESET/);
  });
});
