/**
 * §3 S21–S26: what reaches a peer when the sending process ends. The sender is a child process
 * running the implementation under test; the receiver is always zeromq.js (a PULL or a REQ in the
 * runner process), so both runs measure the same thing: how many messages a libzmq peer gets.
 */
import { spawn } from "node:child_process";
import type { Case, Ctx } from "../harness";
import { sleep } from "../harness";

const N = 1000;

function runChild(ctx: Ctx, body: string, timeoutMs = 8000) {
  const src = `"use strict";\nconst zmq = require(${JSON.stringify(ctx.paths.index)});\nconst mark = () => process.stdout.write("T" + Date.now() + "\\n");\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(3); });\n`;
  const started = Date.now();
  const child = spawn(process.execPath, ["-e", src], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  // ms: from the child's last mark() (or its start) to its exit.
  const since = () => {
    const m = /T(\d+)\n(?![\s\S]*T\d+\n)/.exec(stdout);
    return Date.now() - (m ? Number(m[1]) : started);
  };
  return new Promise<{ code: number | null; ms: number; stderr: string; timedOut: boolean }>(
    (resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve({ code: null, ms: since(), stderr, timedOut: true });
      }, timeoutMs);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, ms: since(), stderr, timedOut: false });
      });
    },
  );
}

/**
 * Counts what a zeromq.js PULL gets: until the child has ended and either all `expected`
 * messages are in (then `extraMs` more, so that a duplicate would show) or `quietMs` pass
 * without one. A long quiet period costs nothing when everything arrives, and keeps a
 * receiver slowed down by a loaded machine from being counted as a loss.
 */
async function drain(
  pull: { receive(): Promise<Buffer[]>; receiveTimeout: number },
  done: Promise<unknown>,
  expected: number,
  quietMs = 2000,
  extraMs = 200,
) {
  let count = 0;
  let finished = false;
  done.then(() => {
    finished = true;
  });
  for (;;) {
    pull.receiveTimeout = finished && count >= expected ? extraMs : quietMs;
    try {
      await pull.receive();
      count++;
    } catch {
      if (finished) return count;
    }
  }
}

/**
 * The reference side of a process-exit case, run up to `attempts` times until `ok(outcome)`,
 * keeping the last outcome. zeromq.js itself sometimes delivers fewer than all messages when its
 * process ends right after `close()` (914 of 1000 seen on a loaded machine, ipc); that is the
 * reference's flakiness, not a behaviour to match. Our side runs once: it must deliver all
 * (what libzmq's infinite linger promises) every time, so a single lost message fails the case.
 */
async function referenceBestOf<T>(
  c: Ctx,
  run: () => Promise<T>,
  ok: (outcome: T) => boolean,
  attempts = 4,
): Promise<T> {
  let outcome = await run();
  for (let i = 1; c.impl === "zeromq" && i < attempts && !ok(outcome); i++) {
    process.stderr.write(`${JSON.stringify(outcome)}: reference attempt ${i} fell short, again\n`);
    outcome = await run();
  }
  return outcome;
}

const ENDINGS: Record<string, string> = {
  "close+exit": "push.close(); process.exit(0);",
  exit: "process.exit(0);",
  "natural-end": "",
  "close+end": "push.close();",
};

