/**
 * Process end without worker threads: a child process running @zmq/node (the built package)
 * connects, sends right away (the connect cannot have finished: the script never yields to the
 * event loop) and ends with `process.exit(0)`, with or without `close()` first; a zeromq.js
 * receiver in this process counts what arrives. The child makes `worker_threads.Worker` throw
 * before it sends, so whatever arrives went over the connection the exit hook opened and drove
 * synchronously (NULL, PLAIN, ws, STREAM, a peer that binds only once the child is already in
 * its exit, RADIO over udp). A RADIO's `close()` in this process delivers what it sent.
 */
import { spawn } from "node:child_process";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmqDraft from "@zmq/node/draft";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as theirs from "zeromq";
import * as theirDraft from "zeromq/draft";

const COUNT = 200;

/** Makes `new Worker()` throw in the child (the ESM binding follows the patched builtin). */
const NO_WORKERS = `
  import { createRequire, syncBuiltinESMExports } from "node:module";
  const threads = createRequire(import.meta.url)("node:worker_threads");
  threads.Worker = class { constructor() { throw new Error("worker threads disabled by the test"); } };
  syncBuiltinESMExports();`;

const ENDINGS = {
  exit: "process.exit(0);",
  "close+exit": "sock.close(); process.exit(0);",
};

/** Runs `body` in a child with @zmq/node; `onLine` sees its stdout lines. */
function child(
  body: string,
  onLine?: (line: string) => void,
): Promise<{ code: number | string; output: string }> {
  const script = `import * as zmq from "@zmq/node"; import * as draft from "@zmq/node/draft";\n${NO_WORKERS}\n${body}`;
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("..", import.meta.url).pathname,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let pending = "";
    proc.stdout.on("data", (chunk) => {
      output += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) onLine?.(line);
    });
    proc.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve({ code: "timeout", output });
    }, 30_000);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Receives until `count` messages arrived or nothing came for `idleMs`. */
async function receive(
  sock: { receive(): Promise<unknown[]>; receiveTimeout: number },
  count: number,
  strip = 0,
  idleMs = 10_000,
): Promise<string[]> {
  sock.receiveTimeout = idleMs;
  const got: string[] = [];
  try {
    while (got.length < count) got.push((await sock.receive()).slice(strip).map(String).join("|"));
  } catch {}
  return got;
}

/** A DISH's messages: the body (zeromq.js adds the group as a second element). */
async function receiveDish(dish: theirDraft.Dish, count: number): Promise<string[]> {
  dish.receiveTimeout = 5000;
  const got: string[] = [];
  try {
    while (got.length < count) got.push(String((await dish.receive())[0]));
  } catch {}
  return got;
}

const expected = Array.from({ length: COUNT }, (_, i) => `m${i}`);
const cleanOutput = (output: string) =>
  output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "");

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let ipcSeq = 0;
const ipcPath = () => join(tmpdir(), `zmq-exit-sync-${process.pid}-${ipcSeq++}`);

/** zeromq.js needs a ZAP handler for PLAIN: this one lets "admin"/"secret" in. */
let zap: theirs.Router | undefined;
beforeAll(async () => {
  zap = new theirs.Router();
  await zap.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const request of zap!) {
      // version, request id, domain, address, identity, mechanism, credentials…
      const [id, delim, version, requestId] = request.slice(0, 4) as Buffer[];
      const credentials = request.slice(8).map(String);
      const ok = credentials[0] === "admin" && credentials[1] === "secret";
      await zap!.send([id!, delim!, version!, requestId!, ok ? "200" : "400", "", "user", ""]);
    }
  })().catch(() => {});
});
afterAll(() => zap?.close());

