/**
 * A page bundled from @zmq/web, in Debian's Chromium driven by playwright-core,
 * exchanges REQ/REP, DEALER/ROUTER and SUB traffic (60 KB frames) with a pyzmq
 * (libzmq 4.3.4) server, a zeromq.js (libzmq 4.3.5) server and a @zmq/node
 * server over ws://, and with a @zmq/node server over wss:// (self-signed
 * certificate); 200 KB messages (which Chromium fragments) to @zmq/node. Without Chromium the tests are
 * skipped, except under CI=true, where that is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as zmq from "@zmq/node";
import { build } from "esbuild";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const PYTHON = "/usr/bin/python3";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SIZE = 60_000;

const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";
const havePyzmq =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;

const certificate = (kind: string) =>
  readFileSync(
    new URL(`../../../packages/transport-ws/test/fixtures/localhost.${kind}.pem`, import.meta.url),
    "utf8",
  );

interface Endpoints {
  rep: string;
  router: string;
  pub: string;
}

/** Serves index.html and the bundled page on 127.0.0.1. */
async function startPageServer(): Promise<{ server: Server; url: string }> {
  const bundle = await build({
    entryPoints: [new URL("../page/main.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["@zmq/source"],
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="/main.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === "/main.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** The zeromq.js v6 API, which @zmq/node and zeromq.js both have. */
type Zmq = typeof zmq;

/** A REP, ROUTER and PUB server as peer.py's, on @zmq/node or on zeromq.js (libzmq 4.3.5). */
class NodeServer {
  readonly sockets: zmq.Socket[] = [];
  readonly #zmq: Zmq;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(implementation: Zmq = zmq) {
    this.#zmq = implementation;
  }

  async start(scheme: "ws" | "wss"): Promise<Endpoints> {
    const make = async <S extends zmq.Socket>(socket: S): Promise<S> => {
      if (scheme === "wss") {
        socket.wssKeyPem = certificate("key");
        socket.wssCertPem = certificate("cert");
      }
      await socket.bind(`${scheme}://127.0.0.1:*/zmq`);
      this.sockets.push(socket);
      return socket;
    };
    const rep = await make(new this.#zmq.Reply());
    const router = await make(new this.#zmq.Router());
    const pub = await make(new this.#zmq.Publisher());
    void (async () => {
      for await (const frames of rep) await rep.send([...frames, "ok"]);
    })().catch(() => {});
    void (async () => {
      for await (const frames of router) await router.send([...frames, "ok"]);
    })().catch(() => {});
    let n = 0;
    let busy = false; // zeromq.js allows one send in progress at a time
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const i = n++;
      pub
        .send(["weather", `sunny-${i}`])
        .then(() => pub.send(["sports", `x-${i}`]))
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, 20);
    return { rep: rep.lastEndpoint!, router: router.lastEndpoint!, pub: pub.lastEndpoint! };
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const socket of this.sockets) socket.close();
  }
}

/** peer.py in a child process. */
async function startPyzmq(): Promise<{ child: ChildProcess; endpoints: Endpoints }> {
  const child = spawn(PYTHON, ["-u", new URL("./peer.py", import.meta.url).pathname], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`peer.py exited (${code})`)));
  });
  return { child, endpoints: JSON.parse(line) as Endpoints };
}

const suite = haveChromium ? describe : inCi ? describe : describe.skip;
if (!haveChromium)
  console.warn(`browser tests: ${CHROMIUM} is missing${inCi ? " (CI: failing)" : ", skipping"}`);

suite("@zmq/web in Chromium", () => {
  let page: Page;
  let context: BrowserContext;
  let pageServer: Server;
  let userDataDir: string;
  const nodeWs = new NodeServer();
  const nodeWss = new NodeServer();
  const zeromqJs = new NodeServer(createRequire(import.meta.url)("zeromq") as Zmq);
  let zeromqEndpoints: Endpoints;
  let py: { child: ChildProcess; endpoints: Endpoints } | undefined;
  let wsEndpoints: Endpoints;
  let wssEndpoints: Endpoints;

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing (CI=true: the browser tests must run)`);
    const served = await startPageServer();
    pageServer = served.server;
    wsEndpoints = await nodeWs.start("ws");
    wssEndpoints = await nodeWss.start("wss");
    zeromqEndpoints = await zeromqJs.start("ws");
    if (havePyzmq) py = await startPyzmq();
    userDataDir = mkdtempSync(join(tmpdir(), "zmq-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      ignoreHTTPSErrors: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => console.error("page error:", error));
    await page.goto(served.url);
    await page.waitForFunction(() => document.title === "ready", undefined, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    pageServer?.close();
    nodeWs.stop();
    nodeWss.stop();
    zeromqJs.stop();
    py?.child.stdin?.end();
    py?.child.kill();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  type Api = {
    reqRep(endpoint: string, rounds: number, size: number): Promise<string[]>;
    dealer(endpoint: string, count: number, size: number): Promise<string[]>;
    sub(endpoint: string, topic: string, count: number): Promise<string[]>;
  };
  const call = <K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<string[]> =>
    page.evaluate(
      ([n, a]) => {
        const api = (
          globalThis as unknown as {
            zmqTest: Record<string, (...x: unknown[]) => Promise<string[]>>;
          }
        ).zmqTest;
        return api[n as string]!(...(a as unknown[]));
      },
      [name, args] as const,
    );

  const expectedRounds = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${i} ${SIZE} ok`);

  const servers: [string, () => Endpoints | undefined][] = [
    ["@zmq/node over ws://", () => wsEndpoints],
    ["@zmq/node over wss://", () => wssEndpoints],
    ["pyzmq over ws://", () => py?.endpoints],
    ["zeromq.js over ws://", () => zeromqEndpoints],
  ];

  for (const [name, endpoints] of servers) {
    describe(name, () => {
      const target = () => {
        const found = endpoints();
        if (found === undefined) throw new Error("pyzmq (python3-zmq) is not installed");
        return found;
      };
      it("REQ → REP, 60 KB frames", async () => {
        expect(await call("reqRep", target().rep, 3, SIZE)).toEqual(expectedRounds("req", 3));
      });
      it("DEALER → ROUTER, 60 KB frames, replies routed back", async () => {
        expect(await call("dealer", target().router, 5, SIZE)).toEqual(expectedRounds("d", 5));
      });
      if (name.startsWith("@zmq/node")) {
        it("DEALER → ROUTER, 200 KB messages (Chromium fragments them; we reassemble)", async () => {
          expect(await call("dealer", target().router, 2, 200_000)).toEqual([
            "d-0 200000 ok",
            "d-1 200000 ok",
          ]);
        });
      }
      it("SUB ← PUB: only the subscribed topic", async () => {
        expect(await call("sub", target().pub, "weather", 5)).toEqual(
          Array(5).fill("weather sunny"),
        );
      });
    });
  }
});
