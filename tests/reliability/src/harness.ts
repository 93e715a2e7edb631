/**
 * The test side of the scenarios: child processes running one role each (see
 * `child.ts`), their reports as an awaitable queue, sizes for CI and for
 * `pnpm soak`, and the report that puts both implementations' figures side by side.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export type ImplName = "ours" | "zeromq";
export const IMPLS: readonly ImplName[] = ["ours", "zeromq"];

/** `SOAK=1` (`pnpm soak`): full size; otherwise the CI size. */
export const SOAK = process.env.SOAK === "1";
export const size = <T>(ci: T, soak: T): T => (SOAK ? soak : ci);

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const REPORT = fileURLToPath(new URL("../report.md", import.meta.url));
const PACKAGES = fileURLToPath(new URL("../../../packages", import.meta.url));
/** Runs TypeScript sources of the workspace packages. */
export const SOURCE_ARGV = ["--conditions=@zmq/source", "--import", "tsx"];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * True when @zmq/node's and its workspace dependencies' dist/ are newer than their
 * src/ (after `pnpm build`): a child can then run as plain JavaScript, without a
 * TypeScript loader's memory.
 */
export function builtPackagesFresh(): boolean {
  const seen = new Set<string>();
  const pending = ["node"];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = join(PACKAGES, name, "package.json");
    if (!existsSync(manifest)) return false;
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(dependencies)) {
      if (dep.startsWith("@zmq/")) pending.push(dep.slice(5));
    }
  }
  for (const name of seen) {
    const src = join(PACKAGES, name, "src");
    const dist = join(PACKAGES, name, "dist");
    if (!existsSync(src)) continue;
    if (!existsSync(dist) || newestMtime(dist) < newestMtime(src)) return false;
  }
  return true;
}

/** Whether the children run on the built packages (see `childScript`). */
export const BUILT = builtPackagesFresh();

let compiled: string | undefined;

/**
 * How a child runs. On fresh builds: `child.ts` transpiled once to plain
 * JavaScript (under this package's node_modules/.cache, so that its imports
 * resolve here) and run by bare Node on the built packages; a TypeScript loader
 * costs seconds of start-up per child and tens of MB of RSS. Otherwise from
 * source, under tsx.
 */
function childScript(): { path: string; execArgv: string[] } {
  if (!BUILT) return { path: CHILD, execArgv: [...SOURCE_ARGV, "--expose-gc"] };
  if (compiled === undefined) {
    const dir = join(PACKAGE_DIR, "node_modules", ".cache", "reliability");
    mkdirSync(dir, { recursive: true });
    const out = ts.transpileModule(readFileSync(CHILD, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    compiled = join(dir, "child.mjs");
    writeFileSync(compiled, out.outputText);
  }
  return { path: compiled, execArgv: ["--expose-gc"] };
}

export type Report = { type: string; [key: string]: unknown };

export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #reports: Report[] = [];
  readonly #waiters: {
    type: string;
    where: (r: Report) => boolean;
    resolve: (r: Report) => void;
    reject: (e: Error) => void;
  }[] = [];
  #exit: Error | undefined;
  /** Every report of a type, as it arrives (for streams such as "seqs"). */
  onReport: ((report: Report) => void) | undefined;

  constructor(
    readonly role: string,
    readonly impl: ImplName,
    params: Record<string, unknown>,
    script?: { path: string; execArgv: string[] },
  ) {
    const run = script ?? childScript();
    this.process = fork(
      run.path,
      script ? [impl, JSON.stringify(params)] : [role, impl, JSON.stringify(params)],
      {
        cwd: PACKAGE_DIR,
        execArgv: run.execArgv,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    );
    this.process.on("message", (report: Report) => {
      this.onReport?.(report);
      const index = this.#waiters.findIndex((w) => w.type === report.type && w.where(report));
      if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve(report);
      else this.#reports.push(report);
    });
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => {
        this.#exit = new Error(`${role} (${impl}) exited: code ${code}, signal ${signal}`);
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#exit);
        resolve({ code, signal });
      });
    });
  }

  /**
   * The next report of `type` that satisfies `where` (queued ones first; others
   * stay queued); rejects after `timeoutMs` or when the child exits.
   */
  next(
    type: string,
    timeoutMs = 30_000,
    where: (r: Report) => boolean = () => true,
  ): Promise<Report> {
    const index = this.#reports.findIndex((r) => r.type === type && where(r));
    if (index >= 0) return Promise.resolve(this.#reports.splice(index, 1)[0]!);
    if (this.#exit) return Promise.reject(this.#exit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(new Error(`${this.role} (${this.impl}): no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        type,
        where,
        resolve: (r: Report) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Drops queued reports of `type`. */
  discard(type: string): void {
    for (let i = this.#reports.length - 1; i >= 0; i--) {
      if (this.#reports[i]!.type === type) this.#reports.splice(i, 1);
    }
  }

  send(type: string, extra: Record<string, unknown> = {}): void {
    if (this.process.connected) this.process.send({ type, ...extra });
  }

  signal(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill(signal);
    }
  }

  /** SIGKILL (after SIGCONT, in case it is stopped) and wait for the exit. */
  async kill(): Promise<void> {
    this.signal("SIGCONT");
    this.signal("SIGKILL");
    await this.exited;
  }
}

/** Children started by a test, killed in `afterEach`. */
export class Children {
  readonly #all: Child[] = [];

  start(
    role: string,
    impl: ImplName,
    params: Record<string, unknown> = {},
    script?: { path: string; execArgv: string[] },
  ): Child {
    const child = new Child(role, impl, params, script);
    this.#all.push(child);
    return child;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.#all.splice(0).map((c) => c.kill()));
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/**
 * Records one scenario's figures for both implementations: printed to the test
 * output always, and written into `report.md` under `pnpm soak`.
 */
export function record(
  scenario: string,
  columns: string[],
  rows: Record<ImplName, unknown[]>,
  /** Rows of reference figures (a bare-Node loop, say), under the implementations'. */
  extra: Record<string, unknown[]> = {},
) {
  const lines = [
    `### ${scenario} (${SOAK ? "full size" : "CI size"})`,
    "",
    `| impl | ${columns.join(" | ")} |`,
    `| --- | ${columns.map(() => "---").join(" | ")} |`,
    ...IMPLS.filter((impl) => rows[impl] !== undefined).map(
      (impl) => `| ${impl === "ours" ? "@zmq/node" : "zeromq.js"} | ${rows[impl].join(" | ")} |`,
    ),
    ...Object.entries(extra).map(([name, row]) => `| ${name} | ${row.join(" | ")} |`),
  ];
  const section = lines.join("\n");
  console.log(`\n${section}\n`);
  if (!SOAK) return;
  const begin = `<!-- ${scenario} -->`;
  const end = `<!-- /${scenario} -->`;
  let text = existsSync(REPORT) ? readFileSync(REPORT, "utf8") : "";
  const block = `${begin}\n${section}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(REPORT, text.trimStart());
}
