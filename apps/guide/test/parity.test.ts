/**
 * Differences from zeromq.js found while writing the demos, kept as tests.
 * One still open would be marked `it.fails`, so that its fix flips it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { appDir } from "../src/lib/processes";

// A bound socket alone does not keep node running (in zeromq.js either); a
// listener registered with `socket.events.on()` does in zeromq.js, whose
// emitter mode keeps a receive pending on the observer.
const program = `
import { Push } from "@zmq/node";
const socket = new Push();
await socket.bind("tcp://127.0.0.1:*");
socket.events.on("accept", () => {});
await new Promise((resolve) => setTimeout(resolve, 200).unref());
console.log("still running");
socket.close();
`;

describe("parity with zeromq.js", () => {
  it("socket.events.on() keeps the process alive, as in zeromq.js", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@zmq/source", "--import", "tsx", "--input-type=module", "-e", program],
      { cwd: appDir, encoding: "utf8", timeout: 15_000 },
    );
    // zeromq.js 6.8.0 prints "still running" and exits 0 (once the socket closed,
    // nothing holds the process any more); so does @zmq/node.
    expect(result.stdout).toContain("still running");
    expect(result.status).toBe(0);
  });
});
