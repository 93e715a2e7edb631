/**
 * Startup cost: importing @zmq/node loads none of the Node built-ins a
 * transport needs only once something binds or connects (net, tls, dns, dgram,
 * fs/promises, crypto: together ~15-20 ms of a short script's start). Counted
 * in a fresh plain `node` process (tsx itself loads net and crypto) on the built
 * package (`pnpm test` builds first), both as CommonJS and as an ES module, as
 * the built-in modules the import added: the check does not depend on the
 * machine's speed or load.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "../dist");

/** Built-ins that must not load with the import. */
const LAZY = ["net", "tls", "dns", "dgram", "fs/promises", "crypto", "dns/promises"];

/** Runs `body` after importing @zmq/node as `zmq`; returns the public built-ins each step added. */
function builtinsLoaded(
  format: "cjs" | "esm",
  body: string,
): Promise<{ atImport: string[]; afterBody: string[] }> {
  const load =
    format === "cjs"
      ? `require(${JSON.stringify(join(dist, "index.cjs"))})`
      : `await import(${JSON.stringify(join(dist, "index.js"))})`;
  const script = `(async () => {
    const builtins = () => new Set(process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)));
    const before = builtins();
    const zmq = ${load};
    const atImport = [...builtins()].filter((m) => !before.has(m));
    ${body}
    const afterBody = [...builtins()].filter((m) => !before.has(m));
    console.log(JSON.stringify({ atImport, afterBody }));
  })().catch((error) => { console.error(error); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd: here,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${errors}`));
      else resolve(JSON.parse(output.trim().split("\n").pop()!));
    });
  });
}

describe.each(["cjs", "esm"] as const)("startup (%s build)", (format) => {
  it("loading @zmq/node loads no transport built-in; the first tcp bind loads node:net, a wss-free program never loads tls", async () => {
    const { atImport, afterBody } = await builtinsLoaded(
      format,
      `
      const socket = new zmq.Pair({ linger: 0 });
      await socket.bind("tcp://127.0.0.1:*");
      socket.close();
    `,
    );
    expect(atImport.filter((m) => LAZY.includes(m))).toEqual([]);
    expect(afterBody).toContain("net");
    expect(afterBody).not.toContain("tls");
  }, 30000);

  it("curveKeyPair loads node:crypto on its first call", async () => {
    const { atImport, afterBody } = await builtinsLoaded(
      format,
      `
      const { publicKey } = zmq.curveKeyPair();
      if (publicKey.length !== 40) throw new Error("bad key");
    `,
    );
    expect(atImport).not.toContain("crypto");
    expect(afterBody).toContain("crypto");
  }, 30000);
});
