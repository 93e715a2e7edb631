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

/** libuv's status for a refused connect, and for a connect on a socket whose last one was refused (Linux). */
// Linux's errno values: the statuses matter only where refused handles are kept
// (REUSE_REFUSED, Linux), and reading node:os for them would load it at import.
const UV_ECONNREFUSED = -111;
const UV_ECONNABORTED = -103;

/**
 * Whether a handle whose connect was refused can connect again. On Linux a
 * refused socket is back in the closed state with no port: the next connect()
 * ends the failed one (it returns ECONNABORTED and resets the socket, a fixed
 * path in the kernel's `__inet_stream_connect`, not a race) and the one after
 * that is an ordinary new attempt. BSD sockets want a new socket after a failed
 * connect, so elsewhere every attempt takes a fresh handle.
 */
const REUSE_REFUSED = process.platform === "linux";

/**
 * At most this many refused handles are kept open across the process (one
 * descriptor each, between attempts); past that a refused handle is closed as
 * before, and those dialers make a fresh one per attempt.
 */
const MAX_KEPT = 256;
let kept = 0;

/**
 * Repeated attempts at one target on bare handles, one at a time, each
 * reported through the same callback, with one connect request for all of
 * them: nothing is allocated per attempt. On Linux a refused handle is kept and
 * connected again by the next attempt (see `REUSE_REFUSED`), so a reconnect
 * loop against a dead endpoint makes no socket, handle or close per attempt:
 * measured on loopback, 20 loops at ~134 attempts/s, ~0.7x the CPU of a fresh
 * handle per attempt. A target with a local address or port (`tcp://src;dst`)
 * takes a fresh handle each time, as libzmq binds a fresh socket.
 */
export class RawTcpDialer {
  readonly #target: RawConnectTarget;
  readonly #family: 4 | 6;
  readonly #done: RawAttemptCallback;
  readonly #keepRefused: boolean;
  /** The attempt in flight: its handle and connect request. */
  #handle: TcpHandle | undefined;
  #req: ConnectReq | undefined;
  /**
   * A connect request no attempt uses, for the next one: Node lets go of a
   * request once its attempt completed (or its connect call failed), and a new
   * connect wraps the same object again, so a loop of attempts makes one
   * request, not one per attempt. An aborted attempt's request is dropped (its
   * completion, ECANCELED, is still to come).
   */
  #freeReq: ConnectReq | undefined;
  #ref = true;
  /** A handle whose last connect was refused, for the next attempt (Linux). */
  #spare: TcpHandle | undefined;
  #spareRef = false;
  #closed = false;
  /** Every request's `oncomplete` (`this` is the request). */
  readonly #oncomplete: (this: ConnectReq, status: number) => void;

