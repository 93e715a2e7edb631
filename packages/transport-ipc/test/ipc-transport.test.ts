import { spawn } from "node:child_process";
import { existsSync, lstatSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expectTransportError, ResourceTracker, StreamRecorder } from "@zmq/compliance";
import type { Listener, StreamConnection } from "@zmq/transport";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IPC_PATH_MAX, ipc, parseIpcAddress } from "../src/index";

const track = new ResourceTracker();
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zmq-ipc-"));
});
afterEach(() => track.closeAll());
afterAll(() => rm(dir, { recursive: true, force: true }));

async function bind(endpoint: string, options = {}): Promise<Listener> {
  return track.listener(await ipc.bind(endpoint, options));
}

function nextConnection(listener: Listener): Promise<StreamConnection> {
  return new Promise((resolve) =>
    listener.onConnection((c) => {
      if (c.kind === "stream") resolve(track.connection(c));
    }),
  );
}

async function roundtrip(endpoint: string, listener: Listener): Promise<StreamConnection> {
  const accepted = nextConnection(listener);
  const client = track.connection(await ipc.connect(endpoint));
  const server = await accepted;
  const atServer = new StreamRecorder();
  server.setHandler(atServer);
  client.setHandler(new StreamRecorder());
  client.write([new Uint8Array([1, 2, 3])]);
  await atServer.untilBytes(3);
  return server;
}

