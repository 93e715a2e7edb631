/**
 * Sockets retrying a dead endpoint share wake-ups: the reconnect jitter is drawn
 * in third-interval steps on one clock grid (see `jitterGrid` in
 * @zmq/socket), so the attempts of many sockets start in the same timer
 * callback. Counted here as distinct instants at which attempts start, which
 * does not depend on how loaded the machine is (a late timer still runs all of
 * its step's attempts together).
 */
import { createServer } from "node:net";
import { afterEach, expect, it } from "vitest";
import * as zmq from "../src/index";

const sockets: zmq.Dealer[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("20 DEALERs retrying a closed port start their attempts at few shared instants", async () => {
  const port = await closedPort();
  const starts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const socket = new zmq.Dealer({ linger: 0, reconnectInterval: 100 });
    socket.events.on("connect:retry", () => {});
    sockets.push(socket);
  }
  const from = performance.now() + 400; // after the first attempts, which all start at connect()
  const until = from + 1500;
  for (const socket of sockets) {
    // A retry's attempt announces itself with connect:delay (libzmq's ZMQ_EVENT_CONNECT_DELAYED).
    socket.events.on("connect:delay", () => {
      const t = performance.now();
      if (t >= from && t < until) starts.push(t);
    });
    socket.connect(`tcp://127.0.0.1:${port}`);
  }
  await new Promise((resolve) => setTimeout(resolve, until - performance.now() + 50));
  starts.sort((a, b) => a - b);
  // Attempts less than 3 ms apart started in one wake-up.
  let instants = starts.length > 0 ? 1 : 0;
  for (let i = 1; i < starts.length; i++) if (starts[i]! - starts[i - 1]! > 3) instants++;
  console.log(`${starts.length} attempts at ${instants} instants in 1.5 s`);
  // ~133 attempts a second (reconnectInterval 100) on a 33 ms grid: at most 30
  // instants a second (measured 198 attempts at 53 instants on a 25 ms grid); with a millisecond
  // jitter nearly every attempt was alone, with a 10 ms slack ~1.8 shared one.
  // Room for a preempted step counted twice on a loaded machine.
  expect(starts.length).toBeGreaterThan(60);
  expect(instants).toBeLessThanOrEqual((1500 / 33) * 1.25);
  expect(starts.length / instants).toBeGreaterThanOrEqual(3);
});
