#!/usr/bin/env node
/**
 * Runs zeromq.js's own unit suite (`test/unit/*-test.ts` of a zeromq.js checkout) twice, with its
 * own runner (mocha): once against the reference (the `zeromq` npm package) and once against the
 * built `@zmq/node` (dist, CommonJS: what `require("@zmq/node")` gives a user). Nothing of zeromq.js
 * is copied into this repository: the checkout is exported into a temporary directory, and its
 * `src/` entry points are replaced there by one-line shims that `require()` the implementation
 * named in $ZMQ_COMPAT_IMPL (so child processes and worker threads started by the suite load the
 * same implementation).
 *
 *   node tests/compat/scripts/zeromqjs-unit.mjs [--checkout DIR] [--impl both|ours|zeromq]
 *        [--files 'test/unit/socket-*-test.ts'] [--jobs 2] [--retries 0] [--json OUT] [--keep]
 *
 * Without --checkout, HEAD of the bare mirror /work/.mirror/zeromq+zeromq.js/repo is exported with
 * `git archive` (override with $ZEROMQJS_MIRROR). The test dependencies (mocha, chai 4, semver,
 * proper-lockfile, which, fs-extra, tsx) are installed with npm once into a cache directory under
 * the OS temp dir and linked into each run.
 *
 * Output: one line per test with the result on both, the pass ratio of ours among the tests that
 * pass on the reference, and our failures grouped by cause.
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

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) return true;
  return v;
}
const impls = String(opt("impl", "both")) === "both" ? ["zeromq", "ours"] : [String(opt("impl"))];
const files = String(opt("files", "test/unit/*-test.ts"));
const jobs = Number(opt("jobs", 2));
const retries = Number(opt("retries", 0));
const jsonOut = opt("json", undefined);
const keep = opt("keep", false) === true;
const mirror = process.env.ZEROMQJS_MIRROR ?? "/work/.mirror/zeromq+zeromq.js/repo";

const IMPL_PATHS = {
  zeromq: {
    index: require.resolve("zeromq"),
    draft: require.resolve("zeromq/draft"),
  },
  ours: {
    index: path.join(repoRoot, "packages/node/dist/index.cjs"),
    draft: path.join(repoRoot, "packages/node/dist/draft.cjs"),
  },
};
for (const impl of impls) {
  if (!(impl in IMPL_PATHS)) throw new Error(`unknown --impl ${impl}`);
  if (!fs.existsSync(IMPL_PATHS[impl].index)) {
    console.error(`${IMPL_PATHS[impl].index} is missing: build first (npx -y pnpm@10.34.9 build)`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- the work directory
const work = fs.mkdtempSync(path.join(os.tmpdir(), "zeromqjs-unit-"));
const checkout = opt("checkout", undefined);
if (typeof checkout === "string") {
  fs.cpSync(path.join(checkout, "test"), path.join(work, "test"), { recursive: true });
  fs.mkdirSync(path.join(work, "src"));
  fs.copyFileSync(path.join(checkout, "src/errors.ts"), path.join(work, "src/errors.ts"));
  fs.copyFileSync(path.join(checkout, "tsconfig.json"), path.join(work, "tsconfig.json"));
} else {
  const tar = execFileSync(
    "git",
    [
      `--git-dir=${mirror}`,
      "archive",
      "--format=tar",
      "HEAD",
      "test",
      "src/errors.ts",
      "tsconfig.json",
    ],
    { maxBuffer: 256 << 20 },
  );
  execFileSync("tar", ["-x", "-C", work], { input: tar });
}
const commit =
  typeof checkout === "string"
    ? checkout
    : execFileSync("git", [`--git-dir=${mirror}`, "rev-parse", "HEAD"])
        .toString()
        .trim();

// The shims: everything the suite reaches through `../../src`, `../../src/draft` and the package
// root (child processes and workers `require()` the checkout's root directory).
const shim = (key) =>
  `"use strict";\nmodule.exports = require(JSON.parse(process.env.ZMQ_COMPAT_IMPL).${key});\n`;
fs.writeFileSync(path.join(work, "src/index.js"), shim("index"));
fs.writeFileSync(path.join(work, "src/draft.js"), shim("draft"));
fs.writeFileSync(path.join(work, "index.js"), shim("index"));
fs.writeFileSync(
  path.join(work, "package.json"),
  JSON.stringify({ name: "zeromqjs-unit-harness", private: true, main: "index.js" }, null, 2),
);

// ---------------------------------------------------------------- test dependencies (cached)
const DEPS = [
  "mocha@11",
  "chai@4",
  "semver@7",
  "proper-lockfile@4",
  "which@5",
  "fs-extra@11",
  "tsx@4",
];
const depsDir = path.join(
  os.tmpdir(),
  `zmq-compat-zeromqjs-deps-${DEPS.join("_").replace(/[@.]/g, "")}`,
);
if (!fs.existsSync(path.join(depsDir, "node_modules/mocha/bin/mocha.js"))) {
  fs.mkdirSync(depsDir, { recursive: true });
  fs.writeFileSync(path.join(depsDir, "package.json"), '{"private":true}');
  console.error(`installing ${DEPS.join(" ")} into ${depsDir}`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...DEPS], {
    cwd: depsDir,
    stdio: ["ignore", "inherit", "inherit"],
  });
}
fs.symlinkSync(path.join(depsDir, "node_modules"), path.join(work, "node_modules"), "dir");

// ---------------------------------------------------------------- run
function runMocha(impl) {
  const out = path.join(work, `result-${impl}.json`);
  const mochaArgs = [
    path.join(work, "node_modules/mocha/bin/mocha.js"),
    "--no-config",
    "--require",
    "tsx/cjs",
    "--expose-gc",
    "--exit",
    "--timeout",
    "6000",
    "--retries",
    String(retries),
    "--reporter",
    "json",
    "--reporter-option",
    `output=${out}`,
    ...(jobs > 1 ? ["--parallel", "--jobs", String(jobs)] : []),
    files,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, mochaArgs, {
      cwd: work,
      env: {
        ...process.env,
        ZMQ_COMPAT_IMPL: JSON.stringify(IMPL_PATHS[impl]),
        EXCLUDE_TYPINGS_COMPAT_TESTS: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d) => {
      log += d;
    });
    child.stderr.on("data", (d) => {
      log += d;
    });
    child.on("close", (code, signal) => {
      fs.writeFileSync(path.join(work, `log-${impl}.txt`), log);
      let report;
      try {
        report = JSON.parse(fs.readFileSync(out, "utf8"));
      } catch {
        console.error(
          `mocha (${impl}) produced no report (exit ${code ?? signal}):\n${log.slice(-4000)}`,
        );
        process.exit(2);
      }
      resolve({ report, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const key = (t) => `${path.basename(t.file ?? "?")} › ${t.fullTitle}`;
const results = {};
for (const impl of impls) {
  console.error(`running zeromq.js ${commit.slice(0, 12)} test/unit against ${impl} …`);
  const { report, seconds } = await runMocha(impl);
  const map = new Map();
  for (const t of report.passes) map.set(key(t), { state: "pass" });
  for (const t of report.pending) if (!map.has(key(t))) map.set(key(t), { state: "pending" });
  for (const t of report.failures)
    map.set(key(t), { state: "fail", error: t.err?.message ?? String(t.err) });
  results[impl] = { map, stats: report.stats, seconds };
  console.error(
    `  ${impl}: ${report.stats.passes} passed, ${report.stats.failures} failed, ${report.stats.pending} pending (${seconds.toFixed(0)} s)`,
  );
}

// ---------------------------------------------------------------- report
/** Causes, from the failure text; the tags are the items of the parity reference. */
const CAUSES = [
  [/exports should include functions/, "extra exports in ours (allowed)"],
  [/warnings should be emitted/, "no 'will not take effect' warning (C8)"],
  [/in thread/, "worker threads do not share the context (C6)"],
  [/Message must be present/, "send() on a socket type that cannot send (B7, deliberate)"],
  [/small buffers/, "small buffers not copied at send (C5)"],
  [/process exit/, "process exit / linger / warning (C3/C4)"],
  [/starve event loop/, "event-loop fairness of inproc receive"],
  [/tcp:\/\/tcp:\/\//, "bind:error address carries the scheme (C9)"],
  [
    /to throw (TypeError|Error)/,
    "sync throw expected: missing validation or rejection instead of throw (C13/C24)",
  ],
  [/is not a function/, "missing API (B1/B2/B7: bindSync, get/set*Option, generic send/receive)"],
  [/Operation was not possible or timed out|Socket was closed/, "close() cancel text (A2)"],
  [/Operation cannot be accomplished|REQ must|REP must/, "EFSM text or REQ/REP waiting (A3/C7)"],
  [
    /Host unreachable|no peer with that routing id|no connection with that routing id/,
    "EHOSTUNREACH / connect routingId (A4/C2)",
  ],
  [
    /Protocol not supported|Invalid argument|No such endpoint|malformed|unsupported transport/,
    "endpoint error text/code (A1/A10)",
  ],
  [/zero byte|Value must be a string or buffer|at most 255/, "draft group text/NUL (A5/C19)"],
  [/Option value must be|must be an integer/, "option coercion/text (A6/C17)"],
  [/will not take effect/, "missing option warning (C8)"],
  [/[Pp]roxy|Back-end|Front-end/, "Proxy validation/lifecycle (A8/C15/C13)"],
  [/Observer|emitter mode/, "Observer text/delivery (A9/C12/C13/C16)"],
  [/Authentication failure|ZAP|ZMTP protocol error|handshake/, "handshake event errors (A15/C11)"],
  [
    /Expected \d+ argument|Options must be an object|Class constructor|Socket type must be|unknown socket type/,
    "constructor validation (A14/C22/C24)",
  ],
  [/Timeout of \d+ms exceeded/, "timeout (something never arrived or never settled)"],
  [
    /expected (true|false) to (equal|be) (true|false)|expected true to be false|expected false to be true/,
    "boolean state assertion (e.g. closed during bind, C14)",
  ],
  [/not extensible|instanceof/, "CJS draft duplication / sealing (C1)"],
];
function cause(title, msg) {
  for (const [re, label] of CAUSES) if (re.test(`${title} — ${msg}`)) return label;
  return "other";
}

const lines = [];
const all = [...new Set(impls.flatMap((i) => [...results[i].map.keys()]))].sort();
const sym = (r) =>
  r === undefined ? "·" : r.state === "pass" ? "✓" : r.state === "pending" ? "-" : "✗";
lines.push(`zeromq.js unit suite (${commit.slice(0, 12)}), ${impls.join(" vs ")}: per test`);
for (const k of all) lines.push(`${impls.map((i) => sym(results[i].map.get(k))).join(" ")}  ${k}`);

const summary = { commit, impls: {}, tests: {} };
for (const impl of impls)
  summary.impls[impl] = { ...results[impl].stats, seconds: results[impl].seconds };
for (const k of all) {
  summary.tests[k] = Object.fromEntries(impls.map((i) => [i, results[i].map.get(k) ?? null]));
}

if (results.zeromq && results.ours) {
  const base = all.filter((k) => results.zeromq.map.get(k)?.state === "pass");
  const ok = base.filter((k) => results.ours.map.get(k)?.state === "pass");
  const exportsTests = (k) => /should include functions and constructors/.test(k);
  const base2 = base.filter((k) => !exportsTests(k));
  const ok2 = ok.filter((k) => !exportsTests(k));
  const fails = base.filter((k) => results.ours.map.get(k)?.state !== "pass");
  const groups = new Map();
  for (const k of fails) {
    const r = results.ours.map.get(k);
    const c = r === undefined ? "not run (file failed to load?)" : cause(k, r.error ?? "");
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c).push(`${k}${r?.error ? `  — ${r.error.split("\n")[0].slice(0, 160)}` : ""}`);
  }
  lines.push("");
  lines.push(`our failures among tests that pass on zeromq.js, by cause (${fails.length}):`);
  for (const [c, ks] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${ks.length}  ${c}`);
    for (const k of ks) lines.push(`       ${k}`);
  }
  const reverse = all.filter(
    (k) => results.ours.map.get(k)?.state === "pass" && results.zeromq.map.get(k)?.state !== "pass",
  );
  if (reverse.length > 0) {
    lines.push("");
    lines.push(`pass on ours, not on zeromq.js (${reverse.length}):`);
    for (const k of reverse) lines.push(`       ${k}`);
  }
  const pct = (a, b) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)}%`);
  lines.push("");
  lines.push(
    `RESULT: @zmq/node passes ${ok.length} of the ${base.length} tests that pass on zeromq.js (${pct(ok.length, base.length)})`,
  );
  lines.push(
    `        without the two "exports" tests: ${ok2.length} / ${base2.length} (${pct(ok2.length, base2.length)})`,
  );
  summary.ratio = {
    passed: ok.length,
    of: base.length,
    passedWithoutExports: ok2.length,
    ofWithoutExports: base2.length,
  };
}
console.log(lines.join("\n"));
if (typeof jsonOut === "string") fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 2));
if (!keep) fs.rmSync(work, { recursive: true, force: true });
else console.error(`work directory kept: ${work}`);
