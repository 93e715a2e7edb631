#!/usr/bin/env node
/**
 * Type-checks zeromq.js's own TypeScript that uses its public API — the unit suite
 * (`test/unit/*.ts`) and the examples (`examples/**\/*.ts`) of a zeromq.js checkout — against the
 * `zeromq` package's declarations and, unchanged, against @zmq/node's built declarations, and
 * prints the difference. The programs are zeromq.js's, not ours, so they check our declarations
 * against assumptions we did not write. Nothing of zeromq.js is copied into this repository: the
 * checkout is exported into a temporary directory.
 *
 *   node tests/compat/scripts/zeromqjs-types.mjs [--checkout DIR] [--ours DIR] [--json OUT]
 *        [--keep] [--all]
 *
 * Without --checkout, HEAD of the bare mirror /work/.mirror/zeromq+zeromq.js/repo is exported with
 * `git archive` (override with $ZEROMQJS_MIRROR). The sources' imports of the library
 * (`../../src`, `../../src/draft`, and `zeromq` in the examples) are pointed at one implementation
 * through a package named `zeromq` in node_modules (the real one, or @zmq/node as with an npm alias
 * `"zeromq": "npm:@zmq/node"`) and one-line `src/` re-export shims; `src/errors.ts` (a test helper
 * of the suite, not public API) stays zeromq.js's. Each implementation is checked in two module
 * modes: `cjs` (module/moduleResolution NodeNext in a CommonJS package: `require` conditions,
 * our `dist/*.d.cts`) and `esm` (moduleResolution Bundler: `import` conditions, our `dist/*.d.ts`;
 * Node's own ESM resolution would reject the suite's extensionless relative imports). The compiler
 * options are those of zeromq.js's own test tsconfig. Type packages the suite needs (chai 4, mocha,
 * semver, proper-lockfile, which) are installed with npm once into a cache directory.
 *
 * `--ours DIR` checks another build of @zmq/node (a package directory with dist/, e.g. another
 * worktree's packages/node) in place of this repository's.
 *
 * Errors are compared by file, line and code. Printed: the error count of each of the four runs,
 * then per mode the errors only ours has (each one a place where code written for zeromq.js does
 * not compile against us) and those only zeromq has; `--all` also prints the errors both have.
 * Exit status 1 when ours has an error zeromq has not, unless EXPLAINED below accounts for it.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const compatDir = path.resolve(here, "..");
const repoRoot = path.resolve(compatDir, "../..");
const require = createRequire(path.join(compatDir, "package.json"));

/**
 * Errors only ours has that are deliberate or out of this harness's reach: `file:code` (or
 * `file:line:code`) → reason. Keep it empty unless a difference is explained elsewhere
 * (tests/compat/differences.ts DELIBERATE, the parity reference).
 */
const EXPLAINED = {};

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) return true;
  return v;
}
const jsonOut = opt("json", undefined);
const keep = opt("keep", false) === true;
const showAll = opt("all", false) === true;
const mirror = process.env.ZEROMQJS_MIRROR ?? "/work/.mirror/zeromq+zeromq.js/repo";

const IMPLS = {
  zeromq: path.dirname(require.resolve("zeromq/package.json")),
  ours: path.resolve(String(opt("ours", path.join(repoRoot, "packages/node")))),
};
for (const f of ["dist/index.d.ts", "dist/index.d.cts", "dist/draft.d.ts", "dist/draft.d.cts"]) {
  if (!fs.existsSync(path.join(IMPLS.ours, f))) {
    console.error(
      `${path.join(IMPLS.ours, f)} is missing: build first (npx -y pnpm@10.34.9 build)`,
    );
    process.exit(2);
  }
}
const MODES = ["esm", "cjs"];

