/**
 * A closed context or socket never keeps the process alive; neither does an
 * idle bound or connected socket with no pending operation (libzmq's I/O
 * threads are not libuv handles). A pending receive does (as with zeromq.js).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";
import { within } from "./helpers";

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, "../src/index.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");

/** Runs `body` (an ES module using `zmq`) in a child; resolves with its exit code or "timeout". */
function runScript(
  body: string,
  ms = 20000,
  onOutput?: (text: string) => void,
): Promise<{ code: number | "timeout"; output: string }> {
  const script = `import * as zmq from ${JSON.stringify(entry)};\n${body}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], {
      cwd: here,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "--conditions=@zmq/source" },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      onOutput?.(output);
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ code: "timeout", output });
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe("process lifetime", () => {
  it("an idle bound socket (tcp, ipc, inproc) with no pending operation lets the process exit", async () => {
    const { code, output } = await runScript(`
      const a = new zmq.Dealer();
      await a.bind("tcp://127.0.0.1:*");
      const b = new zmq.Dealer();
      b.connect(a.lastEndpoint);
      await b.send("x");
      await a.receive();
      const c = new zmq.Pair();
      await c.bind("inproc://idle");
      const d = new zmq.Pull();
      const { tmpdir } = await import("node:os");
      const { rmSync } = await import("node:fs");
      const path = tmpdir() + "/zmq-node-exit-" + process.pid;
      process.on("exit", () => rmSync(path, { force: true }));
      await d.bind("ipc://" + path);
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(code).toBe(0);
  });

  it("a connecting socket whose peer is absent lets the process exit", async () => {
    const { code, output } = await runScript(`
      const probe = new zmq.Pull();
      await probe.bind("tcp://127.0.0.1:*");
      const endpoint = probe.lastEndpoint;
      probe.close();
      const push = new zmq.Push({ linger: 0 });
      push.connect(endpoint);
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(code).toBe(0);
  });

  it("closed sockets let the process exit", async () => {
    const { code, output } = await runScript(`
      const a = new zmq.Router();
      await a.bind("tcp://127.0.0.1:*");
      const b = new zmq.Dealer();
      b.connect(a.lastEndpoint);
      await b.send("x");
      await a.receive();
      a.close();
      b.close();
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(code).toBe(0);
  });

  it("a closed socket lingering on output for an absent peer keeps the process alive for its linger (as zeromq.js)", async () => {
    const { code, output } = await runScript(`
      const probe = new zmq.Pull();
      await probe.bind("tcp://127.0.0.1:*");
      const endpoint = probe.lastEndpoint;
      probe.close();
      const push = new zmq.Push({ linger: 300 });
      push.connect(endpoint);
      await push.send("never delivered");
      const start = performance.now();
      process.on("exit", () => console.log("waited " + Math.round(performance.now() - start)));
      push.close();
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(code).toBe(0);
    expect(Number(/waited (\d+)/.exec(output)?.[1])).toBeGreaterThanOrEqual(280);
  });

  it("context.blocky = false: new sockets get linger 0, so queued output does not hold the exit", async () => {
    const { code, output } = await runScript(`
      zmq.context.blocky = false;
      const probe = new zmq.Pull();
      await probe.bind("tcp://127.0.0.1:*");
      const endpoint = probe.lastEndpoint;
      probe.close();
      const push = new zmq.Push();
      console.log("linger " + push.linger);
      push.connect(endpoint);
      await push.send("never delivered");
      console.log("ready");
    `);
    expect(output).toContain("linger 0");
    expect(output).toContain("ready");
    expect(code).toBe(0);
  });

  it("an unclosed socket with queued output holds the exit until its linger expires, with zeromq.js's warning", async () => {
    const { code, output } = await runScript(`
      const probe = new zmq.Pull();
      await probe.bind("tcp://127.0.0.1:*");
      const endpoint = probe.lastEndpoint;
      probe.close();
      const push = new zmq.Push({ linger: 1000 });
      push.connect(endpoint);
      await push.send("never delivered");
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(output).toMatch(
      /\(node:\d+\) WARNING: Waiting for queued ZeroMQ messages to be delivered\. Set 'context\.blocky = false' to change this behaviour\./,
    );
    expect(code).toBe(0);
  });

  it("send(); close() at the end of a script delivers everything before the process exits", async () => {
    const pull = new zmq.Pull();
    try {
      await pull.bind("tcp://127.0.0.1:*");
      const child = runScript(`
        const push = new zmq.Push(); // linger -1
        push.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < 1000; i++) await push.send([String(i), Buffer.alloc(10000)]);
        push.close();
        console.log("ready");
      `);
      for (let i = 0; i < 1000; i++) {
        const [n] = await within(pull.receive(), 8000);
        expect(n!.toString()).toBe(String(i));
      }
      const { code, output } = await child;
      expect(output).toContain("ready");
      expect(code).toBe(0);
    } finally {
      pull.close();
    }
  });

  it("a pending events.receive() keeps the process alive; a bound socket's send(); close() delivers", async () => {
    const pull = new zmq.Pull();
    try {
      let connected = false;
      const child = runScript(
        `
        const push = new zmq.Push();
        await push.bind("tcp://127.0.0.1:*");
        console.log("endpoint " + push.lastEndpoint);
        for await (const event of push.events) if (event.type === "handshake") break;
        for (let i = 0; i < 1000; i++) await push.send([String(i), Buffer.alloc(10000)]);
        push.close();
        console.log("ready");
      `,
        8000,
        (text) => {
          const match = /endpoint (\S+)/.exec(text);
          if (match && !connected) {
            connected = true;
            pull.connect(match[1]!);
          }
        },
      );
      for (let i = 0; i < 1000; i++) {
        const [n] = await within(pull.receive(), 8000);
        expect(n!.toString()).toBe(String(i));
      }
      const { code, output } = await child;
      expect(output).toContain("ready");
      expect(code).toBe(0);
    } finally {
      pull.close();
    }
  });

  it("a pending receive keeps the process alive until it settles", async () => {
    const { code, output } = await runScript(`
      const a = new zmq.Pull({ receiveTimeout: 300 });
      await a.bind("tcp://127.0.0.1:*");
      const started = Date.now();
      try { await a.receive(); } catch (e) { console.log("settled", e.code, Date.now() - started >= 250); }
    `);
    expect(output).toContain("settled EAGAIN true");
    expect(code).toBe(0);
  });
});
