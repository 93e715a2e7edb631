#!/usr/bin/env node
// The release, rehearsed without publishing and without touching this checkout:
//
//   1. `changeset status` (every changeset parses; the release plan)
//   2. a scratch copy of the repository (tracked and unignored files) in a temp directory,
//      installed from the lockfile
//   3. `changeset version` there
//   4. build (the repository's turbo build, copied in; or there, with --rebuild)
//   5. `pnpm pack` every public package; check each tarball's manifest
//   6. a fresh project outside the workspace installs the tarballs with npm
//   7. smoke tests there: a REQ/REP round trip over tcp (and a CURVE one) under Node ESM,
//      Node CJS, Bun, Deno (both from their npm packages) and an esbuild bundle run by Node;
//      the installed `zmq` binary (--version, keygen, rep/req round trip)
//
// Every step is timed. Any failure (including a runtime that cannot be installed or run) fails
// the whole run with exit 1; nothing is skipped. `--keep` leaves the temp directory for a look;
// `--rebuild` builds the versioned scratch copy itself instead of reusing the repository's build.
//
// Usage: node scripts/release-dry-run.mjs [--keep] [--rebuild]      (pnpm release:dry-run)
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const KEEP = process.argv.includes("--keep");
const REBUILD = process.argv.includes("--rebuild");
const BUN_VERSION = "1.4.4";
const DENO_VERSION = "2.9.6";
/** Per child process; generous, the machine may be shared. */
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;

const rootManifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const work = mkdtempSync(join(tmpdir(), "zmq-release-dry-run-"));
if (!relative(ROOT, work).startsWith(".."))
  throw new Error(`temp dir ${work} is inside the repository`);
const scratch = join(work, "repo");
const tarballs = join(work, "tarballs");
const consumer = join(work, "consumer");
const tools = join(work, "tools");

const timings = [];
const failures = [];

function log(message) {
  process.stdout.write(`[release-dry-run] ${message}\n`);
}

/** Runs a command; resolves with its output, rejects with a readable error on failure. */
function run(command, args, { cwd, env, timeout = CHILD_TIMEOUT_MS, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      stderr += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = (stderr || stdout).trim().split("\n").slice(-15).join("\n");
        reject(
          new Error(
            `${command} ${args.join(" ")} (in ${cwd ?? process.cwd()}) exited ${signal ?? code}${tail ? `:\n${tail}` : ""}`,
          ),
        );
      }
    });
  });
}

/** A timed step; a failure is recorded (and, unless `soft`, ends the run). */
async function step(name, body, { soft = false } = {}) {
  log(`── ${name}`);
  const started = performance.now();
  try {
    const result = await body();
    timings.push([name, performance.now() - started, "ok"]);
    return result;
  } catch (error) {
    timings.push([name, performance.now() - started, "FAILED"]);
    failures.push(`${name}: ${error.message}`);
    log(`FAILED: ${name}: ${error.message}`);
    if (!soft) finish();
    return undefined;
  }
}

function finish() {
  finished = true;
  const total = timings.reduce((sum, [, ms]) => sum + ms, 0);
  log("summary:");
  for (const [name, ms, status] of timings) {
    log(`  ${status.padEnd(6)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
  }
  log(`  total  ${(total / 1000).toFixed(1).padStart(6)} s`);
  if (KEEP) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  if (failures.length > 0) {
    log(`${failures.length} step(s) failed:`);
    for (const failure of failures) log(`  - ${failure.split("\n")[0]}`);
    process.exit(1);
  }
  log("release dry run passed");
  process.exit(0);
}

/** pnpm as the repository pins it (`packageManager`), or the one running this script. */
function pnpm() {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: read to reuse the running pnpm, not a turbo task input
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ["npx", ["-y", rootManifest.packageManager]];
}

async function runPnpm(args, options) {
  const [command, prefix] = pnpm();
  return run(command, [...prefix, ...args], options);
}

function gitStatus() {
  const result = spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git status failed: ${result.stderr}`);
  return result.stdout;
}

function publicPackages(repo) {
  return readdirSync(join(repo, "packages"))
    .map((dir) => join(repo, "packages", dir))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true);
}

// ---- the smoke test, written into the consumer project --------------------------------

