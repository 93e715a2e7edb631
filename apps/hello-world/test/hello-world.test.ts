import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { runClient } from "../src/client";
import { runServer } from "../src/server";

const here = new URL("..", import.meta.url).pathname;
const hasPyzmq = spawnSync("/usr/bin/python3", ["-c", "import zmq"]).status === 0;

describe("hello world", () => {
  it("the client gets ten Worlds from the server", async () => {
    const endpoint = "tcp://127.0.0.1:25555";
    const server = runServer(endpoint, 10);
    const replies = await runClient(endpoint, 10);
    await server;
    expect(replies).toEqual(Array(10).fill("World"));
  });

  it("the main demo runs to the end and exits by itself", () => {
    const result = spawnSync(
      process.execPath,
      ["--conditions=@zmq/source", "--import", "tsx", "src/main.ts"],
      {
        cwd: here,
        env: { ...process.env, ZMQ_ENDPOINT: "tcp://127.0.0.1:25556" },
        encoding: "utf8",
        timeout: 15_000,
      },
    );
    expect(result.stdout).toContain("client: request 10 got World");
    expect(result.stdout).toContain("done: 10 replies");
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasPyzmq)("a pyzmq client talks to the TypeScript server unchanged", async () => {
    const endpoint = "tcp://127.0.0.1:25557";
    const server = runServer(endpoint, 10);
    const python = spawn("/usr/bin/python3", ["python/client.py"], {
      cwd: here,
      env: { ...process.env, ZMQ_ENDPOINT: endpoint },
    });
    let out = "";
    python.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const [code] = await once(python, "exit");
    await server;
    expect(code).toBe(0);
    expect(out).toContain("python client: request 10 got World");
  });
});