// ---------------------------------------------------------------- the sources
const work = fs.mkdtempSync(path.join(os.tmpdir(), "zeromqjs-types-"));
const source = path.join(work, "source");
fs.mkdirSync(source);
const checkout = opt("checkout", undefined);
const PATHS = ["test/unit", "examples", "src/errors.ts"];
if (typeof checkout === "string") {
  for (const p of PATHS)
    fs.cpSync(path.join(checkout, p), path.join(source, p), {
      recursive: true,
      filter: (f) => !f.includes("node_modules"),
    });
} else {
  const tar = execFileSync(
    "git",
    [`--git-dir=${mirror}`, "archive", "--format=tar", "HEAD", ...PATHS],
    { maxBuffer: 256 << 20 },
  );
  execFileSync("tar", ["-x", "-C", source], { input: tar });
}
const commit =
  typeof checkout === "string"
    ? checkout
    : execFileSync("git", [`--git-dir=${mirror}`, "rev-parse", "HEAD"])
        .toString()
        .trim();

function walk(dir, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}
// test/unit/compat/ exercises zeromq.js's v5 compatibility layer (`zeromq/v5-compat`), which
// @zmq/node does not provide; the v6 API is everything else.
const FILES = walk(source)
  .filter(
    (f) =>
      (/^test\/unit\/[^/]+\.ts$/.test(f) || /^examples\/.+\.ts$/.test(f)) && !f.endsWith(".d.ts"),
  )
  .sort();

// ---------------------------------------------------------------- type packages (cached)
const TYPES = [
  "@types/chai@4",
  "@types/mocha@10",
  "@types/semver@7",
  "@types/proper-lockfile@4",
  "@types/which@3",
  "@types/fs-extra@11",
];
const typesDir = path.join(
  os.tmpdir(),
  `zmq-compat-zeromqjs-types-${TYPES.join("_").replace(/[@./]/g, "")}`,
);
if (!fs.existsSync(path.join(typesDir, "node_modules/@types/chai/index.d.ts"))) {
  fs.mkdirSync(typesDir, { recursive: true });
  fs.writeFileSync(path.join(typesDir, "package.json"), '{"private":true}');
  console.error(`installing ${TYPES.join(" ")} into ${typesDir}`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...TYPES], {
    cwd: typesDir,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

// ---------------------------------------------------------------- one project per impl × mode
function project(impl, mode) {
  const dir = path.join(work, `${impl}-${mode}`);
  fs.cpSync(source, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "src/index.ts"), 'export * from "zeromq";\n');
  fs.writeFileSync(path.join(dir, "src/draft.ts"), 'export * from "zeromq/draft";\n');
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ private: true, type: mode === "esm" ? "module" : "commonjs" }),
  );
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(path.join(nm, "@types"), { recursive: true });
  fs.symlinkSync(IMPLS[impl], path.join(nm, "zeromq"), "dir");
  fs.symlinkSync(
    path.join(repoRoot, "node_modules/@types/node"),
    path.join(nm, "@types/node"),
    "dir",
  );
  for (const t of fs.readdirSync(path.join(typesDir, "node_modules/@types"))) {
    if (t === "node") continue; // the repository's @types/node, as for our own code
    fs.symlinkSync(
      path.join(typesDir, "node_modules/@types", t),
      path.join(nm, "@types", t),
      "dir",
    );
  }
  // zeromq.js's test/tsconfig.json options (strict, ES2019 + WeakRef), module settings per mode.
  const compilerOptions = {
    target: "ES2019",
    lib: ["ES2019", "ES2021.WeakRef"],
    strict: true,
    strictPropertyInitialization: false,
    noImplicitReturns: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node", "mocha"],
    ...(mode === "cjs"
      ? { module: "NodeNext", moduleResolution: "NodeNext" }
      : { module: "ESNext", moduleResolution: "Bundler" }),
  };
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, files: FILES }, null, 2),
  );
  return dir;
}

function tsc(dir) {
  const bin = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "-p", dir, "--pretty", "false"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
    });
    child.stderr.on("data", (d) => {
      text += d;
    });
    child.on("close", () => resolve(text));
  });
}