const SMOKE_BODY = `
async function smoke(zmq, where) {
  const started = Date.now();
  const server = new zmq.Reply({ linger: 0 });
  await server.bind("tcp://127.0.0.1:*");
  const client = new zmq.Request({ linger: 0, receiveTimeout: 20000 });
  client.connect(server.lastEndpoint);
  await client.send("ping");
  const [request] = await server.receive();
  await server.send(request.toString() + " pong");
  const [reply] = await client.receive();
  if (reply.toString() !== "ping pong") throw new Error("REQ/REP: got " + reply);
  client.close();
  server.close();

  const keys = zmq.curveKeyPair();
  const secure = new zmq.Reply({ linger: 0, curveServer: true, curveSecretKey: keys.secretKey });
  await secure.bind("tcp://127.0.0.1:*");
  const own = zmq.curveKeyPair();
  const secureClient = new zmq.Request({
    linger: 0,
    receiveTimeout: 20000,
    curveServerKey: keys.publicKey,
    curvePublicKey: own.publicKey,
    curveSecretKey: own.secretKey,
  });
  secureClient.connect(secure.lastEndpoint);
  await secureClient.send("secret");
  const [hidden] = await secure.receive();
  await secure.send(hidden.toString() + " kept");
  const [answer] = await secureClient.receive();
  if (answer.toString() !== "secret kept") throw new Error("CURVE REQ/REP: got " + answer);
  secureClient.close();
  secure.close();
  console.log("smoke ok: " + where + ": REQ/REP and CURVE REQ/REP over tcp in " + (Date.now() - started) + " ms");
}
`;

const SMOKE_ESM = `import * as zmq from "@zmq/node";
${SMOKE_BODY}
await smoke(zmq, process.argv[2] ?? "esm");
`;

const SMOKE_CJS = `"use strict";
const zmq = require("@zmq/node");
${SMOKE_BODY}
smoke(zmq, "node cjs").catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/** The installed `zmq` binary: --version, keygen, and a rep/req round trip between two processes. */
async function cliSmoke(version) {
  const bin = join(consumer, "node_modules", ".bin", "zmq");
  const printed = (await run(bin, ["--version"], { cwd: consumer, quiet: true })).stdout.trim();
  if (printed !== version)
    throw new Error(`zmq --version printed "${printed}", expected ${version}`);
  const keys = (await run(bin, ["keygen"], { cwd: consumer, quiet: true })).stdout;
  if (!/^public-key \S{40}\nsecret-key \S{40}\n$/.test(keys))
    throw new Error(`zmq keygen printed ${JSON.stringify(keys)}`);
  const rep = spawn(bin, ["rep", "--bind", "tcp://127.0.0.1:*", "-v", "--count", "1"], {
    cwd: consumer,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const repClosed = new Promise((resolve) => rep.on("close", (code) => resolve(code)));
  try {
    let stderr = "";
    let stdout = "";
    rep.stdout.setEncoding("utf8").on("data", (c) => {
      stdout += c;
    });
    const endpoint = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`zmq rep never bound: ${stderr}`)), 60_000);
      rep.stderr.setEncoding("utf8").on("data", (chunk) => {
        stderr += chunk;
        const match = /zmq: bind (tcp:\/\/\S+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      repClosed.then(() => reject(new Error(`zmq rep exited early: ${stderr}`)));
    });
    const reply = await run(bin, ["req", "--connect", endpoint, "--timeout", "30000", "hello"], {
      cwd: consumer,
      quiet: true,
    });
    if (reply.stdout !== "hello\n")
      throw new Error(`zmq req printed ${JSON.stringify(reply.stdout)}`);
    const code = await repClosed;
    if (code !== 0 || stdout !== "hello\n")
      throw new Error(`zmq rep exited ${code}, printed ${JSON.stringify(stdout)}`);
    const cjs = await run(
      process.execPath,
      ["-e", 'process.stdout.write(require("@zmq/cli").cliVersion)'],
      {
        cwd: consumer,
        quiet: true,
      },
    );
    if (cjs.stdout !== version) throw new Error(`require("@zmq/cli").cliVersion is ${cjs.stdout}`);
    log(`smoke ok: zmq ${version}: --version, keygen, rep/req round trip; CJS entry`);
  } finally {
    rep.kill("SIGKILL");
  }
}

// ---- the steps -------------------------------------------------------------------------

let finished = false;
process.on("exit", (code) => {
  if (!finished)
    process.stderr.write(
      `[release-dry-run] ended before finishing (exit ${code}): a step never settled\n`,
    );
});

const statusBefore = gitStatus();
log(`repository ${ROOT}, scratch ${work}`);

await step("changeset status", () => {
  // Against the base branch, which also parses every changeset. A checkout without that branch
  // (detached) can only ask `--since HEAD`; `changeset version` below still parses them all.
  const base = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8")).baseBranch;
  const hasBase =
    spawnSync("git", ["rev-parse", "--verify", "--quiet", base], { cwd: ROOT }).status === 0;
  if (!hasBase)
    log(
      `no ${base} branch here: changeset status --since HEAD (changeset version parses every changeset)`,
    );
  return run(
    join(ROOT, "node_modules", ".bin", "changeset"),
    ["status", "--verbose", ...(hasBase ? [] : ["--since", "HEAD"])],
    { cwd: ROOT },
  );
});

await step("scratch copy + pnpm install (frozen lockfile)", async () => {
  const listed = spawnSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  let copied = 0;
  for (const file of listed.stdout.split("\0")) {
    if (file === "") continue;
    const from = join(ROOT, file);
    if (!existsSync(from) || statSync(from).isDirectory()) continue; // deleted, or a submodule
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(from, join(scratch, file));
    copied++;
  }
  log(`copied ${copied} files`);
  await runPnpm(["install", "--frozen-lockfile", "--prefer-offline", "--ignore-scripts"], {
    cwd: scratch,
    env: { CI: "true" },
  });
});

const versions = await step("changeset version (in the scratch copy)", async () => {
  await run(join(scratch, "node_modules", ".bin", "changeset"), ["version"], { cwd: scratch });
  const left = readdirSync(join(scratch, ".changeset")).filter(
    (f) => f.endsWith(".md") && f !== "README.md",
  );
  if (left.length > 0) throw new Error(`changesets left unconsumed: ${left.join(", ")}`);
  const out = new Map();
  for (const { dir, manifest } of publicPackages(scratch)) {
    const before = JSON.parse(
      readFileSync(join(ROOT, relative(scratch, dir), "package.json"), "utf8"),
    ).version;
    if (manifest.version === before) throw new Error(`${manifest.name} kept version ${before}`);
    const changelog = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
    if (!changelog.includes(`## ${manifest.version}`))
      throw new Error(`${manifest.name}: CHANGELOG.md has no ## ${manifest.version}`);
    out.set(manifest.name, manifest.version);
    log(`${manifest.name} ${before} -> ${manifest.version}`);
  }
  return out;
});

