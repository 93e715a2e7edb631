/**
 * Messages queued when our sending process ends still reach a libzmq receiver (zeromq.js and
 * pyzmq), as they do when the sender is zeromq.js: a child process running @zmq/node connects,
 * sends, and then ends naturally (socket left open) or closes and ends. Per pattern the sender
 * sends 200 messages (the last ones are still queued when the script's last line runs) and the
 * receiver must get all of them, in order; REP answers a request and the process ends.
 *
 * `process.exit()` right after the send (with or without `close()` first) delivers too: the
 * 'exit' hook writes what each connection still holds synchronously, and the messages of a
 * connect that had not finished (no sleep here: often the case) go through a worker thread.
 *
 * The second half covers connects that cannot have finished (the child sends right after
 * `connect()` without ever yielding to the event loop): secured with CURVE or PLAIN, over
 * ws://, from a STREAM. Their messages are replayed at exit by a socket of the same type and
 * options in a worker thread; zeromq.js delivers all of them in these cases (measured with
 * scripts/exit-diff.mjs), and so must we, to zeromq.js and to pyzmq (no ws there).
 */
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as zmq from "@zmq/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  bindAddress,
  cleanupIpc,
  type Peer,
  Peer as PeerClass,
  type PeerKind,
  pyzmqUnavailable,
  type SocketTypeName,
  type Transport,
  until,
} from "./harness";

const COUNT = 200;

type Ending = "natural-end" | "close+natural-end" | "exit" | "close+exit";

/** The last lines of the child script for each way of ending. */
const ENDINGS: Record<Ending, string> = {
  "natural-end": "",
  "close+natural-end": "sock.close();",
  exit: "process.exit(0);",
  "close+exit": "sock.close(); process.exit(0);",
};

interface Pattern {
  /** Our sender and their receiver. */
  ours: SocketTypeName;
  theirs: SocketTypeName;
  /** What the receiver gets per message, after the frames it strips. */
  strip: number;
}

const PATTERNS: Pattern[] = [
  { ours: "PUSH", theirs: "PULL", strip: 0 },
  { ours: "DEALER", theirs: "ROUTER", strip: 1 },
  { ours: "PAIR", theirs: "PAIR", strip: 0 },
];

const CLASS: Record<string, string> = {
  PUSH: "Push",
  DEALER: "Dealer",
  PAIR: "Pair",
  REP: "Reply",
};

/** Runs `body` in a child with @zmq/node (the built package); resolves with its exit code. */
function child(body: string, timeout = 20_000): Promise<{ code: number | string; output: string }> {
  const script = `import * as zmq from "@zmq/node";\n${body}`;
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("..", import.meta.url).pathname,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    proc.stdout.on("data", (c) => (output += c));
    proc.stderr.on("data", (c) => (output += c));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve({ code: "timeout", output });
    }, timeout);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

function defineExitSuite(kind: PeerKind): void {
  describe(`messages sent just before our process ends reach ${kind}`, () => {
    let peer: Peer | undefined;
    const start = async () => {
      peer ??= await PeerClass.start(kind);
      return peer;
    };
    afterAll(async () => {
      await peer?.stop();
      cleanupIpc();
    });

    for (const transport of ["tcp", "ipc"] as Transport[]) {
      for (const ending of Object.keys(ENDINGS) as Ending[]) {
        const test = it;
        const wait = 10_000;
        for (const p of PATTERNS) {
          test(`${p.ours} → ${kind} ${p.theirs}, ${transport}, ${ending}`, async () => {
            const remote = await (await start()).socket(p.theirs);
            const endpoint = await remote.bind(bindAddress(transport));
            const run = child(`
              const sock = new zmq.${CLASS[p.ours]}();
              sock.connect(${JSON.stringify(endpoint)});
              for (let i = 0; i < ${COUNT}; i++) await sock.send(["m" + i]);
              ${ENDINGS[ending]}
            `);
            const got: string[] = [];
            try {
              for (let i = 0; i < COUNT; i++) {
                const frames = await remote.recv(wait);
                got.push(frames.slice(p.strip).map(String).join("|"));
              }
            } catch {}
            const { code, output } = await run;
            expect(output).toBe("");
            expect(code).toBe(0);
            expect(got.length).toBe(COUNT);
            expect(got.at(-1)).toBe(`m${COUNT - 1}`);
            expect(got).toEqual(Array.from({ length: COUNT }, (_, i) => `m${i}`));
          });
        }
        test(`REP answers ${kind} REQ and the process ends, ${transport}, ${ending}`, async () => {
          const remote = await (await start()).socket("REQ");
          const endpoint = await remote.bind(bindAddress(transport));
          const run = child(`
            const sock = new zmq.Reply();
            sock.connect(${JSON.stringify(endpoint)});
            const [q] = await sock.receive();
            await sock.send("answer to " + q);
            ${ENDINGS[ending]}
          `);
          // Until our REP has connected, the REQ has nobody to send to (EAGAIN).
          await until(() => remote.send(["question"], 200), 15_000);
          let answer = "";
          try {
            answer = (await remote.recv(wait)).map(String).join("|");
          } catch {}
          const { code } = await run;
          expect(code).toBe(0);
          expect(answer).toBe("answer to question");
        });
      }
    }
  });
}

