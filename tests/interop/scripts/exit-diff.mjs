#!/usr/bin/env node
/**
 * Exit delivery, side by side: a child process sends N messages and ends (process.exit(0),
 * close() + process.exit(0), or natural end); the receiver is zeromq.js in this process. The
 * child runs once with @zmq/node and once with zeromq.js, alternating; prints how many
 * messages each delivered and how long the end took (from the ending line to the child's exit).
 *
 *   node scripts/exit-diff.mjs [case-filter] [--rounds=N] [--count=N] [--endings=exit,close+exit]
 */
import { spawn } from "node:child_process";

import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import * as draft from "zeromq/draft.js";

const CWD = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const filter = args.find((a) => !a.startsWith("--"));
const ROUNDS = Number(opt("rounds", 1));
const COUNT = Number(opt("count", 1000));
const SIZE = Number(opt("size", 0));
const ENDINGS = opt("endings", "exit,close+exit,natural-end").split(",");
const IMPLS = opt("impls", "ours,zmqjs").split(",");

const ENDING_CODE = {
  exit: "process.exit(0);",
  "close+exit": "sock.close(); process.exit(0);",
  "natural-end": "",
};

const IMPORTS = {
  ours: 'import * as zmq from "@zmq/node"; import * as draft from "@zmq/node/draft.js";',
  zmqjs: 'import * as zmq from "zeromq"; import * as draft from "zeromq/draft.js";',
};
// --base=DIR: also run "base", @zmq/node as built in another checkout (before/after comparisons).
const BASE = opt("base", undefined);
if (BASE !== undefined) {
  IMPORTS.base = `import * as zmq from ${JSON.stringify(`${BASE}/packages/node/dist/index.js`)}; import * as draft from ${JSON.stringify(`${BASE}/packages/node/dist/draft.js`)};`;
}

const serverKeys = zmq.curveKeyPair();
const clientKeys = zmq.curveKeyPair();
let seq = 0;
const ipcPath = () => join(tmpdir(), `zmq-exit-diff-${process.pid}-${seq++}`);

/** Receiver that counts zeromq.js messages until `idle` ms pass without one. */
async function countMessages(sock, idleMs, done) {
  let n = 0;
  sock.receiveTimeout = idleMs;
  for (;;) {
    try {
      await sock.receive();
      n++;
    } catch {
      if (done()) return n;
    }
  }
}

/** A ZAP handler in this process's default context that lets everyone in (libzmq needs one for PLAIN). */
let zap;
async function zapHandler() {
  if (zap !== undefined) return;
  zap = new zmq.Router();
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, delim, version, requestId, , , , mechanism, ...credentials] of zap) {
      // Everyone but PLAIN with the password "wrong".
      const ok = !(String(mechanism) === "PLAIN" && String(credentials[1]) === "wrong");
      await zap.send([id, delim, version, requestId, ok ? "200" : "400", "", "user", ""]);
    }
  })();
}

