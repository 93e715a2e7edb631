/**
 * A closed context or socket never keeps the process alive; neither does an
 * idle bound or connected socket with no pending operation (libzmq's I/O
 * threads are not libuv handles). A pending receive does (as with zeromq.js).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
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

  it("socket.events.on() keeps the process alive until the socket closes (as zeromq.js)", async () => {
    const { code, output } = await runScript(`
      const push = new zmq.Push();
      await push.bind("tcp://127.0.0.1:*");
      push.events.on("accept", () => {});
      const started = Date.now();
      // An unref'd timer alone would not keep the process; the listener does.
      setTimeout(() => {
        console.log("still running " + (Date.now() - started >= 250));
        push.close();
      }, 300).unref();
    `);
    expect(output).toContain("still running true");
    expect(code).toBe(0);
  }, 60_000);

  it("an observer in emitter mode stops holding the process once closed", async () => {
    const { code, output } = await runScript(`
      const push = new zmq.Push();
      await push.bind("tcp://127.0.0.1:*");
      const events = push.events;
      events.on("accept", () => {});
      events.close();
      console.log("ready");
    `);
    expect(output).toContain("ready");
    expect(code).toBe(0);
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

/**
 * process.exit() runs only synchronous 'exit' listeners: what the sockets hold is written
 * synchronously to connected sockets' descriptors, and what waits for a connection that was
 * not ready goes through a worker thread (exit-relay.ts). Received by a PULL in this process.
 */