const cases: Case[] = [];
for (const transport of ["tcp", "ipc"] as const) {
  for (const [ending, code] of Object.entries(ENDINGS)) {
    cases.push({
      id: `exit.push-${N}.${ending}.${transport}`,
      ref: "C3/S22-S24",
      isolate: true,
      timeoutMs: 45_000,
      run: (c) =>
        referenceBestOf(
          c,
          async () => {
            const pull = c.track(new c.ref.Pull());
            await pull.bind(
              transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${c.tmp}/${c.uniq("exit")}`,
            );
            const child = runChild(
              c,
              `const push = new zmq.Push(); push.connect(${JSON.stringify(pull.lastEndpoint)});
               await new Promise((r) => setTimeout(r, 200));
               for (let i = 0; i < ${N}; i++) await push.send(String(i));
               ${code}`,
            );
            const received = await drain(pull, child, N);
            const r = await child;
            pull.linger = 0;
            pull.close();
            return { received, exitCode: r.code, timedOut: r.timedOut };
          },
          (o) => o.received === N && o.exitCode === 0,
        ),
    });
  }
}

cases.push({
  id: "exit.rep.reply-then-exit.tcp",
  ref: "C3",
  isolate: true,
  timeoutMs: 45_000,
  run: (c) =>
    referenceBestOf(
      c,
      async () => {
        const req = c.track(new c.ref.Request({ receiveTimeout: 5000 }));
        await req.bind("tcp://127.0.0.1:*");
        const child = runChild(
          c,
          `const rep = new zmq.Reply(); rep.connect(${JSON.stringify(req.lastEndpoint)});
           const [q] = await rep.receive(); await rep.send(q.toString() + "-answer"); process.exit(0);`,
        );
        await req.send("question");
        let reply: string;
        try {
          reply = (await req.receive())[0].toString();
        } catch (err) {
          reply = `receive: ${(err as { code?: string }).code}`;
        }
        await child;
        req.linger = 0;
        req.close();
        return reply;
      },
      (reply) => reply === "question-answer",
    ),
});

/**
 * A CURVE client PUSH (the implementation under test) that connects to a CURVE server PULL
 * (zeromq.js) and ends right after its `send()`: the handshake has not started, and in
 * @zmq/node libsodium is not loaded yet (it loads on first use, asynchronously).
 */
async function curveSendThenEnd(c: Ctx, ending: string, curve = true) {
  const server = c.ref.curveKeyPair();
  const client = c.ref.curveKeyPair();
  const pull = c.track(
    new c.ref.Pull(curve ? { curveServer: true, curveSecretKey: server.secretKey } : {}),
  );
  await pull.bind("tcp://127.0.0.1:*");
  const options = JSON.stringify(
    curve
      ? {
          curveServerKey: server.publicKey,
          curvePublicKey: client.publicKey,
          curveSecretKey: client.secretKey,
        }
      : {},
  );
  const child = runChild(
    c,
    `const push = new zmq.Push(${options}); push.connect(${JSON.stringify(pull.lastEndpoint)});
     await push.send("last"); mark(); ${ENDINGS[ending]}`,
  );
  const received = await drain(pull, child, 1);
  const r = await child;
  pull.linger = 0;
  pull.close();
  return { received, exitCode: r.code, timedOut: r.timedOut, ms: r.ms };
}

for (const ending of ["close+exit", "exit"]) {
  cases.push({
    // zeromq.js loses the message in about half of the runs (4 of 8 seen, load 7): its best of
    // up to 8 runs against our one.
    id: `exit.curve.send-then-${ending}.tcp`,
    ref: "C3",
    isolate: true,
    timeoutMs: 60_000,
    run: async (c) => {
      const { ms: _ms, ...outcome } = await referenceBestOf(
        c,
        () => curveSendThenEnd(c, ending),
        (o) => o.received === 1 && o.exitCode === 0,
        8,
      );
      return outcome;
    },
  });
}

cases.push({
  // How long the process takes to end after the send above, ending with process.exit(), against
  // the same without CURVE (medians of 3 runs each, interleaved): DELIBERATE, @zmq/node relays
  // the message from a worker thread that loads libsodium first. A ratio, not a fixed number of
  // milliseconds, so that the machine's load moves both sides of it.
  id: "exit.curve.send-then-exit.timing",
  ref: "C3",
  isolate: true,
  timeoutMs: 60_000,
  run: async (c) => {
    const curve: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 3; i++) {
      curve.push((await curveSendThenEnd(c, "exit")).ms);
      plain.push((await curveSendThenEnd(c, "exit", false)).ms);
    }
    const median = (ms: number[]) => ms.sort((a, b) => a - b)[1]!;
    process.stderr.write(
      `exit.curve.send-then-exit.timing ${c.impl}: curve ${curve.join(", ")} ms, plain ${plain.join(", ")} ms\n`,
    );
    // Plain medians below 20 ms count as 20: the ratio of two tiny numbers is noise.
    return { curveTakesOver3xPlain: median(curve) > 3 * Math.max(median(plain), 20) };
  },
});

cases.push({
  id: "exit.linger-1000.unreachable.warning",
  ref: "C3/S25",
  isolate: true,
  run: async (c) => {
    const r = await runChild(
      c,
      `const push = new zmq.Push({ linger: 1000 }); push.connect("tcp://127.0.0.1:1");
       push.send("x").catch(() => {}); await new Promise((r) => setTimeout(r, 50)); mark();`,
    );
    return {
      delayed: r.ms >= 800,
      warning: /WARNING: Waiting for queued ZeroMQ messages to be delivered/.test(r.stderr),
      exitCode: r.code,
    };
  },
});

cases.push({
  id: "context.blocky-false.linger",
  ref: "C4/S21",
  isolate: true,
  run: async (c) => {
    c.zmq.context.blocky = false;
    const s = c.track(new c.zmq.Dealer());
    await sleep(0);
    return s.linger;
  },
});

export const exitCases = cases;