const serverKeys = zmq.curveKeyPair();
const clientKeys = zmq.curveKeyPair();
const CURVE_CLIENT = {
  curveServerKey: serverKeys.publicKey,
  curvePublicKey: clientKeys.publicKey,
  curveSecretKey: clientKeys.secretKey,
};

interface NotReadyCase {
  name: string;
  /** Our sender's class and constructor options. */
  ours: string;
  options: Record<string, unknown>;
  /** Their receiver: type, options, and the endpoint to bind. */
  theirs: SocketTypeName;
  theirOptions: Record<string, unknown>;
  bind: () => string;
  strip: number;
}

const NOT_READY: NotReadyCase[] = [
  {
    name: "PUSH → PULL, CURVE, tcp",
    ours: "Push",
    options: CURVE_CLIENT,
    theirs: "PULL",
    theirOptions: { CURVE_SERVER: true, CURVE_SECRETKEY: serverKeys.secretKey },
    bind: () => bindAddress("tcp"),
    strip: 0,
  },
  {
    name: "DEALER → ROUTER, CURVE, ipc",
    ours: "Dealer",
    options: CURVE_CLIENT,
    theirs: "ROUTER",
    theirOptions: { CURVE_SERVER: true, CURVE_SECRETKEY: serverKeys.secretKey },
    bind: () => bindAddress("ipc"),
    strip: 1,
  },
  {
    name: "PUSH → PULL, PLAIN, tcp",
    ours: "Push",
    options: { plainUsername: "admin", plainPassword: "secret" },
    theirs: "PULL",
    theirOptions: { PLAIN_SERVER: true },
    bind: () => bindAddress("tcp"),
    strip: 0,
  },
  {
    name: "PUSH → PULL, ws",
    ours: "Push",
    options: {},
    theirs: "PULL",
    theirOptions: {},
    bind: () => "ws://127.0.0.1:*",
    strip: 0,
  },
];

function defineNotReadySuite(kind: PeerKind): void {
  describe(`messages of a connect that has not finished reach ${kind} at process end`, () => {
    let peer: Peer | undefined;
    const start = async () => {
      if (peer === undefined) {
        peer = await PeerClass.start(kind);
        await peer.request("zap", {
          allow: ["PLAIN:admin:secret", `CURVE:${clientKeys.publicKey}`],
        });
      }
      return peer;
    };
    afterAll(async () => {
      await peer?.stop();
      cleanupIpc();
    });

    // Debian's libzmq (pyzmq) has no ws transport.
    for (const c of NOT_READY.filter((c) => kind === "zmqjs" || !c.name.endsWith("ws"))) {
      for (const ending of Object.keys(ENDINGS) as Ending[]) {
        it(`${c.name}, ${ending}`, async () => {
          const remote = await (await start()).socket(c.theirs, c.theirOptions);
          let endpoint = c.bind();
          if (endpoint.startsWith("ws://")) {
            // libzmq's ws listener takes no wildcard port: find a free one.
            const probe = net.createServer();
            await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
            const { port } = probe.address() as net.AddressInfo;
            await new Promise((resolve) => probe.close(resolve));
            endpoint = `ws://127.0.0.1:${port}`;
          }
          endpoint = await remote.bind(endpoint);
          const run = child(`
          const sock = new zmq.${c.ours}(${JSON.stringify(c.options)});
          sock.connect(${JSON.stringify(endpoint)});
          for (let i = 0; i < ${COUNT}; i++) await sock.send(["m" + i]);
          ${ENDINGS[ending]}
        `);
          const got: string[] = [];
          try {
            for (let i = 0; i < COUNT; i++) {
              const frames = await remote.recv(10_000);
              got.push(frames.slice(c.strip).map(String).join("|"));
            }
          } catch {}
          const { code, output } = await run;
          // Nothing but, on a slow machine, the warning that the exit waits for delivery.
          expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe(
            "",
          );
          expect(code).toBe(0);
          expect(got).toEqual(Array.from({ length: COUNT }, (_, i) => `m${i}`));
        });
      }
    }

    for (const ending of kind === "zmqjs" ? (Object.keys(ENDINGS) as Ending[]) : []) {
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
          ${ENDINGS[ending]}
        `);
          expect(output.replace(/\(node:\d+\) WARNING: Waiting for queued ZeroMQ .*\n/, "")).toBe(
            "",
          );
          expect(code).toBe(0);
          await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
          expect(text.split("\n").slice(0, -1)).toEqual(
            Array.from({ length: COUNT }, (_, i) => `m${i}`),
          );
        } finally {
          server.close();
        }
      });
    }
  });
}

defineExitSuite("zmqjs");
defineNotReadySuite("zmqjs");
const unavailable = pyzmqUnavailable();
if (unavailable === undefined) {
  defineExitSuite("pyzmq");
  defineNotReadySuite("pyzmq");
} else console.warn(`interop: skipping the pyzmq half of exit delivery: ${unavailable}`);