await step(
  REBUILD
    ? "build (in the scratch copy)"
    : "build (turbo, in the repository) + copy dist into the scratch copy",
  async () => {
    if (REBUILD) {
      await runPnpm(["run", "build"], { cwd: scratch, env: { TURBO_TELEMETRY_DISABLED: "1" } });
      return;
    }
    // The build outputs do not depend on the version (packages read theirs at run time), so the
    // repository's own build (a turbo cache hit right after `pnpm test`) is what the scratch copy
    // would build; `--rebuild` builds the scratch copy from scratch instead.
    await runPnpm(["run", "build"], { cwd: ROOT, env: { TURBO_TELEMETRY_DISABLED: "1" } });
    for (const { dir, manifest } of publicPackages(scratch)) {
      const built = join(ROOT, relative(scratch, dir), "dist");
      if (!existsSync(built)) throw new Error(`${manifest.name}: no dist after the build`);
      cpSync(built, join(dir, "dist"), { recursive: true });
    }
  },
);

const packed = await step("pnpm pack every public package", async () => {
  mkdirSync(tarballs, { recursive: true });
  const files = [];
  const packages = publicPackages(scratch);
  // One recursive pack (one pnpm start) for all of them.
  await runPnpm(
    [
      "-r",
      ...packages.flatMap(({ manifest }) => ["--filter", manifest.name]),
      "pack",
      "--pack-destination",
      tarballs,
    ],
    { cwd: scratch, quiet: true },
  );
  for (const { manifest } of packages) {
    const name = `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`;
    const tarball = join(tarballs, name);
    if (!existsSync(tarball))
      throw new Error(`${manifest.name}: no ${name} in ${readdirSync(tarballs).join(", ")}`);
    const listing = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }).stdout.split("\n");
    const packedManifest = JSON.parse(
      spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }).stdout,
    );
    if (packedManifest.version !== versions.get(manifest.name)) {
      throw new Error(`${manifest.name}: packed version ${packedManifest.version}`);
    }
    const deps = JSON.stringify(packedManifest.dependencies ?? {});
    if (deps.includes("workspace:"))
      throw new Error(`${manifest.name}: packed dependencies keep workspace: (${deps})`);
    for (const need of [
      "package/dist/index.js",
      "package/dist/index.cjs",
      "package/dist/index.d.ts",
      "package/dist/index.d.cts",
      "package/README.md",
    ]) {
      if (!listing.includes(need)) throw new Error(`${manifest.name}: tarball lacks ${need}`);
    }
    for (const bin of Object.values(packedManifest.bin ?? {})) {
      if (!listing.includes(join("package", bin)))
        throw new Error(`${manifest.name}: tarball lacks its bin ${bin}`);
    }
    log(
      `${name}: ${listing.filter(Boolean).length} files, ${(statSync(tarball).size / 1024).toFixed(0)} KiB`,
    );
    files.push(tarball);
  }
  return files;
});

