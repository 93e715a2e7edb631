/**
 * Synchronous connects for process end (`ExitIo.open` of `flushForExit`): after
 * `process.exit()` no event loop runs, but a connect issued now still completes
 * in the kernel, and its descriptor can be written and read with `fs.writeSync`
 * and `fs.readSync` (non-blocking: EAGAIN while the connect or the peer is not
 * there yet). tcp to a numeric address opens a bare TCP handle
 * (`connectTcpForExit`), as does ws (the ZWS engine does the upgrade); ipc a
 * `net.Socket`, whose Unix-socket connect Node issues at once. Other schemes and
 * addresses (wss, host names, `src;dst`) have no synchronous way here: undefined.
 */
import { readSync, writeSync } from "node:fs";
import type { ExitConnection } from "@zmq/socket";
import type { StreamHandler } from "@zmq/transport";
import { connectTcpForExit, nodeNet } from "@zmq/transport/node";
import { hostHeader, parseWsAddress, type WsConnectionInfo } from "@zmq/transport-ws";

/** Bytes read per readSync call. */
const READ_SIZE = 64 * 1024;

/** A descriptor being connected or connected, with synchronous reads and writes. */
class ExitFdConnection implements ExitConnection {
  readonly kind = "stream" as const;
  readonly localEndpoint = "";
  readonly remoteEndpoint: string;
  readonly remoteAddress: string;
  readonly #fd: number;
  readonly #close: () => void;
  #out: Uint8Array[] = [];
  #failed = false;
  #closed = false;

  constructor(fd: number, close: () => void, remoteEndpoint: string, remoteAddress: string) {
    this.#fd = fd;
    this.#close = close;
    this.remoteEndpoint = remoteEndpoint;
    this.remoteAddress = remoteAddress;
  }

  get failed(): boolean {
    return this.#failed;
  }

  setHandler(_handler: StreamHandler): void {}

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#failed || this.#closed) return false;
    this.#queue(chunks);
    this.#flush();
    return true;
  }

  writeSync(chunks: readonly Uint8Array[], wait: () => boolean): boolean {
    if (this.#failed || this.#closed) return false;
    this.#queue(chunks);
    for (;;) {
      if (this.#flush()) return true;
      if (this.#failed || !wait()) return false;
    }
  }

  readSync(): Uint8Array | null | undefined {
    if (this.#failed || this.#closed) return null;
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let n: number;
    try {
      n = readSync(this.#fd, buffer, 0, READ_SIZE, null);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // EAGAIN: nothing yet; ENOTCONN: a tcp connect still in progress.
      if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "ENOTCONN") return undefined;
      this.#failed = true;
      return null;
    }
    if (n === 0) {
      this.#failed = true;
      return null;
    }
    return buffer.subarray(0, n);
  }

  pause(): void {}
  resume(): void {}
  /** Half-close: nothing to do here, the descriptor is closed once written. */
  end(): void {}

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#failed && this.#out.length === 0) discardInput(this.#fd);
    try {
      this.#close();
    } catch {}
  }

  #queue(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) if (chunk.length > 0) this.#out.push(chunk);
  }

  /** Writes what the OS takes now; true once nothing is left. */
  #flush(): boolean {
    const out = this.#out;
    if (out.length > 1) out.splice(0, out.length, Buffer.concat(out));
    while (out.length > 0) {
      const chunk = out[0]!;
      let written: number;
      try {
        written = writeSync(this.#fd, chunk, 0, chunk.length);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // EAGAIN: the OS buffer is full or the tcp connect is still in progress.
        if (code !== "EAGAIN" && code !== "EWOULDBLOCK") this.#failed = true;
        return false;
      }
      if (written >= chunk.length) out.shift();
      else out[0] = chunk.subarray(written);
    }
    return true;
  }
}

/**
 * Reads and drops unread input before the close: Linux answers a close() with
 * unread input by a reset, which throws away output the kernel still holds.
 */
function discardInput(fd: number): void {
  const scratch = Buffer.allocUnsafe(READ_SIZE);
  for (let i = 0; i < 1024; i++) {
    try {
      if (readSync(fd, scratch, 0, scratch.length, null) <= 0) return;
    } catch {
      return;
    }
  }
}

/** `tcp://1.2.3.4:5`, `tcp://[::1]:5`: the numeric host and port; undefined for anything else. */
function tcpTarget(address: string): { host: string; port: number } | undefined {
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:;[\]]+):(\d+)$/.exec(address);
  if (match === null) return undefined;
  const host = match[1]!.startsWith("[") ? match[1]!.slice(1, -1) : match[1]!;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host, port } : undefined;
}

/** A connection to `address` whose connect was issued now, or undefined (see the module doc). */
export function openForExit(address: string): ExitConnection | undefined {
  if (address.startsWith("ipc://")) {
    const raw = address.slice("ipc://".length);
    // Abstract sockets: Node spells the leading NUL as "\0".
    const path = raw.startsWith("@") ? `\0${raw.slice(1)}` : raw;
    try {
      const socket = nodeNet().connect({ path, allowHalfOpen: true });
      socket.on("error", () => {});
      socket.unref();
      const fd = (socket as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
      if (typeof fd !== "number" || fd < 0) {
        socket.destroy();
        return undefined;
      }
      return new ExitFdConnection(fd, () => socket.destroy(), address, raw);
    } catch {
      return undefined;
    }
  }
  if (address.startsWith("ws://")) return openWsForExit(address);
  const target = tcpTarget(address);
  if (target === undefined) return undefined;
  const handle = connectTcpForExit(target.host, target.port);
  if (handle === undefined) return undefined;
  return new ExitFdConnection(handle.fd, handle.close, address, target.host);
}

/**
 * `ws://` (not `wss://`: TLS runs inside Node's event loop): a tcp connection
 * carrying the `webSocket` info the ZWS engine reads (it writes the upgrade
 * request and reads the answer itself, as over any ws connection).
 */
function openWsForExit(address: string): ExitConnection | undefined {
  let parsed: ReturnType<typeof parseWsAddress>;
  try {
    parsed = parseWsAddress("ws", address.slice("ws://".length), address, "connect");
  } catch {
    return undefined;
  }
  const handle = connectTcpForExit(parsed.host, parsed.port);
  if (handle === undefined) return undefined;
  const connection = new ExitFdConnection(handle.fd, handle.close, address, parsed.host);
  const webSocket: WsConnectionInfo = {
    role: "client",
    host: hostHeader(parsed.host, parsed.port),
    path: parsed.path,
    secure: false,
  };
  return Object.assign(connection, { webSocket });
}