describe("process.exit() with a connect not finished, without worker threads", () => {
  for (const [ending, end] of Object.entries(ENDINGS)) {
    it(`PUSH → zeromq.js PULL, NULL, tcp, ${ending}`, async () => {
      const pull = new theirs.Pull();
      await pull.bind("tcp://127.0.0.1:*");
      const run = child(`
        const sock = new zmq.Push();
        sock.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
        ${end}`);
      const got = await receive(pull, COUNT);
      const { code, output } = await run;
      pull.close();
      expect(cleanOutput(output)).toBe("");
      expect(code).toBe(0);
      expect(got).toEqual(expected);
    });

    it(`DEALER → zeromq.js ROUTER, NULL, ipc, ${ending}`, async () => {
      const router = new theirs.Router();
      await router.bind(`ipc://${ipcPath()}`);
      const run = child(`
        const sock = new zmq.Dealer({ routingId: "me" });
        sock.connect(${JSON.stringify(router.lastEndpoint)});
        for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
        ${end}`);
      const got = await receive(router, COUNT, 1);
      const { code, output } = await run;
      router.close();
      expect(cleanOutput(output)).toBe("");
      expect(code).toBe(0);
      expect(got).toEqual(expected);
    });

    it(`PUSH → zeromq.js PULL, PLAIN, tcp, ${ending}`, async () => {
      const pull = new theirs.Pull({ plainServer: true });
      await pull.bind("tcp://127.0.0.1:*");
      const run = child(`
        const sock = new zmq.Push({ plainUsername: "admin", plainPassword: "secret" });
        sock.connect(${JSON.stringify(pull.lastEndpoint)});
        for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
        ${end}`);
      const got = await receive(pull, COUNT);
      const { code, output } = await run;
      pull.close();
      expect(cleanOutput(output)).toBe("");
      expect(code).toBe(0);
      expect(got).toEqual(expected);
    });

    it(`PUSH → zeromq.js PULL, ws, ${ending}`, async () => {
      const pull = new theirs.Pull();
      // libzmq's ws listener takes no wildcard port.
      await pull.bind(`ws://127.0.0.1:${await freePort()}`);
      const run = child(`
        const sock = new zmq.Push();
        sock.connect(${JSON.stringify(`${pull.lastEndpoint}/`)});
        for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
        ${end}`);
      const got = await receive(pull, COUNT);
      const { code, output } = await run;
      pull.close();
      expect(cleanOutput(output)).toBe("");
      expect(code).toBe(0);
      expect(got).toEqual(expected);
    });

    it(`STREAM → a raw TCP server, ${ending}`, async () => {
      let text = "";
      let closed!: () => void;
      const gone = new Promise<void>((resolve) => (closed = resolve));
      const server = net.createServer((c) => {
        c.on("data", (d) => (text += d));
        c.on("close", closed);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = server.address() as net.AddressInfo;
        const { code, output } = await child(`
          const sock = new zmq.Stream();
          sock.connect("tcp://127.0.0.1:${port}", { routingId: "peer" });
          for (let i = 0; i < ${COUNT}; i++) await sock.send(["peer", "m" + i + "\\n"]);
          ${end}`);
        expect(cleanOutput(output)).toBe("");
        expect(code).toBe(0);
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        expect(text.split("\n").slice(0, -1)).toEqual(expected);
      } finally {
        server.close();
      }
    });

    it(`RADIO → zeromq.js DISH, udp, ${ending}`, async () => {
      const dish = new theirDraft.Dish();
      dish.join("g");
      const port = await freePort();
      await dish.bind(`udp://127.0.0.1:${port}`);
      const run = child(`
        const sock = new draft.Radio();
        sock.connect("udp://127.0.0.1:${port}");
        for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i, { group: "g" });
        ${end}`);
      // Datagrams: none is resent; 200 small ones fit the receiver's socket buffer.
      const got = await receiveDish(dish, COUNT);
      const { code, output } = await run;
      dish.close();
      expect(cleanOutput(output)).toBe("");
      expect(code).toBe(0);
      expect(got).toEqual(expected);
    });
  }

  it("a peer that binds only after the child is in its exit: reconnects until it is there (linger)", async () => {
    const port = await freePort();
    const pull = new theirs.Pull();
    const run = child(
      `
      const sock = new zmq.Push({ linger: 15000, reconnectInterval: 50 });
      sock.connect("tcp://127.0.0.1:${port}");
      for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
      console.log("exiting");
      ${ENDINGS.exit}`,
      (line) => {
        // Bind once the child has stopped running its script (its exit hook is retrying).
        if (line === "exiting") setTimeout(() => void pull.bind(`tcp://127.0.0.1:${port}`), 300);
      },
    );
    const got = await receive(pull, COUNT, 0, 15_000);
    const { code, output } = await run;
    pull.close();
    expect(cleanOutput(output)).toBe("exiting\n");
    expect(code).toBe(0);
    expect(got).toEqual(expected);
  });

  it("a PLAIN peer that refuses the credentials gets nothing and does not hold the exit", async () => {
    const pull = new theirs.Pull({ plainServer: true });
    await pull.bind("tcp://127.0.0.1:*");
    const started = Date.now();
    const run = child(`
      const sock = new zmq.Push({ plainUsername: "admin", plainPassword: "wrong" });
      sock.connect(${JSON.stringify(pull.lastEndpoint)});
      for (let i = 0; i < ${COUNT}; i++) await sock.send("m" + i);
      ${ENDINGS.exit}`);
    const got = await receive(pull, COUNT, 0, 3000);
    const { code, output } = await run;
    pull.close();
    expect(cleanOutput(output)).toBe("");
    expect(code).toBe(0);
    expect(got).toEqual([]);
    // The default linger is -1: only the refusal ends the wait.
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});

describe("RADIO over udp: close() right after sending", () => {
  it("delivers every datagram to a zeromq.js DISH", async () => {
    const dish = new theirDraft.Dish();
    dish.join("g");
    const port = await freePort();
    await dish.bind(`udp://127.0.0.1:${port}`);
    const radio = new zmqDraft.Radio();
    radio.connect(`udp://127.0.0.1:${port}`);
    // Once a first datagram arrived the connection is up: the burst goes through its session.
    await radio.send("warm-up", { group: "g" });
    expect(await receiveDish(dish, 1)).toEqual(["warm-up"]);
    for (let i = 0; i < COUNT; i++) await radio.send(`m${i}`, { group: "g" });
    radio.close();
    const got = await receiveDish(dish, COUNT);
    dish.close();
    expect(got).toEqual(expected);
  });
});
