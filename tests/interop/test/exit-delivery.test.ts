/**
 * Messages queued when our sending process ends still reach a libzmq receiver (zeromq.js and
 * pyzmq), as they do when the sender is zeromq.js: a child process running @zmq/node connects,
 * sends, and then ends naturally (socket left open) or closes and ends. Per pattern the sender
 * sends 200 messages (the last ones are still queued when the script's last line runs) and the
 * receiver must get all of them, in order; REP answers a request and the process ends.
 *
 * `process.exit()` right after the send (with or without `close()` first) delivers too: the
 * 'exit' hook writes what each connection still holds synchronously, and the messages of a
 * connect that had not finished (no sleep here: often the case) go through a helper process.
 */
import { spawn } from "node:child_process";
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

defineExitSuite("zmqjs");
const unavailable = pyzmqUnavailable();
if (unavailable === undefined) defineExitSuite("pyzmq");
else console.warn(`interop: skipping the pyzmq half of exit delivery: ${unavailable}`);
