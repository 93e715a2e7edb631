/**
 * Running the `zmq` binary and its libzmq peers (pyzmq, zeromq.js) as child
 * processes. The binary is src/bin.ts bundled with esbuild (workspace sources,
 * libsodium included) into a temporary file, so the tests need no build and
 * each start costs a fraction of what tsx would.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { run } from "../src/index";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const PACKAGE_DIR = join(HERE, "..");
export const SYSTEM_PYTHON = "/usr/bin/python3";
export const VERSION: string = JSON.parse(
  readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"),
).version;

let binary: string | undefined;
let scratch: string | undefined;

/** Bundles the CLI once; returns the path of the executable script. */
export async function buildCli(): Promise<string> {
  if (binary) return binary;
  scratch = mkdtempSync(join(tmpdir(), "zmq-cli-test-"));
  const outfile = join(scratch, "zmq.mjs");
  await build({
    entryPoints: [join(PACKAGE_DIR, "src", "bin.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@zmq/source"],
    outfile,
    // As tsup.config.ts does.
    define: { __ZMQ_CLI_VERSION__: JSON.stringify(VERSION) },
    // libsodium's CommonJS wrapper calls require().
    banner: {
      js: 'import { createRequire as __zmqRequire } from "node:module"; const require = __zmqRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  binary = outfile;
  return outfile;
}

export function removeBuild(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** Fails (never skips) when Debian's pyzmq is missing: interop with it is what CI proves. */
export function requirePyzmq(): void {
  try {
    execFileSync(SYSTEM_PYTHON, ["-c", "import zmq"], { stdio: "pipe" });
  } catch (error) {
    throw new Error(
      `${SYSTEM_PYTHON} -c "import zmq" failed (${String((error as Error).message).split("\n")[0]}); install python3-zmq`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its output collected, and ways to wait on it. */
export class Proc {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  readonly #name: string;
  #waiters: Array<() => void> = [];

  constructor(name: string, command: string, args: string[], input?: string | Buffer) {
    this.#name = name;
    this.child = spawn(command, args, { cwd: PACKAGE_DIR, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("latin1");
    this.child.stderr!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#wake();
    });
    this.child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#wake();
    });
    this.child.stdin!.on("error", () => {});
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.#wake();
        resolve({ code, signal });
      });
    });
    if (input !== undefined) this.child.stdin!.end(input);
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr), or fails after `ms`. */
  async waitFor(
    pattern: RegExp,
    stream: "stdout" | "stderr" = "stdout",
    ms = 20_000,
  ): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this[stream].match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${this.#name} exited before ${pattern} on ${stream}:\n${this.describe()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `${this.#name}: no ${pattern} on ${stream} after ${ms} ms:\n${this.describe()}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The stdout lines so far. */
  lines(): string[] {
    return this.stdout.split("\n").filter((line) => line.length > 0);
  }

  /** Waits for exit, failing after `ms`. */
  async done(ms = 20_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.#name} still running after ${ms} ms:\n${this.describe()}`)),
        ms,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  describe(): string {
    return `stdout: ${JSON.stringify(this.stdout.slice(-2000))}\nstderr: ${JSON.stringify(this.stderr.slice(-2000))}`;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

const running = new Set<Proc>();

/** Kills every process a test left running. */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const proc of left) {
    proc.child.stdin?.end();
    proc.kill("SIGKILL");
  }
  await Promise.all(left.map((proc) => proc.exited));
}

/** Starts `zmq ARGS` (stdin stays open unless `input` is given). */
export function zmq(args: string[], input?: string | Buffer): Proc {
  if (!binary) throw new Error("call buildCli() first");
  return new Proc(`zmq ${args.join(" ")}`, process.execPath, [binary, ...args], input);
}

/** Runs `zmq ARGS` to completion (stdin closed, or fed `input`). */
export async function zmqRun(args: string[], input: string | Buffer = "", ms = 20_000) {
  const proc = zmq(args, input);
  const { code } = await proc.done(ms);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** A pyzmq peer (test/peer.py ROLE ARGS). */
export function pyzmq(role: string, ...args: string[]): Proc {
  return new Proc(`pyzmq ${role}`, SYSTEM_PYTHON, ["-u", join(HERE, "peer.py"), role, ...args]);
}

/** A zeromq.js peer (test/zmqjs-peer.mjs ROLE ARGS). */
export function zmqjs(role: string, ...args: string[]): Proc {
  return new Proc(`zeromq.js ${role}`, process.execPath, [
    join(HERE, "zmqjs-peer.mjs"),
    role,
    ...args,
  ]);
}

/** The endpoint a peer printed on its first line. */
export async function endpointOf(peer: Proc): Promise<string> {
  return (await peer.waitFor(/^(tcp:\/\/\S+)\n/))[1]!;
}

/** The endpoint `zmq -v --bind tcp://…:*` resolved, from its `bind` event on stderr. */
export async function boundEndpoint(proc: Proc, label = ""): Promise<string> {
  return (await proc.waitFor(new RegExp(`zmq: ${label}bind (tcp://\\S+)`), "stderr"))[1]!;
}

/** JSON lines as arrays of frames. */
export function jsonLines(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as string[]);
}

/** Runs the command line in this process (no spawn), with in-memory stdin/stdout/stderr. */
export async function runHere(args: string[], input: string | Buffer = "") {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const stdin = Readable.from([Buffer.from(input)]);
  const code = await run(args, { stdin, stdout, stderr }, { handleSignals: false });
  return { code, stdout: out, stderr: err };
}
