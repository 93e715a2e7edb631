/**
 * A heartbeat or handshake timeout is a timeout, not a protocol error: libzmq
 * (`stream_engine_base.cpp`, timeout_error) drops the connection and the
 * connecting side reconnects. Found by the interop suite (tests/interop).
 */
import * as net from "node:net";
import { afterEach, expect, it } from "vitest";
import * as zmq from "../src/index";

/** A NULL-mechanism ZMTP 3.1 greeting followed by READY for a DEALER. */
function greetingAndReady(): Buffer {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting[11] = 1;
  greeting.write("NULL", 12, "latin1");
  const name = Buffer.from("Socket-Type");
  const value = Buffer.from("DEALER");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  const body = Buffer.concat([
    Buffer.from([5]),
    Buffer.from("READY"),
    Buffer.from([name.length]),
    name,
    len,
    value,
  ]);
  return Buffer.concat([greeting, Buffer.from([0x04, body.length]), body]);
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

/** A server that either completes the handshake and then stays silent, or never answers. */
async function silentServer(handshake: boolean): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    accepted++;
    sockets.push(socket);
    socket.on("error", () => {});
    if (handshake) socket.write(greetingAndReady());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, accepted: () => accepted };
}

async function waitFor(check: () => boolean, timeout = 3000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("reconnects after a heartbeat timeout", async () => {
  const { port, accepted } = await silentServer(true);
  const dealer = new zmq.Dealer({
    linger: 0,
    heartbeatInterval: 30,
    heartbeatTimeout: 100,
    reconnectInterval: 20,
  });
  cleanup.push(() => dealer.close());
  const seen: string[] = [];
  dealer.events.on("disconnect", () => seen.push("disconnect"));
  dealer.events.on("connect:retry", () => seen.push("connect:retry"));
  dealer.connect(`tcp://127.0.0.1:${port}`);
  await waitFor(() => accepted() >= 2);
  expect(seen.slice(0, 2)).toEqual(["disconnect", "connect:retry"]);
});

it("reconnects after a handshake timeout", async () => {
  const { port, accepted } = await silentServer(false);
  const dealer = new zmq.Dealer({ linger: 0, handshakeInterval: 100, reconnectInterval: 20 });
  cleanup.push(() => dealer.close());
  const seen: string[] = [];
  dealer.events.on("handshake:error:other", () => seen.push("handshake:error:other"));
  dealer.events.on("connect:retry", () => seen.push("connect:retry"));
  dealer.connect(`tcp://127.0.0.1:${port}`);
  await waitFor(() => accepted() >= 2);
  expect(seen.slice(0, 2)).toEqual(["handshake:error:other", "connect:retry"]);
});
