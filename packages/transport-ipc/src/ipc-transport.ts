import { existsSync, lstatSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import type { Socket } from "node:net";
import { dirname, join } from "node:path";
import {
  type BindOptions,
  type ConnectOptions,
  type Listener,
  parseEndpointFor,
  type StreamConnection,
  type Transport,
  TransportError,
  throwIfAborted,
  toTransportError,
} from "@zmq/transport";
import {
  adoptAccepted,
  awaitNetConnect,
  DIRECT_READS_SUPPORTED,
  DirectReads,
  lazyBuiltin,
  NetListener,
  NetStreamConnection,
  nodeNet,
  WRITE_HIGH_WATER_MARK,
} from "@zmq/transport/node";
import { type IpcAddress, parseIpcAddress } from "./ipc-address";

const fsp = lazyBuiltin<typeof import("node:fs/promises")>("node:fs/promises");
const os = lazyBuiltin<typeof import("node:os")>("node:os");

/** Options for `IpcTransport.bind`. */
export interface IpcBindOptions extends BindOptions {
  /** Listen backlog (`ZMQ_BACKLOG`). Default 100, as libzmq. A full backlog makes connects fail with EAGAIN. */
  backlog?: number;
  /** Where `ipc://*` creates its temporary directory. Default `os.tmpdir()`. */
  tmpdir?: string;
}

/** Options for `IpcTransport.connect`. */
export interface IpcConnectOptions extends ConnectOptions {}

function parse(endpoint: string, mode: "bind" | "connect"): IpcAddress {
  const { address } = parseEndpointFor("ipc", endpoint);
  if (process.platform === "win32") {
    // Node's "ipc" on Windows is named pipes, which libzmq peers cannot reach.
    throw new TransportError(
      "EPROTONOSUPPORT",
      "ipc (Unix domain sockets) is not available on Windows",
      endpoint,
    );
  }
  return parseIpcAddress(address, endpoint, mode);
}

async function exists(path: string): Promise<boolean> {
  return fsp()
    .access(path)
    .then(
      () => true,
      () => false,
    );
}

/** The inode of a socket file, or undefined when there is none. */
async function socketInode(path: string): Promise<bigint | undefined> {
  try {
    const stats = await fsp().lstat(path, { bigint: true });
    return stats.isSocket() ? stats.ino : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a socket file left at `path` (by a dead process, or a live one: a
 * later bind takes the path over, as in libzmq). Anything that is not a socket
 * is left alone and reported as EADDRINUSE.
 */
async function clearPath(path: string, endpoint: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof import("node:fs/promises").lstat>>;
  try {
    stats = await fsp().lstat(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw toTransportError(error, endpoint);
  }
  if (!stats.isSocket()) {
    throw new TransportError("EADDRINUSE", `${path} exists and is not a socket`, endpoint);
  }
  try {
    await fsp().unlink(path);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw toTransportError(error, endpoint);
  }
}

/** `clearPath`, with synchronous calls (bindSync). */
function clearPathSync(path: string, endpoint: string): void {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw toTransportError(error, endpoint);
  }
  if (!stats?.isSocket()) {
    throw new TransportError("EADDRINUSE", `${path} exists and is not a socket`, endpoint);
  }
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw toTransportError(error, endpoint);
  }
}

function socketInodeSync(path: string): bigint | undefined {
  try {
    const stats = lstatSync(path, { bigint: true });
    return stats.isSocket() ? stats.ino : undefined;
  } catch {
    return undefined;
  }
}

/** Accepted sockets move to one that reads through `onread` where possible. */
function wrapAs(endpoint: string, display: string): (socket: Socket) => NetStreamConnection {
  return (socket) => {
    const reads = new DirectReads();
    const adopted = adoptAccepted(socket, reads, { writableHighWaterMark: WRITE_HIGH_WATER_MARK });
    return adopted === undefined
      ? new NetStreamConnection(socket, endpoint, endpoint, display)
      : new NetStreamConnection(adopted, endpoint, endpoint, display, reads);
  };
}

/**
 * The ipc transport: real Unix domain sockets, so libzmq programs on the same
 * host can connect. `ipc:///path`, `ipc://@name` (Linux abstract namespace),
 * `ipc://*` (a fresh path under a temporary directory, reported and removed
 * on close). Produces byte streams.
 */
export class IpcTransport
  implements Transport<StreamConnection, IpcBindOptions, IpcConnectOptions>
{
  readonly scheme = "ipc";
  readonly kind = "stream" as const;

  checkEndpoint(endpoint: string, role: "bind" | "connect"): void {
    parse(endpoint, role);
  }

  async bind(endpoint: string, options: IpcBindOptions = {}): Promise<Listener<StreamConnection>> {
    const parsed = parse(endpoint, "bind");
    const { signal } = options;
    throwIfAborted(signal, endpoint);
    let path = parsed.path;
    let display = parsed.display;
    let tempDir: string | undefined;
    if (parsed.wildcard) {
      tempDir = await fsp().mkdtemp(join(options.tmpdir ?? os().tmpdir(), "tmp"));
      path = join(tempDir, "socket");
      display = path;
    }
    const abstract = path.startsWith("\0");
    const resolved = `ipc://${display}`;
    try {
      if (!abstract) await clearPath(path, endpoint);
      const server = nodeNet().createServer({
        allowHalfOpen: true,
        highWaterMark: WRITE_HIGH_WATER_MARK,
      });
      let inode: bigint | undefined;
      const listener = await NetListener.listen(server, {
        listen: { path, backlog: options.backlog ?? 100 },
        address: endpoint,
        ref: options.ref,
        signal,
        wrap: wrapAs(resolved, display),
        resolveEndpoint: () => resolved,
        cleanup: async () => {
          if (tempDir !== undefined) {
            await fsp().rm(tempDir, { recursive: true, force: true });
          } else if (!abstract && inode !== undefined && (await socketInode(path)) === inode) {
            // Still our file (not taken over by a later bind): remove it.
            await fsp()
              .unlink(path)
              .catch(() => {});
          }
        },
      });
      if (!abstract) inode = await socketInode(path);
      return listener;
    } catch (error) {
      if (tempDir !== undefined) await fsp().rm(tempDir, { recursive: true, force: true });
      const mapped = toTransportError(error, endpoint);
      // libuv reports a missing directory as EACCES; libzmq (and the OS) say ENOENT.
      if (mapped.code === "EACCES" && !abstract && !(await exists(dirname(path)))) {
        throw new TransportError("ENOENT", `no such directory: ${dirname(path)}`, endpoint, {
          cause: error,
        });
      }
      throw mapped;
    }
  }

  /**
   * Binds before returning (zeromq.js's `bindSync`): the same steps as `bind`
   * (temporary directory for `ipc://*`, a stale socket file taken over), done
   * with synchronous calls. Throws what `bind` rejects with.
   */
  bindSync(endpoint: string, options: IpcBindOptions = {}): Listener<StreamConnection> {
    const parsed = parse(endpoint, "bind");
    throwIfAborted(options.signal, endpoint);
    let path = parsed.path;
    let display = parsed.display;
    let tempDir: string | undefined;
    if (parsed.wildcard) {
      tempDir = mkdtempSync(join(options.tmpdir ?? os().tmpdir(), "tmp"));
      path = join(tempDir, "socket");
      display = path;
    }
    const abstract = path.startsWith("\0");
    const resolved = `ipc://${display}`;
    try {
      if (!abstract) clearPathSync(path, endpoint);
      const server = nodeNet().createServer({
        allowHalfOpen: true,
        highWaterMark: WRITE_HIGH_WATER_MARK,
      });
      let inode: bigint | undefined;
      const listener = NetListener.listenSync(server, {
        listen: { path, backlog: options.backlog ?? 100 },
        address: endpoint,
        ref: options.ref,
        wrap: wrapAs(resolved, display),
        resolveEndpoint: () => resolved,
        cleanup: async () => {
          if (tempDir !== undefined) {
            await fsp().rm(tempDir, { recursive: true, force: true });
          } else if (!abstract && inode !== undefined && (await socketInode(path)) === inode) {
            await fsp()
              .unlink(path)
              .catch(() => {});
          }
        },
      });
      if (!abstract) inode = socketInodeSync(path);
      return listener;
    } catch (error) {
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      const mapped = toTransportError(error, endpoint);
      if (mapped.code === "EACCES" && !abstract && !existsSync(dirname(path))) {
        throw new TransportError("ENOENT", `no such directory: ${dirname(path)}`, endpoint, {
          cause: error,
        });
      }
      throw mapped;
    }
  }

  async connect(endpoint: string, options: IpcConnectOptions = {}): Promise<StreamConnection> {
    const parsed = parse(endpoint, "connect");
    const { signal } = options;
    throwIfAborted(signal, endpoint);
    const resolved = `ipc://${parsed.display}`;
    const reads = DIRECT_READS_SUPPORTED ? new DirectReads() : undefined;
    const socket = nodeNet().connect({
      ...(reads !== undefined && { onread: reads.onread }),
      path: parsed.path,
      allowHalfOpen: true,
      // Supported by net.Socket (a Duplex option), missing from the connect typings.
      ...({ writableHighWaterMark: WRITE_HIGH_WATER_MARK } as object),
    });
    return awaitNetConnect(
      socket,
      endpoint,
      options,
      (connected) => new NetStreamConnection(connected, resolved, resolved, parsed.display, reads),
    );
  }
}

/** A shared `IpcTransport` (it holds no state). */
export const ipc: IpcTransport = new IpcTransport();
