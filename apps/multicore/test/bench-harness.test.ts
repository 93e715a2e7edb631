import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { PortLink } from "../src/port-link";
import { workerExecArgv } from "../src/spawn";
import { perMessage } from "../src/thread-cost";

describe("bench harness", () => {
  it("workers get the parent's Node options without the process-wide V8 ones", () => {
    expect(
      workerExecArgv([
        "--trace-gc",
        "--conditions=@zmq/source",
        "--max-semi-space-size=8",
        "--import",
        "tsx",
        "--trace-incremental-marking",
      ]),
    ).toEqual(["--conditions=@zmq/source", "--import", "tsx"]);
    expect(workerExecArgv(["--import", "tsx"])).toEqual([
      "--import",
      "tsx",
      "--conditions=@zmq/source",
    ]);
    // Options that only start with a filtered name stay.
    expect(workerExecArgv(["--trace-gc-something-else"])).toEqual([
      "--trace-gc-something-else",
      "--conditions=@zmq/source",
    ]);
  });

  it("new Worker accepts what workerExecArgv keeps from a --trace-gc parent", async () => {
    const worker = new Worker("process.exit(0)", {
      eval: true,
      execArgv: workerExecArgv(["--trace-gc", "--max-semi-space-size=8"]),
    });
    expect(await new Promise((resolve) => worker.once("exit", resolve))).toBe(0);
  });

  it("perMessage splits full collections from the rest", () => {
    const before = { cpuMs: 100, faults: 10, gcMs: 5, majorMs: 2, majors: 1 };
    const after = { cpuMs: 300, faults: 30, gcMs: 45, majorMs: 22, majors: 5 };
    expect(perMessage(before, after, 1000)).toEqual({
      cpuUs: 200,
      faults: 0.02,
      gcUs: 40,
      majorUs: 20,
      majors: 4,
    });
    expect(perMessage(undefined, after, 1000)).toBeUndefined();
  });

  it("port-copy-transfer moves a copy of each large frame and leaves the sender's frames intact", async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = new PortLink(port1, 100, "copy");
    const receiver = new PortLink(port2, 100, false);
    const large = (k: number) => new Uint8Array(64 * 1024).fill(k);
    const sent: Uint8Array[][] = [];
    for (let k = 0; k < 20; k++) {
      const message = [Uint8Array.of(k), large(k), new Uint8Array(100).fill(k)];
      sent.push(message);
      expect(sender.write(message)).toBe(true);
    }
    const received: Uint8Array[][] = [];
    await new Promise<void>((resolve) => {
      const pump = () => {
        for (let m = receiver.read(); m !== undefined; m = receiver.read()) {
          received.push(m);
          if (received.length === sent.length) return resolve();
        }
      };
      receiver.onReadable = pump;
      pump();
    });
    sender.close();
    receiver.close();
    for (let k = 0; k < 20; k++) {
      const [id, body, tail] = received[k]!;
      expect(id).toEqual(Uint8Array.of(k));
      // The large frame arrived whole, in memory of its own.
      expect(body!.byteLength).toBe(64 * 1024);
      expect(body!.buffer.byteLength).toBe(64 * 1024);
      expect(body!.every((byte) => byte === k)).toBe(true);
      expect(tail).toEqual(new Uint8Array(100).fill(k));
      // The sender's frame was copied, not moved: still attached and unchanged.
      expect(sent[k]![1]!.byteLength).toBe(64 * 1024);
      expect(sent[k]![1]![0]).toBe(k);
    }
  });
});