/** tsc output → errors `{key: "file:line:code", file, line, code, message}` (continuations joined). */
function parse(out) {
  const errors = [];
  for (const line of out.split("\n")) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m) {
      errors.push({
        key: `${m[1]}:${m[2]}:${m[3]}`,
        file: m[1],
        line: m[2],
        code: m[3],
        message: m[4],
      });
    } else if (/error TS\d+/.test(line)) {
      errors.push({
        key: `(global):${line}`,
        file: "(global)",
        line: "0",
        code: "",
        message: line,
      });
    } else if (line.startsWith(" ") && errors.length > 0) {
      errors[errors.length - 1].message += ` ${line.trim()}`;
    }
  }
  return errors;
}

console.error(
  `zeromq.js ${commit.slice(0, 12)}: ${FILES.length} files (${FILES.filter((f) => f.startsWith("test/")).length} test/unit, ${FILES.filter((f) => f.startsWith("examples/")).length} examples)`,
);
const runs = {};
await Promise.all(
  Object.keys(IMPLS).flatMap((impl) =>
    MODES.map(async (mode) => {
      runs[`${impl}.${mode}`] = parse(await tsc(project(impl, mode)));
    }),
  ),
);

// ---------------------------------------------------------------- report
function explained(e) {
  return EXPLAINED[`${e.file}:${e.line}:${e.code}`] ?? EXPLAINED[`${e.file}:${e.code}`];
}
function minus(a, b) {
  const left = new Map();
  for (const e of b) left.set(e.key, (left.get(e.key) ?? 0) + 1);
  const out = [];
  for (const e of a) {
    const n = left.get(e.key) ?? 0;
    if (n > 0) left.set(e.key, n - 1);
    else out.push(e);
  }
  return out;
}
const lines = [
  `zeromq.js ${commit.slice(0, 12)} test/unit + examples type-checked (${FILES.length} files)`,
];
for (const [k, errs] of Object.entries(runs).sort()) lines.push(`  ${k}: ${errs.length} errors`);
const summary = { commit, files: FILES.length, counts: {}, onlyOurs: {}, onlyZeromq: {} };
let unexplained = 0;
for (const mode of MODES) {
  const ref = runs[`zeromq.${mode}`];
  const ours = runs[`ours.${mode}`];
  const onlyOurs = minus(ours, ref);
  const onlyRef = minus(ref, ours);
  const both = minus(ours, onlyOurs);
  summary.counts[mode] = {
    zeromq: ref.length,
    ours: ours.length,
    onlyOurs: onlyOurs.length,
    onlyZeromq: onlyRef.length,
    both: both.length,
  };
  summary.onlyOurs[mode] = onlyOurs.map((e) => ({ ...e, explained: explained(e) ?? null }));
  summary.onlyZeromq[mode] = onlyRef;
  lines.push("");
  lines.push(
    `${mode}: only ours ${onlyOurs.length}, only zeromq ${onlyRef.length}, both ${both.length}`,
  );
  for (const e of onlyOurs) {
    const why = explained(e);
    if (why === undefined) unexplained++;
    lines.push(
      `  ours   ${e.file}:${e.line} ${e.code} ${e.message}${why ? `  [explained: ${why}]` : ""}`,
    );
  }
  for (const e of onlyRef) lines.push(`  zeromq ${e.file}:${e.line} ${e.code} ${e.message}`);
  if (showAll)
    for (const e of both) lines.push(`  both   ${e.file}:${e.line} ${e.code} ${e.message}`);
}
lines.push("");
lines.push(
  `RESULT: ${unexplained} unexplained error(s) only against @zmq/node (esm + cjs); zeromq ${runs["zeromq.esm"].length}/${runs["zeromq.cjs"].length}, ours ${runs["ours.esm"].length}/${runs["ours.cjs"].length} errors (esm/cjs)`,
);
console.log(lines.join("\n"));
if (typeof jsonOut === "string") fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 2));
if (!keep) fs.rmSync(work, { recursive: true, force: true });
else console.error(`work directory kept: ${work}`);
process.exit(unexplained > 0 ? 1 : 0);
