import type { OnReadOpts, Socket, SocketConstructorOpts } from "node:net";
import { getSystemErrorName } from "node:util";
import { nodeNet } from "./builtins";
import { DIRECT_READS_SUPPORTED } from "./direct-reads";
import { pendingDeprecation } from "./direct-writes";

/**
 * A tcp connect attempt made on Node's TCP handle itself, without a
 * `net.Socket` around it until the connection exists.
 *
 * A reconnect loop against a dead endpoint is almost all refused attempts. On
 * the public `net` API each one builds (or re-arms) a stream, an `Error` with a
 * formatted message, an `error` and a `close` event and a deferred close
 * callback: measured on loopback at ~1.6-1.8x the CPU of libzmq's attempt
 * (zeromq.js), where the bare handle (create, connect, close on the refusal)
 * costs about the same as libzmq's. A connection that succeeds is handed to a
 * `net.Socket` built around the handle (`new Socket({ handle })`, as Node does
 * for accepted connections), so everything after the connect is the ordinary
 * `net.Socket`.
 *
 * The handle comes from `process.binding("tcp_wrap")`, which Node 20-24 allow
 * without flags and without a warning (it is in the documentation-only
 * deprecation DEP0111; with `--pending-deprecation` it would warn, so then this
 * path is not used). Anything unexpected (another runtime, a permission model
 * that denies the binding, a binding of a different shape, `ZMQ_NO_RAW_CONNECT`
 * set) leaves `RAW_CONNECT` undefined and callers use `net.connect`.
 */

interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  close(callback?: () => void): void;
  unref(): void;
  useUserBuffer?: unknown;
}

interface ConnectReq {
  oncomplete: (status: number, handle: TcpHandle) => void;
  address?: string;
  port?: number;
}

interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

function loadBinding(): TcpWrapBinding | undefined {
  if (!DIRECT_READS_SUPPORTED || process.env.ZMQ_NO_RAW_CONNECT !== undefined) return undefined;
  if (pendingDeprecation()) return undefined;
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== "function") return undefined;
  try {
    const wrap = binding.call(process, "tcp_wrap") as Partial<TcpWrapBinding> | undefined;
    if (
      typeof wrap?.TCP !== "function" ||
      typeof wrap.TCPConnectWrap !== "function" ||
      typeof wrap.constants?.SOCKET !== "number"
    ) {
      return undefined;
    }
    const probe = new wrap.TCP(wrap.constants.SOCKET);
    const ok =
      typeof probe.connect === "function" &&
      typeof probe.connect6 === "function" &&
      typeof probe.bind === "function" &&
      typeof probe.bind6 === "function" &&
      typeof probe.useUserBuffer === "function";
    probe.close();
    return ok ? (wrap as TcpWrapBinding) : undefined;
  } catch {
    return undefined;
  }
}

const binding = loadBinding();

/** An attempt's target: a numeric address (`isIP` is 4 or 6), never a host name. */
export interface RawConnectTarget {
  host: string;
  port: number;
  /** `isIP(host)`, when the caller knows it (saves the check per attempt). */
  family?: 4 | 6 | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
}

/** Options of the `net.Socket` a connected handle becomes. */
export interface RawSocketOptions {
  allowHalfOpen: boolean;
  writableHighWaterMark: number;
  onread?: OnReadOpts | undefined;
  noDelay: boolean;
  keepAlive: boolean;
  keepAliveInitialDelay: number;
  ref: boolean;
}

/** The failure of an attempt: what `net` would emit, without a stack (see `connectError`). */
export interface RawConnectError extends Error {
  code: string;
  errno: number;
  syscall: string;
  address: string;
  port: number;
}

function systemError(status: number, syscall: string, host: string, port: number) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = "EIO";
  }
  const error = new Error(`${syscall} ${code} ${host}:${port}`) as RawConnectError;
  Error.stackTraceLimit = limit;
  error.code = code;
  error.errno = status;
  error.syscall = syscall;
  error.address = host;
  error.port = port;
  return error;
}

/**
 * How an attempt ends: `status` 0 with the connected handle (turn it into a
 * `net.Socket` with `rawSocket`), or a negative libuv status and the syscall
 * that failed (`rawConnectError` makes the error `net` would emit). Never
 * called for an attempt that was aborted.
 */
export type RawAttemptCallback = (
  status: number,
  syscall: "bind" | "connect",
  handle: RawTcpHandle | undefined,
) => void;