describe("process.exit() delivers queued messages", () => {
  const cases: Array<[transport: "tcp" | "ipc", wait: boolean, ending: string]> = [];
  for (const transport of ["tcp", "ipc"] as const) {
    for (const wait of [true, false]) {
      for (const ending of ["process.exit(0);", "push.close(); process.exit(0);"]) {
        cases.push([transport, wait, ending]);
      }
    }
  }
  for (const [transport, wait, ending] of cases) {
    it(`${transport}, ${wait ? "connected" : "connect not done"}, ${ending}`, async () => {
      const pull = new zmq.Pull();
      try {
        const path = join(
          tmpdir(),
          `zmq-node-exit-${process.pid}-${Math.random().toString(36).slice(2)}`,
        );
        await pull.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${path}`);
        const handshake = 'for await (const e of push.events) if (e.type === "handshake") break;';
        const child = runScript(
          `
          const push = new zmq.Push();
          push.connect(${JSON.stringify(pull.lastEndpoint)});
          ${wait ? handshake : ""}
          // 10 kB each: far more than the socket buffers take at once.
          for (let i = 0; i < 1000; i++) await push.send([String(i), Buffer.alloc(10000)]);
          ${ending}
        `,
          45_000,
        );
        for (let i = 0; i < 1000; i++) {
          const [n] = await within(pull.receive(), 10000);
          expect(n!.toString()).toBe(String(i));
        }
        const { code, output } = await child;
        // Nothing but, on a slow machine, the warning that the exit waits for delivery.
        expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe("");
        expect(code).toBe(0);
      } finally {
        pull.close();
      }
    }, 60_000);
  }

  // A connect secured with CURVE that cannot have finished (no yield between connect and
  // exit): a worker thread replays its messages in a socket with the same keys. Here the
  // worker runs the TypeScript sources (this test's loader), as it runs dist/ when built.
  it("a CURVE connect that has not finished, process.exit(0)", async () => {
    const server = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    const pull = new zmq.Pull({ curveServer: true, curveSecretKey: server.secretKey });
    try {
      await pull.bind("tcp://127.0.0.1:*");
      const child = runScript(
        `
        const push = new zmq.Push(${JSON.stringify({
          curveServerKey: server.publicKey,
          curvePublicKey: client.publicKey,
          curveSecretKey: client.secretKey,
        })});
        push.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < 200; i++) await push.send([String(i), Buffer.alloc(1000)]);
        process.exit(0);
      `,
        45_000,
      );
      for (let i = 0; i < 200; i++) {
        const [n] = await within(pull.receive(), 30_000);
        expect(n!.toString()).toBe(String(i));
      }
      const { code, output } = await child;
      expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe("");
      expect(code).toBe(0);
    } finally {
      pull.close();
    }
  }, 60_000);

  // With libsodium already loaded (here: by the script; in practice by any earlier CURVE
  // handshake), the CURVE handshake needs no event loop: the exit hook opens the connection
  // and runs it synchronously. Worker threads are made to fail, so only that path can deliver.
  it("a CURVE connect that has not finished, libsodium loaded, no worker threads: process.exit(0)", async () => {
    const server = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    const pull = new zmq.Pull({ curveServer: true, curveSecretKey: server.secretKey });
    try {
      await pull.bind("tcp://127.0.0.1:*");
      const child = runScript(
        `
        import { createRequire, syncBuiltinESMExports } from "node:module";
        const threads = createRequire(import.meta.url)("node:worker_threads");
        threads.Worker = class { constructor() { throw new Error("worker threads disabled by the test"); } };
        syncBuiltinESMExports();
        await (await import("@zmq/curve")).ready();
        const push = new zmq.Push(${JSON.stringify({
          curveServerKey: server.publicKey,
          curvePublicKey: client.publicKey,
          curveSecretKey: client.secretKey,
        })});
        push.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < 200; i++) await push.send([String(i), Buffer.alloc(1000)]);
        process.exit(0);
      `,
        45_000,
      );
      for (let i = 0; i < 200; i++) {
        const [n] = await within(pull.receive(), 30_000);
        expect(n!.toString()).toBe(String(i));
      }
      const { code, output } = await child;
      expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe("");
      expect(code).toBe(0);
    } finally {
      pull.close();
    }
  }, 60_000);

  it("a wss:// connect that has not finished, push.close(); process.exit(0)", async () => {
    const pem = (kind: string) =>
      readFileSync(
        new URL(`../../transport-ws/test/fixtures/localhost.${kind}.pem`, import.meta.url),
        "utf8",
      );
    const pull = new zmq.Pull({ wssKeyPem: pem("key"), wssCertPem: pem("cert") });
    try {
      await pull.bind("wss://127.0.0.1:*/zmq");
      const child = runScript(
        `
        const push = new zmq.Push({ wssTrustPem: ${JSON.stringify(pem("cert"))} });
        push.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < 200; i++) await push.send([String(i), Buffer.alloc(1000)]);
        push.close();
        process.exit(0);
      `,
        45_000,
      );
      for (let i = 0; i < 200; i++) {
        const [n] = await within(pull.receive(), 30_000);
        expect(n!.toString()).toBe(String(i));
      }
      const { code, output } = await child;
      expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe("");
      expect(code).toBe(0);
    } finally {
      pull.close();
    }
  }, 60_000);

  // A wss:// connection that finished its handshake: its queue goes through the TLS socket as
  // one write, which Node encrypts and hands to the kernel at once (README, "At process end").
  for (const ending of ["process.exit(0);", "push.close(); process.exit(0);"]) {
    it(`a ready wss:// connection, ${ending}`, async () => {
      const pem = (kind: string) =>
        readFileSync(
          new URL(`../../transport-ws/test/fixtures/localhost.${kind}.pem`, import.meta.url),
          "utf8",
        );
      const pull = new zmq.Pull({ wssKeyPem: pem("key"), wssCertPem: pem("cert") });
      try {
        await pull.bind("wss://127.0.0.1:*/zmq");
        const child = runScript(
          `
          const push = new zmq.Push({ wssTrustPem: ${JSON.stringify(pem("cert"))} });
          const events = push.events[Symbol.asyncIterator]();
          push.connect(${JSON.stringify(pull.lastEndpoint)});
          for (;;) { const { value } = await events.next(); if (value.type === "handshake") break; }
          // The handshake's last TLS write completes on a later turn of the event loop (a TLS
          // write always does, and until then nothing more can be written): give it turns.
          for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
          for (let i = 0; i < 200; i++) await push.send([String(i), Buffer.alloc(1000)]);
          ${ending}
        `,
          45_000,
        );
        for (let i = 0; i < 200; i++) {
          const [n] = await within(pull.receive(), 30_000);
          expect(n!.toString()).toBe(String(i));
        }
        const { code, output } = await child;
        expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe("");
        expect(code).toBe(0);
      } finally {
        pull.close();
      }
    }, 60_000);
  }

  it("a peer in the same process, which can no longer read, does not hold the exit", async () => {
    const { code, output } = await runScript(
      `
      const pull = new zmq.Pull();
      await pull.bind("tcp://127.0.0.1:*");
      const push = new zmq.Push(); // linger -1
      push.connect(pull.lastEndpoint);
      for await (const e of push.events) if (e.type === "handshake") break;
      for (let i = 0; i < 1000; i++) await push.send(Buffer.alloc(10000));
      console.log("ready");
      process.exit(0);
    `,
      45_000,
    );
    expect(output).toContain("ready");
    expect(code).toBe(0);
  }, 60_000);

  it("an absent peer holds process.exit() for the linger, with zeromq.js's warning", async () => {
    const { code, output } = await runScript(
      `
      const probe = new zmq.Pull();
      await probe.bind("tcp://127.0.0.1:*");
      const endpoint = probe.lastEndpoint;
      probe.close();
      const push = new zmq.Push({ linger: 1500 });
      push.connect(endpoint);
      await push.send("never delivered");
      const start = performance.now();
      process.on("exit", () => console.log("exit " + Math.round(performance.now() - start)));
      process.exit(0);
    `,
      45_000,
    );
    expect(code).toBe(0);
    expect(output).toMatch(/WARNING: Waiting for queued ZeroMQ messages to be delivered/);
  }, 60_000);
});
