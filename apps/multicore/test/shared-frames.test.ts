import { Worker } from "node:worker_threads";
import * as zmq from "@zmq/node";
import { describe, expect, it } from "vitest";

describe("@zmq/node sockets across threads with shareMemory", () => {
  it("PUSH in a worker, PULL here: frames from shared memory arrive as Buffers over it, the rest as copies", async () => {
    const endpoint = `inproc://shared-frames-${process.pid}`;
    const pull = new zmq.Pull();
    await pull.bind(endpoint);
    const count = 12;
    const worker = new Worker(new URL("../src/boot.mjs", import.meta.url), {
      workerData: {
        endpoint,
        count,
        script: new URL("./fixtures/shared-push.ts", import.meta.url).href,
      },
      execArgv: [...process.execArgv, "--conditions=@zmq/source"],
    });
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    try {
      for (let i = 0; i < count; i++) {
        const [large, small, edge] = await pull.receive();
        expect(large!.byteLength).toBe(1024 * 1024);
        expect(large!.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(large!.every((b) => b === ((i + 1) & 0xff))).toBe(true);
        expect(small!.toString()).toBe(`m${i}`);
        expect(small!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
        expect(edge!.byteLength).toBe(129);
        expect(edge!.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(edge!.every((b) => b === ((i + 2) & 0xff))).toBe(true);
      }
    } finally {
      pull.close();
      await exited;
    }
  }, 60_000);
});