/** Leaves a socket file behind: a child process binds it and is killed with SIGKILL. */
function leaveStaleSocket(path: string): Promise<void> {
  const code = `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => resolve());
  });
}

describe("parseIpcAddress", () => {
  it("parses paths, abstract names and the wildcard", () => {
    expect(parseIpcAddress("/tmp/feed", "e", "bind")).toEqual({
      wildcard: false,
      path: "/tmp/feed",
      display: "/tmp/feed",
    });
    expect(parseIpcAddress("*", "e", "bind").wildcard).toBe(true);
    expect(parseIpcAddress("relative.sock", "e", "connect").path).toBe("relative.sock");
    if (process.platform === "linux") {
      expect(parseIpcAddress("@name", "e", "bind")).toEqual({
        wildcard: false,
        path: "\0name",
        display: "@name",
      });
    }
  });

  it("knows the OS path limit", () => {
    expect(IPC_PATH_MAX).toBe(process.platform === "linux" ? 107 : 103);
    expect(() => parseIpcAddress("/".repeat(IPC_PATH_MAX), "e", "bind")).not.toThrow();
  });

  it("rejects the wildcard on connect, NUL bytes and an empty abstract name", () => {
    expect(() => parseIpcAddress("*", "ipc://*", "connect")).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    expect(() => parseIpcAddress("/a\0b", "e", "bind")).toThrow(
      expect.objectContaining({ code: "EINVAL" }),
    );
    if (process.platform === "linux") {
      expect(() => parseIpcAddress("@", "e", "bind")).toThrow(
        expect.objectContaining({ code: "EINVAL" }),
      );
    }
  });
});

describe("ipc bind", () => {
  it("ipc://* binds a fresh path under a new temporary directory, reports it, and removes both on close", async () => {
    const listener = await bind("ipc://*", { tmpdir: dir });
    expect(listener.endpoint).toMatch(/^ipc:\/\/\/.+\/socket$/);
    const path = listener.endpoint.slice("ipc://".length);
    expect(path.startsWith(dir)).toBe(true);
    expect(lstatSync(path).isSocket()).toBe(true);
    const other = await bind("ipc://*", { tmpdir: dir });
    expect(other.endpoint).not.toBe(listener.endpoint);
    await roundtrip(listener.endpoint, listener);
    await listener.close();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it("removes the socket file on close", async () => {
    const path = join(dir, "close.sock");
    const listener = await bind(`ipc://${path}`);
    expect(listener.endpoint).toBe(`ipc://${path}`);
    expect(lstatSync(path).isSocket()).toBe(true);
    await listener.close();
    expect(existsSync(path)).toBe(false);
  });

  it("replaces a stale socket file left by a dead process", async () => {
    const path = join(dir, "stale.sock");
    await leaveStaleSocket(path);
    expect(lstatSync(path).isSocket()).toBe(true);
    // Nobody listens behind the stale file.
    await expectTransportError(ipc.connect(`ipc://${path}`), ["ECONNREFUSED"], `ipc://${path}`);
    const listener = await bind(`ipc://${path}`);
    await roundtrip(listener.endpoint, listener);
  });

  it("a later bind to the same path takes it over (as libzmq)", async () => {
    const path = join(dir, "takeover.sock");
    const first = await bind(`ipc://${path}`);
    const firstSeen: StreamConnection[] = [];
    first.onConnection((c) => {
      if (c.kind === "stream") firstSeen.push(track.connection(c));
    });
    const second = await bind(`ipc://${path}`);
    const server = await roundtrip(`ipc://${path}`, second);
    expect(server.localEndpoint).toBe(`ipc://${path}`);
    expect(firstSeen).toHaveLength(0);
  });

  it("leaves a path that is not a socket alone (EADDRINUSE)", async () => {
    const path = join(dir, "regular-file");
    writeFileSync(path, "keep me");
    await expectTransportError(bind(`ipc://${path}`), ["EADDRINUSE"], `ipc://${path}`);
    expect(lstatSync(path).isFile()).toBe(true);
  });

  it(`rejects a path over ${IPC_PATH_MAX} bytes with ENAMETOOLONG naming the limit; accepts exactly ${IPC_PATH_MAX}`, async () => {
    const prefix = `${dir}/`;
    const longest = prefix + "p".repeat(IPC_PATH_MAX - prefix.length);
    expect(Buffer.byteLength(longest)).toBe(IPC_PATH_MAX);
    const tooLong = `${longest}q`;
    const error = await expectTransportError(
      bind(`ipc://${tooLong}`),
      ["ENAMETOOLONG"],
      `ipc://${tooLong}`,
    );
    expect(error.message).toContain(String(IPC_PATH_MAX));
    await expectTransportError(ipc.connect(`ipc://${tooLong}`), ["ENAMETOOLONG"]);
    const listener = await bind(`ipc://${longest}`);
    await roundtrip(listener.endpoint, listener);
  });

  it("reports a missing directory as ENOENT", async () => {
    await expectTransportError(bind(`ipc://${dir}/no/such/dir.sock`), ["ENOENT"]);
  });

  it("reports the path as the peer address", async () => {
    const path = join(dir, "peer.sock");
    const listener = await bind(`ipc://${path}`);
    const server = await roundtrip(listener.endpoint, listener);
    expect(server.remoteAddress).toBe(path);
    expect(server.remoteEndpoint).toBe(`ipc://${path}`);
  });
});

describe.skipIf(process.platform !== "linux")("ipc abstract namespace (Linux)", () => {
  it("binds ipc://@name without touching the file system", async () => {
    const name = `zmq-test-${process.pid}-${Date.now()}`;
    const before = await readdir(process.cwd());
    const listener = await bind(`ipc://@${name}`);
    expect(listener.endpoint).toBe(`ipc://@${name}`);
    expect(await readdir(process.cwd())).toEqual(before);
    const server = await roundtrip(`ipc://@${name}`, listener);
    expect(server.remoteAddress).toBe(`@${name}`);
    // Abstract names are not files: a second bind is EADDRINUSE, and close frees the name.
    await expectTransportError(bind(`ipc://@${name}`), ["EADDRINUSE"]);
    await listener.close();
    await expectTransportError(ipc.connect(`ipc://@${name}`), ["ECONNREFUSED"]);
    await bind(`ipc://@${name}`);
  });
});

describe("ipc connect", () => {
  it("reports a missing path as ENOENT", async () => {
    await expectTransportError(
      ipc.connect(`ipc://${dir}/missing.sock`),
      ["ENOENT"],
      `ipc://${dir}/missing.sock`,
    );
  });
});
