/**
 * Runs compat cases against one implementation and prints their outcomes as one JSON object
 * (case id → normalised outcome) on stdout.
 *
 *   node --import tsx src/runner.ts <zeromq|ours> [--only id,id] [--isolated]
 *
 * "ours" is the built `@zmq/node` loaded the way a CommonJS user loads it
 * (`require("@zmq/node")`, i.e. `dist/index.cjs` and `dist/draft.cjs`); set COMPAT_OURS=esm to
 * load the ESM build instead. The reference is `require("zeromq")`.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { allCases } from "./cases/index";
import type { Ctx } from "./harness";
import { describeError, makeTmp, normalise } from "./harness";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../package.json"));

export function implPaths(impl: "zeromq" | "ours", format = process.env.COMPAT_OURS ?? "cjs") {
  if (impl === "zeromq")
    return { index: require.resolve("zeromq"), draft: require.resolve("zeromq/draft") };
  const dist = path.resolve(here, "../../../packages/node/dist");
  return format === "esm"
    ? { index: path.join(dist, "index.js"), draft: path.join(dist, "draft.js") }
    : { index: path.join(dist, "index.cjs"), draft: path.join(dist, "draft.cjs") };
}

async function load(file: string) {
  return file.endsWith(".js") && !file.includes("node_modules")
    ? import(pathToFileURL(file).href)
    : require(file);
}

async function main() {
  const impl = process.argv[2] as "zeromq" | "ours";
  if (impl !== "zeromq" && impl !== "ours")
    throw new Error("usage: runner.ts <zeromq|ours> [--only ids]");
  const onlyIdx = process.argv.indexOf("--only");
  const only = onlyIdx === -1 ? undefined : new Set(process.argv[onlyIdx + 1]?.split(","));
  const isolated = process.argv.includes("--isolated");
  const paths = implPaths(impl);
  const zmq = await load(paths.index);
  const draft = await load(paths.draft);
  const ref = require("zeromq");
  // Pending messages in cases must not hold the process (a no-op in ours today: C4).
  zmq.context.blocky = false;
  const errors: unknown[] = [];
  process.on("unhandledRejection", (err) => errors.push(describeError(err)));

  const tmp = makeTmp();
  let n = 0;
  const results: Record<string, unknown> = {};
  const cases = allCases.filter((c) => (only ? only.has(c.id) : isolated === Boolean(c.isolate)));
  for (const c of cases) {
    const tracked: { close(): void; linger: number; closed: boolean }[] = [];
    const ctx: Ctx = {
      impl,
      zmq,
      draft,
      ref,
      paths,
      tmp,
      uniq: (prefix = "c") => `${prefix}-${++n}`,
      track(sock) {
        tracked.push(sock as never);
        return sock;
      },
    };
    let outcome: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      outcome = await Promise.race([
        Promise.resolve().then(() => c.run(ctx)),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve({ caseTimeout: true }), c.timeoutMs ?? 10_000);
        }),
      ]);
    } catch (err) {
      outcome = { caseError: describeError(err) };
    }
    clearTimeout(timer);
    // Snapshot before cleanup: closing the case's sockets may still append events to its arrays.
    results[c.id] = normalise(outcome, tmp);
    for (const s of tracked) {
      try {
        if (!s.closed) {
          s.linger = 0;
          s.close();
        }
      } catch {
        // a socket the case left in a state where close throws: nothing to clean
      }
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ impl, results, unhandled: errors })}\n`);
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