/** A connected TCP handle, opaque outside this module. */
export interface RawTcpHandle {
  readonly __rawTcpHandle: never;
}

/**
 * One attempt on a bare handle, reported through a callback: nothing but the
 * handle and its connect request is allocated per attempt (no promise, no
 * error object: a refusal is a number until someone wants an error). `done` is
 * called once, from a later I/O callback or, when the connect call itself
 * fails, before the constructor returns.
 */
export class RawTcpConnect {
  #handle: TcpHandle | undefined;

  constructor(target: RawConnectTarget, ref: boolean, done: RawAttemptCallback) {
    const wrap = binding!;
    const { host, port } = target;
    const family = target.family ?? nodeNet().isIP(host);
    const handle = new wrap.TCP(wrap.constants.SOCKET);
    this.#handle = handle;
    if (!ref) handle.unref();
    let status = 0;
    let syscall: "bind" | "connect" = "bind";
    if (target.localAddress !== undefined || target.localPort !== undefined) {
      const local = target.localAddress ?? (family === 6 ? "::" : "0.0.0.0");
      status =
        family === 6
          ? handle.bind6(local, target.localPort ?? 0, 0)
          : handle.bind(local, target.localPort ?? 0);
    }
    if (status === 0) {
      syscall = "connect";
      const req = new wrap.TCPConnectWrap();
      req.address = host;
      req.port = port;
      req.oncomplete = (result) => {
        if (this.#handle !== handle) return; // aborted
        this.#handle = undefined;
        if (result < 0) {
          handle.close();
          done(result, "connect", undefined);
        } else {
          done(0, "connect", handle as unknown as RawTcpHandle);
        }
      };
      status = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
    }
    if (status < 0) {
      this.#handle = undefined;
      handle.close();
      done(status, syscall, undefined);
    }
  }

  /** Cancels the attempt if it is still pending (the handle is closed; `done` is not called). */
  abort(): boolean {
    const handle = this.#handle;
    if (handle === undefined) return false;
    this.#handle = undefined;
    handle.close();
    return true;
  }
}

/** The error `net` would emit for a failed attempt's status, without a stack. */
export function rawConnectError(
  status: number,
  syscall: string,
  host: string,
  port: number,
): RawConnectError {
  return systemError(status, syscall, host, port);
}

/** A `net.Socket` around a connected handle (as Node builds one for an accepted connection). */
export function rawSocket(handle: RawTcpHandle, options: RawSocketOptions): Socket {
  return socketOf(handle as unknown as TcpHandle, options);
}

function socketOf(handle: TcpHandle, options: RawSocketOptions): Socket {
  const socketOptions: SocketConstructorOpts & {
    writableHighWaterMark: number;
    onread?: OnReadOpts;
  } = {
    handle,
    allowHalfOpen: options.allowHalfOpen,
    readable: true,
    writable: true,
    writableHighWaterMark: options.writableHighWaterMark,
  } as SocketConstructorOpts & { writableHighWaterMark: number; onread?: OnReadOpts };
  if (options.onread !== undefined) socketOptions.onread = options.onread;
  const socket = new (nodeNet().Socket)(socketOptions);
  socket.setNoDelay(options.noDelay);
  if (options.keepAlive) socket.setKeepAlive(true, options.keepAliveInitialDelay);
  if (!options.ref) socket.unref();
  return socket;
}

/** Whether `RawTcpConnect` can be used here (see the module doc). */
export const RAW_CONNECT_SUPPORTED: boolean = binding !== undefined;

/**
 * For process end, when no event loop will run again: a TCP handle whose connect
 * to `host:port` (a numeric address) was issued now, with its descriptor, to be
 * read and written synchronously while the connect completes (a write fails with
 * EAGAIN until then). `close` closes the descriptor at once. Undefined where the
 * bare handle cannot be used (see the module doc) or the connect failed at once.
 */
export function connectTcpForExit(
  host: string,
  port: number,
): { fd: number; close(): void } | undefined {
  const wrap = binding;
  const family = nodeNet().isIP(host);
  if (wrap === undefined || family === 0) return undefined;
  try {
    const handle = new wrap.TCP(wrap.constants.SOCKET);
    const req = new wrap.TCPConnectWrap();
    req.oncomplete = () => {};
    const status =
      family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
    const fd = (handle as unknown as { fd?: number }).fd;
    if (status < 0 || typeof fd !== "number" || fd < 0) {
      handle.close();
      return undefined;
    }
    handle.unref();
    return { fd, close: () => handle.close() };
  } catch {
    return undefined;
  }
}
