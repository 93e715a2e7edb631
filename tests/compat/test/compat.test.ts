/**
 * The differential suite: every case in src/cases runs against zeromq.js (the `zeromq` npm
 * package) and against the built @zmq/node, each in its own runner process, and the recorded
 * outcomes must be equal. A case may differ only if differences.ts lists it: as DELIBERATE (with
 * the reason, printed in the @zmq/node README) or as KNOWN_OPEN (not fixed yet). A listed case
 * that matches fails too, so neither table can go stale.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DELIBERATE, KNOWN_OPEN, RACY, renderDifferencesMarkdown } from "../differences";
import { allCases } from "../src/cases/index";
import { expectParity } from "../src/compare";
import { TYPECHECK_CASE_IDS } from "../src/typecheck";

const here = path.dirname(fileURLToPath(import.meta.url));
const compatDir = path.resolve(here, "..");
const repoRoot = path.resolve(compatDir, "../..");

/** The runner loads @zmq/node's dist: refuse to compare against a build older than the sources. */
function staleBuilds(): string[] {
  const stale: string[] = [];
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  for (const pkg of fs.readdirSync(path.join(repoRoot, "packages"))) {
    const dir = path.join(repoRoot, "packages", pkg);
    const built = path.join(dir, "dist/index.cjs");
    if (!fs.existsSync(path.join(dir, "src"))) continue;
    if (!fs.existsSync(built)) stale.push(`${pkg} (not built)`);
    else if (fs.statSync(built).mtimeMs < newest(path.join(dir, "src")))
      stale.push(`${pkg} (src newer than dist)`);
  }
  return stale;
}

type Run = { impl: string; results: Record<string, unknown>; unhandled: unknown[] };

function runner(impl: "zeromq" | "ours", isolated: boolean): Promise<Run> {
  const args = [
    "--import",
    "tsx",
    path.join(compatDir, "src/runner.ts"),
    impl,
    ...(isolated ? ["--isolated"] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: compatDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 160_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as Run);
      } catch {
        reject(
          new Error(
            `runner ${impl}${isolated ? " --isolated" : ""} exited ${code ?? signal}:\n${err.slice(-3000)}`,
          ),
        );
      }
    });
  });
}

const outcomes: Record<"zeromq" | "ours", Record<string, unknown>> = { zeromq: {}, ours: {} };

beforeAll(async () => {
  const stale = staleBuilds();
  if (stale.length > 0) {
    throw new Error(
      `the compat suite runs against dist/: build first (npx -y pnpm@10.34.9 build). Stale: ${stale.join(", ")}`,
    );
  }
  const runs = await Promise.all([
    runner("zeromq", false),
    runner("ours", false),
    runner("zeromq", true),
    runner("ours", true),
  ]);
  for (const r of runs) Object.assign(outcomes[r.impl as "zeromq" | "ours"], r.results);
  fs.mkdirSync(path.join(compatDir, ".results"), { recursive: true });
  fs.writeFileSync(
    path.join(compatDir, ".results/outcomes.json"),
    JSON.stringify(outcomes, null, 1),
  );
}, 170_000);

describe("tables", () => {
  const ids = new Set([...allCases.map((c) => c.id), ...TYPECHECK_CASE_IDS]);
  it("name only existing cases", () => {
    expect(Object.keys(DELIBERATE).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(KNOWN_OPEN).filter((id) => !ids.has(id))).toEqual([]);
  });
  it("do not overlap", () => {
    expect(Object.keys(DELIBERATE).filter((id) => id in KNOWN_OPEN)).toEqual([]);
    expect([...RACY].filter((id) => !(id in KNOWN_OPEN))).toEqual([]);
  });
  it("render as markdown", () => {
    const md = renderDifferencesMarkdown();
    for (const id of Object.keys(DELIBERATE)) expect(md).toContain(id);
  });
});

describe("zeromq.js 6.8.0 vs @zmq/node", () => {
  for (const c of allCases) {
    it(`${c.id} [${c.ref}]`, () => {
      expectParity(c.id, outcomes.zeromq[c.id], outcomes.ours[c.id]);
    });
  }
});
