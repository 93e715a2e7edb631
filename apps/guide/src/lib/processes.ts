/**
 * Starting roles as separate processes: a demo's `main` runs each role (ours
 * in TypeScript, or a pyzmq counterpart) as its own child process, prefixes
 * its output with the role's name, and can wait for a line it prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The app's root directory (apps/guide). */
export const appDir = fileURLToPath(new URL("../..", import.meta.url));

/** Debian's Python, which has python3-zmq and python3-ipykernel (not a pyenv one on PATH). */
export const python = "/usr/bin/python3";

export interface RoleProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the role printed on stdout so far. */
  readonly output: () => string;
  /** Everything the role printed on stderr so far. */
  readonly errors: () => string;
  /** Resolves with the first stdout line matching `pattern` (already printed or to come). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (SIGTERM by default) if the process still runs. */
  stop(signal?: NodeJS.Signals): void;
}

export interface StartOptions {
  /** Echo the role's output to this process's stdout, each line prefixed with `[name]`. */
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Starts one of our TypeScript roles, `src/<file>`, as its own node process. */
export function startTs(
  name: string,
  file: string,
  args: string[],
  options: StartOptions = {},
): RoleProcess {
  const argv = ["--conditions=@zmq/source", "--import", "tsx", `src/${file}`, ...args];
  return start(name, process.execPath, argv, options);
}

/** Starts a pyzmq counterpart, `python/<file>`, with Debian's Python. */
export function startPython(
  name: string,
  file: string,
  args: string[],
  options: StartOptions = {},
): RoleProcess {
  return start(name, python, ["-u", `python/${file}`, ...args], options);
}

export function start(
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): RoleProcess {
  const child = spawn(command, args, {
    cwd: appDir,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  const lines = (prefix: string, write: (s: string) => void) => {
    let partial = "";
    return (chunk: Buffer) => {
      partial += chunk.toString("utf8");
      const complete = partial.split("\n");
      partial = complete.pop() ?? "";
      if (options.echo) for (const line of complete) write(`[${prefix}] ${line}\n`);
    };
  };
  const echoOut = lines(name, (s) => process.stdout.write(s));
  const echoErr = lines(name, (s) => process.stderr.write(s));
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    echoOut(chunk);
    for (const watcher of watchers) watcher();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
    echoErr(chunk);
  });
  const exited = once(child, "exit").then(([code, signal]) => {
    for (const watcher of watchers) watcher();
    return (code ?? signal) as number | string;
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const watcher of watchers) watcher();
  });
  return {
    name,
    child,
    output: () => out,
    errors: () => err,
    exited,
    stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitFor(pattern: RegExp, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(
            new Error(`${name}: no line matching ${pattern} in ${timeoutMs} ms\n${out}${err}`),
          );
        }, timeoutMs);
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            clearTimeout(timer);
            watchers.delete(check);
            resolve(match);
          } else if (ended) {
            clearTimeout(timer);
            watchers.delete(check);
            reject(new Error(`${name} exited before printing ${pattern}\n${out}${err}`));
          }
        };
        watchers.add(check);
        check();
      });
    },
  };
}

/**
 * Resolves once every role has exited with code 0; rejects as soon as one
 * fails (so a demo stops instead of waiting on a role that cannot finish).
 */
export function allSucceed(roles: RoleProcess[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = roles.length;
    if (left === 0) resolve();
    for (const role of roles) {
      void role.exited.then((code) => {
        if (code !== 0) reject(new Error(`${role.name} failed (exit ${code})`));
        else if (--left === 0) resolve();
      });
    }
  });
}