  /**
   * `done` is called once per `start`, from a later I/O callback or, when the
   * connect call itself fails, before `start` returns; never for an attempt that
   * was aborted. `keepRefused: false` closes every refused handle.
   */
  constructor(target: RawConnectTarget, done: RawAttemptCallback, keepRefused = true) {
    this.#target = target;
    this.#family = (target.family ?? nodeNet().isIP(target.host)) === 6 ? 6 : 4;
    this.#done = done;
    this.#keepRefused =
      keepRefused &&
      REUSE_REFUSED &&
      target.localAddress === undefined &&
      target.localPort === undefined;
    const dialer = this;
    this.#oncomplete = function (this: ConnectReq, status: number) {
      dialer.#complete(this, status);
    };
  }

  /** Starts an attempt (one at a time: the previous one must have ended or been aborted). */
  start(ref: boolean): void {
    if (this.#handle !== undefined) throw new Error("RawTcpDialer: an attempt is in flight");
    this.#ref = ref;
    const spare = this.#spare;
    if (spare !== undefined) {
      this.#spare = undefined;
      kept--;
      if (this.#spareRef === ref && !this.#closed && this.#launch(spare, true) === 0) return;
      // Anything else: this handle is done; the attempt takes a fresh one.
      spare.close();
    }
    const wrap = binding!;
    const target = this.#target;
    const handle = new wrap.TCP(wrap.constants.SOCKET);
    if (!ref) handle.unref();
    let status = 0;
    let syscall: "bind" | "connect" = "bind";
    if (target.localAddress !== undefined || target.localPort !== undefined) {
      const local = target.localAddress ?? (this.#family === 6 ? "::" : "0.0.0.0");
      status =
        this.#family === 6
          ? handle.bind6(local, target.localPort ?? 0, 0)
          : handle.bind(local, target.localPort ?? 0);
    }
    if (status === 0) {
      syscall = "connect";
      status = this.#launch(handle, false);
      if (status === 0) return;
    }
    handle.close();
    this.#done(status, syscall, undefined);
  }

  /**
   * Connects `handle` with a request: on success (0) it is the attempt in
   * flight; on failure the request is free again (Node lets go of a request
   * whose connect call failed before it returns) and the status is returned.
   * `refused`: the handle's last connect was refused (see REUSE_REFUSED), so
   * its first call here ends that attempt with ECONNABORTED and a second one
   * makes the new attempt.
   */
  #launch(handle: TcpHandle, refused: boolean): number {
    const req = this.#request();
    let status = this.#connect(handle, req);
    if (refused && status === UV_ECONNABORTED) status = this.#connect(handle, req);
    if (status === 0) {
      this.#handle = handle;
      this.#req = req;
    } else {
      this.#freeReq = req;
    }
    return status;
  }

  #request(): ConnectReq {
    let req = this.#freeReq;
    if (req !== undefined) {
      this.#freeReq = undefined;
      return req;
    }
    req = new binding!.TCPConnectWrap();
    req.oncomplete = this.#oncomplete;
    // What `net` sets on its requests (read only by diagnostics).
    req.address = this.#target.host;
    req.port = this.#target.port;
    return req;
  }

  #connect(handle: TcpHandle, req: ConnectReq): number {
    const { host, port } = this.#target;
    return this.#family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port);
  }

  #complete(req: ConnectReq, status: number): void {
    if (req !== this.#req) return; // aborted: its handle is closed
    const handle = this.#handle!;
    this.#handle = undefined;
    this.#req = undefined;
    if (status >= 0) {
      this.#done(0, "connect", handle as unknown as RawTcpHandle);
    } else {
      if (status === UV_ECONNREFUSED && this.#keepRefused && !this.#closed && kept < MAX_KEPT) {
        this.#spare = handle;
        this.#spareRef = this.#ref;
        kept++;
      } else {
        handle.close();
      }
      this.#done(status, "connect", undefined);
    }
    // Free for the next attempt only now: Node still holds this request until
    // its completion callback returns, so an attempt that `done` started
    // synchronously must not wrap it again (it gets a request of its own).
    this.#freeReq = req;
  }

  /** Cancels the attempt if it is still pending (its handle is closed; `done` is not called). */
  abort(): boolean {
    const handle = this.#handle;
    if (handle === undefined) return false;
    this.#handle = undefined;
    this.#req = undefined;
    handle.close();
    return true;
  }

  /** Aborts the attempt in flight and closes the kept handle; `start` may still be called. */
  close(): void {
    this.#closed = true;
    this.abort();
    const spare = this.#spare;
    if (spare !== undefined) {
      this.#spare = undefined;
      kept--;
      spare.close();
    }
  }
}

/**
 * One attempt on a bare handle, reported through a callback: nothing but the
 * handle and its connect request is allocated per attempt (no promise, no
 * error object: a refusal is a number until someone wants an error). `done` is
 * called once, from a later I/O callback or, when the connect call itself
 * fails, before the constructor returns. (A loop of attempts at one target:
 * `RawTcpDialer`.)
 */
export class RawTcpConnect {
  readonly #dialer: RawTcpDialer;

  constructor(target: RawConnectTarget, ref: boolean, done: RawAttemptCallback) {
    this.#dialer = new RawTcpDialer(target, done, false);
    this.#dialer.start(ref);
  }

  /** Cancels the attempt if it is still pending (the handle is closed; `done` is not called). */
  abort(): boolean {
    return this.#dialer.abort();
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
