/**
 * Type-checks the zeromq.js programs in ../typecheck/ the way a user porting them would: in a
 * temporary project whose `node_modules/zeromq` is either the real `zeromq` package or @zmq/node
 * (as with an npm alias `"zeromq": "npm:@zmq/node"`), so our package.json `exports` and the built
 * declarations (`dist/*.d.ts` for ESM, `dist/*.d.cts` for CommonJS) are what TypeScript resolves.
 *
 *   node --import tsx src/typecheck.ts     # prints the error counts and the errors
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const compatDir = path.resolve(here, "..");
const repoRoot = path.resolve(compatDir, "../..");
const require = createRequire(path.join(compatDir, "package.json"));

export const FIXTURES = fs
  .readdirSync(path.join(compatDir, "typecheck"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .sort();
export const MODES = ["esm", "cjs"] as const;
export type Mode = (typeof MODES)[number];

/** One compat case per fixture and module mode: its outcome is the list of errors in that file. */
export const TYPECHECK_CASE_IDS = FIXTURES.flatMap((f) => MODES.map((m) => `typecheck.${f}.${m}`));

/**
 * Runs tsc once over every fixture in both module modes (an `esm/` and a `cjs/` copy, each with
 * its own package.json `type`); returns case id → errors ("line code message").
 */
export async function typecheck(impl: "zeromq" | "ours"): Promise<Record<string, string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zc-tc-"));
  try {
    for (const mode of MODES) {
      fs.mkdirSync(path.join(dir, mode));
      fs.writeFileSync(
        path.join(dir, mode, "package.json"),
        JSON.stringify({ private: true, type: mode === "esm" ? "module" : "commonjs" }),
      );
      for (const f of FIXTURES) {
        let text = fs.readFileSync(path.join(compatDir, "typecheck", `${f}.ts`), "utf8");
        // An ES module must name the draft entry point's file: zeromq has no exports map, so
        // `import … from "zeromq/draft"` only resolves from CommonJS; ESM code writes "zeromq/draft.js".
        if (mode === "esm") text = text.replaceAll('from "zeromq/draft"', 'from "zeromq/draft.js"');
        fs.writeFileSync(path.join(dir, mode, `${f}.ts`), text);
      }
    }
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: MODES.map((m) => `${m}/*.ts`),
      }),
    );
    fs.mkdirSync(path.join(dir, "node_modules"));
    const target =
      impl === "zeromq"
        ? path.dirname(require.resolve("zeromq/package.json"))
        : path.join(repoRoot, "packages/node");
    fs.symlinkSync(target, path.join(dir, "node_modules/zeromq"), "dir");
    fs.symlinkSync(
      path.join(repoRoot, "node_modules/@types"),
      path.join(dir, "node_modules/@types"),
      "dir",
    );
    const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [tsc, "-p", dir, "--pretty", "false"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (d) => {
        text += d;
      });
      child.stderr.on("data", (d) => {
        text += d;
      });
      child.on("exit", () => resolve(text));
    });
    const result: Record<string, string[]> = Object.fromEntries(
      TYPECHECK_CASE_IDS.map((id) => [id, []]),
    );
    for (const line of out.split("\n")) {
      const m = /(esm|cjs)\/([\w-]+)\.ts\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line.trim());
      const id = m ? `typecheck.${m[2]}.${m[1]}` : "typecheck.other";
      if (m === null && !/error TS\d+/.test(line)) continue;
      result[id] ??= [];
      result[id].push(m ? `${m[3]} ${m[4]} ${m[5]}` : line.trim());
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const impls = ["zeromq", "ours"] as const;
  const results = await Promise.all(impls.map((impl) => typecheck(impl)));
  for (const [i, impl] of impls.entries()) {
    const r = results[i] ?? {};
    for (const mode of MODES) {
      const ids = Object.keys(r).filter((id) => id.endsWith(`.${mode}`));
      const total = ids.reduce((n, id) => n + (r[id]?.length ?? 0), 0);
      console.log(`${impl} ${mode}: ${total} errors`);
      for (const id of ids) for (const e of r[id] ?? []) console.log(`  ${id}: ${e}`);
    }
    for (const e of r["typecheck.other"] ?? []) console.log(`  other: ${e}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
