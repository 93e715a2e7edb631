/**
 * `run(argv)`: the whole command line as a function returning the exit code,
 * so it can be driven in-process as well as from the `zmq` binary.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Parsed, parseCommand } from "./command";
import { CliError, ExitCode } from "./errors";
import type { CliIO } from "./io";
import { Session } from "./session";
import { runVerb } from "./verbs";

declare const __ZMQ_CLI_VERSION__: string | undefined;
declare const __filename: string | undefined;

export interface RunOptions {
  /** Stop on SIGINT/SIGTERM (exit 130/143). Default true. */
  handleSignals?: boolean;
}

/**
 * The version of this package: read from its package.json (next to dist/ or
 * src/, so a build does not depend on the version it will be released as), or
 * what a bundler recorded as `__ZMQ_CLI_VERSION__`.
 */
export const cliVersion: string = readVersion();

function readVersion(): string {
  const recorded = typeof __ZMQ_CLI_VERSION__ === "string" ? __ZMQ_CLI_VERSION__ : undefined;
  try {
    // ESM has import.meta.url; the CommonJS build has __filename instead.
    const file =
      typeof __filename === "string"
        ? __filename
        : typeof import.meta.url === "string"
          ? fileURLToPath(import.meta.url)
          : undefined;
    if (file !== undefined) {
      const manifest = JSON.parse(readFileSync(join(dirname(file), "..", "package.json"), "utf8"));
      if (manifest.name === "@zmq/cli" && typeof manifest.version === "string") {
        return manifest.version;
      }
    }
  } catch {
    // Bundled elsewhere: fall back to what the bundler recorded.
  }
  return recorded ?? "unknown";
}

/** Runs `zmq` with `argv` (the arguments after the program name); resolves to the exit code. */
export async function run(
  argv: readonly string[],
  io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  options: RunOptions = {},
): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    return report(io, error);
  }
  if (parsed.kind === "help") {
    io.stdout.write(parsed.text);
    return ExitCode.Ok;
  }
  if (parsed.kind === "version") {
    io.stdout.write(`${cliVersion}\n`);
    return ExitCode.Ok;
  }

  const session = new Session(parsed.command, io);
  const signals: Array<[NodeJS.Signals, () => void]> = [];
  if (options.handleSignals !== false) {
    for (const [signal, code] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const) {
      const handler = () => session.stop(code);
      process.on(signal, handler);
      signals.push([signal, handler]);
    }
  }
  // A reader that went away (`zmq sub … | head -1`) ends the run quietly.
  const onOutputError = (error: Error & { code?: string }) => {
    if (error.code === "EPIPE") session.stop(ExitCode.Ok);
  };
  io.stdout.on("error", onOutputError);
  // Waiting on events alone holds no handle: keep the process up until the verb is done.
  const keepalive = setInterval(() => {}, 1 << 30);
  let code: number = ExitCode.Ok;
  try {
    await runVerb(session);
  } catch (error) {
    code = session.stoppedWith ?? report(io, error);
  } finally {
    clearInterval(keepalive);
    session.close();
    for (const [signal, handler] of signals) process.off(signal, handler);
    io.stdout.off("error", onOutputError);
    // Stop reading stdin (a verb may end before its input does).
    if (io.stdin !== process.stdin || process.stdin.readableFlowing !== null) io.stdin.destroy();
  }
  return session.stoppedWith ?? code;
}

function report(io: CliIO, error: unknown): number {
  if (error instanceof CliError) {
    const message = error.message.startsWith("zmq ") ? error.message : `zmq: ${error.message}`;
    io.stderr.write(`${message}\n`);
    return error.exitCode;
  }
  const e = error as { code?: string; message?: string };
  const message = (e?.message ?? String(error)).split("\n")[0];
  io.stderr.write(`zmq: ${e?.code ? `${e.code}: ` : ""}${message}\n`);
  return ExitCode.Failure;
}
