import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs a module body in a fresh Node process (with workspace sources) and reports how it ended. */
function run(body: string) {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    ["--conditions=@zmq/source", "--import", "tsx", "--input-type=module", "-e", body],
    { cwd: new URL("..", import.meta.url).pathname, timeout: 8000, encoding: "utf8" },
  );
  return {
    status: result.status,
    signal: result.signal,
    ms: Date.now() - started,
    out: result.stdout + result.stderr,
  };
}

describe("ref option", () => {
  it("an unref'd listener with an unref'd connection lets the process exit", () => {
    const r = run(`
      import { tcp } from "@zmq/transport-tcp";
      const l = await tcp.bind("tcp://127.0.0.1:*", { ref: false });
      l.onConnection(() => console.log("accepted"));
      const c = await tcp.connect(l.endpoint, { ref: false });
      c.setHandler({ data() {}, drain() {}, end() {}, close() {} });
      console.log("idle");
    `);
    expect(r.out).toContain("idle");
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(0);
  });

  it("a listener keeps the process alive by default", () => {
    const r = run(`
      import { tcp } from "@zmq/transport-tcp";
      const l = await tcp.bind("tcp://127.0.0.1:*");
      setTimeout(() => { console.log("still alive"); l.close(); }, 300).unref();
    `);
    expect(r.out).toContain("still alive");
    expect(r.status).toBe(0);
  });
});