await step("install the tarballs into a fresh project (npm)", async () => {
  mkdirSync(consumer, { recursive: true });
  writeFileSync(
    join(consumer, "package.json"),
    `${JSON.stringify({ name: "zmq-release-smoke", private: true, type: "module" }, null, 2)}\n`,
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...packed], {
    cwd: consumer,
  });
  writeFileSync(join(consumer, "smoke.mjs"), SMOKE_ESM);
  writeFileSync(join(consumer, "smoke.cjs"), SMOKE_CJS);
  // Nothing may resolve from the workspace: the consumer sees only what it installed.
  const linked = readdirSync(join(consumer, "node_modules", "@zmq"));
  log(`installed @zmq/${linked.join(", @zmq/")}`);
});

await step(
  "smoke: Node ESM",
  () => run(process.execPath, ["smoke.mjs", `node ${process.version} esm`], { cwd: consumer }),
  { soft: true },
);
await step("smoke: Node CJS", () => run(process.execPath, ["smoke.cjs"], { cwd: consumer }), {
  soft: true,
});
await step("smoke: zmq CLI", () => cliSmoke(versions.get("@zmq/cli")), { soft: true });

await step(
  "smoke: esbuild bundle (run by Node)",
  async () => {
    // esbuild as the repository has it (a dependency of tsup).
    const esbuild = createRequire(createRequire(join(ROOT, "package.json")).resolve("tsup"))(
      "esbuild",
    );
    const result = await esbuild.build({
      entryPoints: [join(consumer, "smoke.mjs")],
      absWorkingDir: consumer,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: join(consumer, "bundle", "smoke.bundle.mjs"),
      metafile: true,
      logLevel: "warning",
    });
    const inputs = Object.keys(result.metafile.inputs);
    if (!inputs.some((input) => input.includes("@zmq/node")))
      throw new Error("the bundle does not contain @zmq/node");
    // Run it where no node_modules can be found: everything must be inside the bundle.
    const alone = join(work, "bundle-alone");
    mkdirSync(alone, { recursive: true });
    cpSync(join(consumer, "bundle", "smoke.bundle.mjs"), join(alone, "smoke.bundle.mjs"));
    log(
      `bundle: ${inputs.length} inputs, ${(statSync(join(alone, "smoke.bundle.mjs")).size / 1024).toFixed(0)} KiB`,
    );
    await run(process.execPath, ["smoke.bundle.mjs", "esbuild bundle (node)"], { cwd: alone });
  },
  { soft: true },
);

const runtimes = await step(
  `install bun@${BUN_VERSION} and deno@${DENO_VERSION} from npm`,
  async () => {
    mkdirSync(tools, { recursive: true });
    writeFileSync(
      join(tools, "package.json"),
      '{ "name": "zmq-release-tools", "private": true }\n',
    );
    await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `bun@${BUN_VERSION}`,
        `deno@${DENO_VERSION}`,
      ],
      { cwd: tools },
    );
    const bin = (name) => join(tools, "node_modules", ".bin", name);
    for (const name of ["bun", "deno"]) {
      if (!existsSync(bin(name)))
        throw new Error(`the ${name} npm package installed no ${name} binary`);
      const version = await run(bin(name), ["--version"], { cwd: tools, quiet: true });
      log(`${name} --version: ${version.stdout.trim().split("\n")[0]}`);
    }
    return { bun: bin("bun"), deno: bin("deno") };
  },
  { soft: true },
);

if (runtimes) {
  await step(
    "smoke: Bun",
    () => run(runtimes.bun, ["smoke.mjs", `bun ${BUN_VERSION}`], { cwd: consumer }),
    { soft: true },
  );
  await step(
    "smoke: Deno",
    () =>
      run(
        runtimes.deno,
        ["run", "--allow-all", "--node-modules-dir=manual", "smoke.mjs", `deno ${DENO_VERSION}`],
        {
          cwd: consumer,
          env: { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(work, "deno-dir") },
        },
      ),
    { soft: true },
  );
} else {
  failures.push(
    "Bun and Deno smoke tests could not run: their npm packages did not install (see above)",
  );
}

await step("the repository is untouched", async () => {
  const after = gitStatus();
  if (after !== statusBefore)
    throw new Error(`git status changed:\nbefore:\n${statusBefore}\nafter:\n${after}`);
});

finish();
