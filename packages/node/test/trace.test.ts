/**
 * `NODE_DEBUG=zmq`: connection-level trace lines on stderr, in a child process
 * (debuglog reads NODE_DEBUG once, at startup). Without it, nothing is printed.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, "../src/index.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");

/** A tcp PUSH connecting before its PULL binds, a disconnect, a reconnect, a PUB dropping at HWM. */
const SCENARIO = `
// Idle sockets do not keep a process alive; this test waits on their events.
const alive = setInterval(() => {}, 1000);
const events = (socket, type) => new Promise((resolve) => socket.events.on(type, resolve));
const probe = new zmq.Pull();
await probe.bind("tcp://127.0.0.1:*");
const endpoint = probe.lastEndpoint;
await probe.unbind(endpoint);
probe.close();

const push = new zmq.Push({ reconnectInterval: 50, reconnectMaxInterval: 50 });
const retried = events(push, "connect:retry");
push.connect(endpoint);
await retried;
let pull = new zmq.Pull();
await pull.bind(endpoint);
await push.send("one");
await pull.receive();
const gone = events(push, "disconnect");
pull.close();
await gone;
const back = events(push, "handshake");
pull = new zmq.Pull();
await pull.bind(endpoint);
await back;
await push.send("two");
await pull.receive();

const pub = new zmq.Publisher({ sendHighWaterMark: 1 });
await pub.bind("tcp://127.0.0.1:*");
const sub = new zmq.Subscriber({ receiveTimeout: 100 });
sub.subscribe();
const joined = events(pub, "handshake");
sub.connect(pub.lastEndpoint);
await joined;
// Until the subscription has reached the PUB, its messages match no pipe (filtered, not dropped).
for (;;) {
  await pub.send("probe");
  try {
    await sub.receive();
    break;
  } catch {}
}
for (let i = 0; i < 5; i++) await pub.send("x");
await new Promise((resolve) => setImmediate(resolve));
for (const socket of [push, pull, pub, sub]) socket.close();
clearInterval(alive);
console.log("done");
`;

function run(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `import * as zmq from ${JSON.stringify(entry)};\n${SCENARIO}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], {
      cwd: here,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "--conditions=@zmq/source", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child timed out; stderr:\n${stderr}`));
    }, 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("NODE_DEBUG=zmq", () => {
  it("prints connect retries, handshakes, disconnects and drops, in order", async () => {
    const { code, stdout, stderr } = await run({ NODE_DEBUG: "zmq" });
    expect(stdout).toContain("done");
    expect(code).toBe(0);
    const lines = stderr.split("\n").filter((line) => /^ZMQ \d+: /.test(line));
    const text = lines.map((line) => line.replace(/^ZMQ \d+: /, ""));
    const at = (pattern: RegExp, from = 0): number => {
      const index = text.findIndex((line, i) => i >= from && pattern.test(line));
      expect(index, `${pattern} after line ${from} in:\n${stderr}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const tcp = "tcp://127\\.0\\.0\\.1:\\d+";
    const attempt = at(new RegExp(`^PUSH connect ${tcp} attempt$`));
    const refused = at(new RegExp(`^PUSH connect ${tcp} failed .*ECONNREFUSED`), attempt);
    const retry = at(new RegExp(`^PUSH reconnect ${tcp} in 50ms$`), refused);
    const ok = at(new RegExp(`^PUSH connect ${tcp} ok$`), retry);
    const shake = at(new RegExp(`^PUSH handshake ${tcp} mechanism=NULL peer=PULL from `), ok);
    const down = at(new RegExp(`^PUSH disconnect ${tcp} reason=\\S+`), shake);
    const again = at(new RegExp(`^PUSH reconnect ${tcp} in 50ms$`), down);
    at(new RegExp(`^PUSH handshake ${tcp} mechanism=NULL peer=PULL from `), again);
    at(new RegExp(`^PULL handshake ${tcp} mechanism=NULL peer=PUSH from `));
    const pubShake = at(new RegExp(`^PUB handshake ${tcp} mechanism=NULL peer=SUB `));
    at(new RegExp(`^PUB drop ${tcp} reason=hwm `), pubShake);
    // Reported when the pipe fills, not for each of the four dropped messages.
    expect(text.filter((line) => line.startsWith("PUB drop"))).toHaveLength(1);
  }, 60_000);

  it("prints nothing without NODE_DEBUG", async () => {
    const { code, stdout, stderr } = await run({ NODE_DEBUG: undefined });
    expect(stdout).toContain("done");
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/ZMQ \d+:/);
  }, 60_000);
});
