/**
 * What a page gets from @zmq/web: a small app bundled the way a web app would be
 * (esbuild, browser platform, ESM, minified, code splitting) has no `node:`
 * import and no `Buffer`, and its entry chunk stays small (the security
 * mechanisms, CURVE's cipher and libsodium among them, come only with the Node
 * runtime and are not in a page's bundle at all).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

it("a small @zmq/web app: no node: imports, no Buffer, entry chunk under 41 KB gzipped, no CURVE", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zmq-web-bundle-"));
  let pageDir: string | undefined;
  try {
    // The entry is written to the test's own temporary directory under page/ (so that
    // @zmq/web resolves from this package), and removed afterwards.
    pageDir = mkdtempSync(join(new URL("../page/", import.meta.url).pathname, ".size-"));
    const entry = join(pageDir, "size-app.ts");
    writeFileSync(
      entry,
      `import { Request, Subscriber } from "@zmq/web";
const req = new Request();
req.connect("ws://127.0.0.1:5555/zmq");
await req.send("hi");
console.log(await req.receive());
const sub = new Subscriber();
sub.subscribe("x");
sub.connect("ws://127.0.0.1:5556");
for await (const m of sub) console.log(m);
`,
    );
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      conditions: ["@zmq/source"],
      outdir: dir,
      write: false,
      logLevel: "error",
    });
    rmSync(pageDir, { recursive: true, force: true });
    const main = result.outputFiles.find((file) => file.path.endsWith("size-app.js"))!;
    const all = result.outputFiles.map((file) => file.text).join("\n");
    expect(all).not.toMatch(/["']node:/);
    expect(main.text).not.toMatch(/\bBuffer\b/);
    const gzipped = gzipSync(main.contents, { level: 9 }).length;
    console.log(`@zmq/web small app: ${main.contents.length} B minified, ${gzipped} B gzipped`);
    expect(gzipped).toBeLessThan(41_000);
    // The CURVE mechanism (its handshake's command names) is not in any chunk.
    expect(all).not.toMatch(/CurveZMQ/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (pageDir !== undefined) rmSync(pageDir, { recursive: true, force: true });
  }
});