/** Each case: set up the receiver (zeromq.js), return the child's body and how to count. */
const CASES = {
  "push-tcp-notready": async () => {
    const r = new zmq.Pull();
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Push(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "push-curve-notready": async () => {
    const r = new zmq.Pull({ curveServer: true, curveSecretKey: serverKeys.secretKey });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Push({ curveServerKey: ${JSON.stringify(serverKeys.publicKey)},
          curvePublicKey: ${JSON.stringify(clientKeys.publicKey)}, curveSecretKey: ${JSON.stringify(clientKeys.secretKey)} });
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "push-curve-ipc-notready": async () => {
    const r = new zmq.Pull({ curveServer: true, curveSecretKey: serverKeys.secretKey });
    await r.bind(`ipc://${ipcPath()}`);
    return {
      body: `const sock = new zmq.Push({ curveServerKey: ${JSON.stringify(serverKeys.publicKey)},
          curvePublicKey: ${JSON.stringify(clientKeys.publicKey)}, curveSecretKey: ${JSON.stringify(clientKeys.secretKey)} });
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "push-plain-notready": async () => {
    await zapHandler();
    const r = new zmq.Pull({ plainServer: true });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Push({ plainUsername: "user", plainPassword: "pw" });
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "push-plain-refused-notready": async () => {
    await zapHandler();
    const r = new zmq.Pull({ plainServer: true });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Push({ plainUsername: "user", plainPassword: "wrong" });
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "dealer-curve-ready": async () => {
    const r = new zmq.Router({ curveServer: true, curveSecretKey: serverKeys.secretKey });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Dealer({ curveServerKey: ${JSON.stringify(serverKeys.publicKey)},
          curvePublicKey: ${JSON.stringify(clientKeys.publicKey)}, curveSecretKey: ${JSON.stringify(clientKeys.secretKey)} });
        const ev = sock.events[Symbol.asyncIterator]();
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (;;) { const { value } = await ev.next(); if (value.type === "handshake") break; }
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "pub-connect-notready": async () => {
    const r = new zmq.Subscriber();
    r.subscribe();
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Publisher(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "pub-ready": async () => {
    const r = new zmq.Subscriber();
    r.subscribe();
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Publisher(); const ev = sock.events[Symbol.asyncIterator]();
        sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (;;) { const { value } = await ev.next(); if (value.type === "handshake") break; }
        await new Promise((r) => setTimeout(r, 200));
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "xpub-connect-notready": async () => {
    const r = new zmq.Subscriber();
    r.subscribe();
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.XPublisher(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "sub-subscribe-notready": async () => {
    const r = new zmq.XPublisher({ verbosity: "allSubs" });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Subscriber(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) sock.subscribe("t" + i);`,
      receiver: r,
    };
  },
  "sub-linger-subscribe-notready": async () => {
    const r = new zmq.XPublisher({ verbosity: "allSubs" });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.Subscriber({ linger: -1 }); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) sock.subscribe("t" + i);`,
      receiver: r,
    };
  },
  "xsub-send-notready": async () => {
    const r = new zmq.XPublisher({ verbosity: "allSubs" });
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new zmq.XSubscriber(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send(Buffer.from("\\x01t" + i, "latin1"));`,
      receiver: r,
    };
  },
  "radio-tcp-notready": async () => {
    const r = new draft.Dish();
    r.join("g");
    await r.bind("tcp://127.0.0.1:*");
    return {
      body: `const sock = new draft.Radio(); sock.connect(${JSON.stringify(r.lastEndpoint)});
        for (let i = 0; i < N; i++) await sock.send("m" + i, { group: "g" });`,
      receiver: r,
    };
  },
  "radio-udp": async () => {
    const r = new draft.Dish();
    r.join("g");
    const probe = net.createServer();
    await new Promise((res) => probe.listen(0, "127.0.0.1", res));
    const port = probe.address().port;
    probe.close();
    await r.bind(`udp://127.0.0.1:${port}`);
    return {
      body: `const sock = new draft.Radio(); sock.connect("udp://127.0.0.1:${port}");
        for (let i = 0; i < N; i++) await sock.send("m" + i, { group: "g" });`,
      receiver: r,
    };
  },
  "ws-notready": async () => {
    const r = new zmq.Pull();
    const probe = net.createServer();
    await new Promise((res) => probe.listen(0, "127.0.0.1", res));
    const port = probe.address().port;
    probe.close();
    await r.bind(`ws://127.0.0.1:${port}`);
    return {
      body: `const sock = new zmq.Push(); sock.connect("ws://127.0.0.1:${port}/");
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "ws-ready": async () => {
    const r = new zmq.Pull();
    const probe = net.createServer();
    await new Promise((res) => probe.listen(0, "127.0.0.1", res));
    const port = probe.address().port;
    probe.close();
    await r.bind(`ws://127.0.0.1:${port}`);
    return {
      body: `const sock = new zmq.Push(); const ev = sock.events[Symbol.asyncIterator]();
        sock.connect("ws://127.0.0.1:${port}/");
        for (;;) { const { value } = await ev.next(); if (value.type === "handshake") break; }
        for (let i = 0; i < N; i++) await sock.send(["m" + i, PAD]);`,
      receiver: r,
    };
  },
  "stream-notready": async () => {
    // A raw TCP server counting "m<i>\n" lines.
    let text = "";
    const server = net.createServer((c) => c.on("data", (d) => (text += d)));
    await new Promise((res) => server.listen(0, "127.0.0.1", res));
    return {
      body: `const sock = new zmq.Stream();
        sock.connect("tcp://127.0.0.1:${server.address().port}", { routingId: "peer" });
        for (let i = 0; i < N; i++) { try { await sock.send(["peer", "m" + i + "\\n"]); } catch (e) { if (i === 0) console.error("send: " + e.code); } }`,
      raw: {
        count: () => text.split("\n").length - 1,
        close: () => server.close(),
      },
    };
  },
};

function runChild(impl, body, ending) {
  const script = `${IMPORTS[impl]}\nconst N = ${COUNT};\nconst PAD = "x".repeat(${SIZE});\n${body}\nprocess.stdout.write("T " + Date.now() + "\\n");\n${ENDING_CODE[ending]}`;
  return new Promise((resolve) => {
    const started = Date.now();
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: CWD,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (c) => (out += c));
    proc.stderr.on("data", (c) => (err += c));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    proc.on("exit", (code, signal) => {
      const ended = Date.now();
      clearTimeout(timer);
      const t = Number(/T (\d+)/.exec(out)?.[1]);
      resolve({
        code: code ?? signal,
        exitMs: Number.isNaN(t) ? NaN : ended - t,
        totalMs: ended - started,
        err: err.trim().split("\n").slice(0, 8).join(" / "),
      });
    });
  });
}

async function runCase(name, impl, ending) {
  const setup = await CASES[name]();
  let exited = false;
  const counting = setup.receiver ? countMessages(setup.receiver, 1500, () => exited) : undefined;
  const result = await runChild(impl, setup.body, ending);
  exited = true;
  let delivered;
  if (counting) {
    delivered = await counting;
    setup.receiver.close();
  } else {
    await new Promise((r) => setTimeout(r, 1500));
    delivered = setup.raw.count();
    setup.raw.close();
  }
  return { delivered, ...result };
}

const names = Object.keys(CASES).filter((n) => !filter || n.includes(filter));
/** Per case, ending and implementation: delivered counts and exit times, for the summary. */
const results = new Map();
const median = (values) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};
console.log(
  `load: ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}; N=${COUNT}`,
);
for (const name of names) {
  for (const ending of ENDINGS) {
    for (let round = 0; round < ROUNDS; round++) {
      const row = [];
      for (const impl of round % 2 ? [...IMPLS].reverse() : IMPLS) {
        const r = await runCase(name, impl, ending);
        const key = `${name} ${ending}`;
        if (!results.has(key)) results.set(key, {});
        const byImpl = results.get(key);
        byImpl[impl] ??= { delivered: [], exitMs: [] };
        const entry = byImpl[impl];
        entry.delivered.push(r.delivered);
        entry.exitMs.push(r.exitMs);
        row.push(
          `${impl}: ${r.delivered}/${COUNT} exit ${r.exitMs} ms (code ${r.code}${r.err ? `, stderr ${r.err.slice(0, 400)}` : ""})`,
        );
      }
      console.log(`${name} ${ending}: ${row.join(" | ")}`);
    }
  }
}
// Summary: median exit time (ms) and the delivered counts of every round, per implementation.
console.log(
  `\n| case | ending | ${IMPLS.map((i) => `${i} delivered | ${i} exit ms (median)`).join(" | ")} |`,
);
console.log(`|---|---|${IMPLS.map(() => "---|---|").join("")}`);
for (const [key, byImpl] of results) {
  const [name, ending] = key.split(" ");
  const cells = IMPLS.map((impl) => {
    const e = byImpl[impl];
    return e === undefined ? "| " : `${e.delivered.join(", ")} | ${median(e.exitMs)}`;
  });
  console.log(`| ${name} | ${ending} | ${cells.join(" | ")} |`);
}
process.exit(0);
