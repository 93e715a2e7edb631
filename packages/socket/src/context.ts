/**
 * A context, as zeromq.js's `Context`: the scope of `inproc://` names and of a
 * few defaults (`ipv6`, `maxMessageSize`), and here also what binds the socket
 * layer to a runtime: the transports and the `Runtime` (time, scheduling, frame
 * type). There are no I/O threads to size: `ioThreads` and the thread options
 * are accepted and kept for compatibility.
 */
import type { ThreadRegistry } from "@zmq/threads";
import { TransportRegistry } from "@zmq/transport";
import type { ConnectEndpoint } from "./endpoints";
import { type EngineFactory, zmtpEngine } from "./engine";
import { ZmqError } from "./errors";
import { type ExitBacklog, exitBacklogOf, exitPending } from "./exit-backlog";
import { deliverForExit, type ExitIo } from "./exit-deliver";
import { InprocNames } from "./inproc";
import type { Runtime } from "./runtime";
import type { Session } from "./session";
import type { SocketCore } from "./socket-core";

/**
 * Initial values of a context's options, each as the `Context` property of
 * the same name (validated the same way).
 */
export interface ContextOptions {
  /** ZMQ_BLOCKY (default true); false gives new sockets linger 0. */
  blocky?: boolean;
  /** ZMQ_IO_THREADS (default 1); validated (>= 0), otherwise without effect. */
  ioThreads?: number;
  /** ZMQ_MAX_MSGSZ: default `maxMessageSize` of the context's sockets in bytes; -1 (default) = no limit. */
  maxMessageSize?: number;
  /** ZMQ_MAX_SOCKETS (default 1023): opening more sockets fails with EMFILE. */
  maxSockets?: number;
  /** ZMQ_IPV6 (default false): default `ipv6` of the context's sockets. */
  ipv6?: boolean;
  /** ZMQ_THREAD_PRIORITY; validated (>= -1), otherwise without effect (no I/O threads). */
  threadPriority?: number;
  /** ZMQ_THREAD_SCHED_POLICY; validated (>= -1), otherwise without effect (no I/O threads). */
  threadSchedulingPolicy?: number;
}

/** What a runtime binding gives every context it makes. */
export interface ContextBinding {
  /** Time, scheduling, frame type and process hooks of the runtime (see {@link Runtime}). */
  readonly runtime: Runtime;
  /** The transports; `inproc://` needs none (the socket layer joins the two sockets' pipes). */
  readonly transports: Iterable<Parameters<TransportRegistry["add"]>[0]>;
  /**
   * The wire engine of each stream transport scheme that does not speak ZMTP 3.1
   * (e.g. `{ ws: zwsEngine }`); every other stream scheme runs `ZmtpConnection`.
   */
  readonly engines?: Readonly<Record<string, EngineFactory>>;
  /**
   * The process-wide inproc registry of `@zmq/threads` (a default context shared
   * by all threads): `inproc://` names not bound in this thread are looked up and
   * published there, and the context options are read from and written to it.
   */
  readonly threads?: ThreadRegistry;
}

const MAX_SOCKETS_LIMIT = 65535;

/** libzmq's context defaults (`ZMQ_BLOCKY`, `ZMQ_IO_THREADS`, …). */
const OPTION_DEFAULTS = {
  blocky: true,
  ioThreads: 1,
  maxMessageSize: 0x7fffffff,
  maxSockets: 1023,
  ipv6: false,
};

/** Context fields that bindings use and `Object.keys` does not list. */
const INTERNAL_KEYS = ["_inproc", "_threads", "_transports", "_runtime"] as const;

/**
 * The scope of `inproc://` names and of a few socket defaults (`ipv6`,
 * `maxMessageSize`), as zeromq.js's `Context`; a runtime binding (`@zmq/node`,
 * `@zmq/web`) subclasses it with its transports. Sockets take one with the
 * `context` option, the binding's default context otherwise. The option
 * properties throw TypeError for a value of the wrong type and `ZmqError`
 * EINVAL for one below its minimum.
 */
export class Context {
  readonly #values: Record<string, unknown> = { ...OPTION_DEFAULTS };
  readonly #sockets = new Set<SocketCore>();
  /** @internal */
  readonly _inproc = new InprocNames();
  /** @internal The cross-thread registry (a process-wide default context only). */
  readonly _threads: ThreadRegistry | undefined;
  /** @internal */
  readonly _transports: TransportRegistry;
  /** @internal */
  readonly _runtime: Runtime;
  readonly #engines: Readonly<Record<string, EngineFactory>>;
  #holds = 0;
  #release: (() => void) | undefined;
  /** Stream sessions whose connection is open, with their socket (see `flushForExit`). */
  readonly #exitSessions = new Map<Session, SocketCore>();
  /** Connect endpoints (open, or lingering after close) whose pipe may hold messages. */
  readonly #exitEndpoints = new Set<ConnectEndpoint>();

  /**
   * A context bound to a runtime; bindings call this from their own `Context`.
   * @param options - initial option values (see {@link ContextOptions}).
   * @param binding - the runtime, transports and engines every socket of this context uses.
   * @throws TypeError for an unknown option or one of the wrong type; `ZmqError` EINVAL for
   *   a value out of range.
   */
  constructor(options: ContextOptions, binding: ContextBinding) {
    this._runtime = binding.runtime;
    this._threads = binding.threads;
    this.#engines = binding.engines ?? {};
    this._transports = new TransportRegistry(binding.transports);
    // The internals stay out of `Object.keys(context)`: tools that walk and
    // rewrite plain data (mocha's parallel-mode serializer deletes every
    // function it finds on objects reachable from a failed assertion) must not
    // reach the runtime shared by every socket, and a logged context shows
    // only its options, as zeromq.js's does.
    for (const key of INTERNAL_KEYS) Object.defineProperty(this, key, { enumerable: false });
    Object.seal(this);
    Object.assign(this, options);
  }

  /** An option's value: this context's own, or the process-wide one of a shared context. */
  #get<T>(name: keyof typeof OPTION_DEFAULTS): T {
    const shared = this._threads?.contextOptions.get(name);
    return (shared ?? this.#values[name]) as T;
  }

  #set(name: keyof typeof OPTION_DEFAULTS, value: unknown): void {
    if (this._threads !== undefined) this._threads.contextOptions.set(name, value);
    else this.#values[name] = value;
  }

  /**
   * ZMQ_BLOCKY (default true): sockets made afterwards keep their type's default
   * linger (mostly -1: queued output is waited for at close); false gives them
   * linger 0, as with zeromq.js.
   */
  get blocky(): boolean {
    return this.#get("blocky");
  }
  /** Set ZMQ_BLOCKY (TypeError unless a boolean). */
  set blocky(value: boolean) {
    this.#set("blocky", bool(value));
  }
  /** ZMQ_IO_THREADS. Accepted and validated (>= 0); there are no I/O threads here, so it has no effect. */
  get ioThreads(): number {
    return this.#get("ioThreads");
  }
  /** Set ZMQ_IO_THREADS (an integer >= 0, else EINVAL); no effect beyond being read back. */
  set ioThreads(value: number) {
    this.#set("ioThreads", int(value, 0));
  }
  /**
   * ZMQ_MAX_MSGSZ (default 2147483647, libzmq's). Here also the default `maxMessageSize`
   * (ZMQ_MAXMSGSIZE) of this context's new sockets when set below that; otherwise they get -1.
   */
  get maxMessageSize(): number {
    return this.#get("maxMessageSize");
  }
  /** Set ZMQ_MAX_MSGSZ (an integer >= -1, else EINVAL) for sockets made afterwards. */
  set maxMessageSize(value: number) {
    this.#set("maxMessageSize", int(value, -1));
  }
  /** ZMQ_MAX_SOCKETS (default 1023): opening a socket beyond it fails with EMFILE. */
  get maxSockets(): number {
    return this.#get("maxSockets");
  }
  /** Set ZMQ_MAX_SOCKETS (an integer >= 1, else EINVAL). */
  set maxSockets(value: number) {
    this.#set("maxSockets", int(value, 1));
  }
  /** ZMQ_SOCKET_LIMIT: the largest value `maxSockets` may take (65535), read-only. */
  get maxSocketsLimit(): number {
    return MAX_SOCKETS_LIMIT;
  }
  /** ZMQ_IPV6: the default `ipv6` option of this context's sockets. */
  get ipv6(): boolean {
    return this.#get("ipv6");
  }
  /** Set ZMQ_IPV6 for sockets made afterwards (TypeError unless a boolean). */
  set ipv6(value: boolean) {
    this.#set("ipv6", bool(value));
  }
  /**
   * ZMQ_THREAD_PRIORITY, write-only as in libzmq: validated (an integer >= -1,
   * else EINVAL) and otherwise ignored, there being no I/O threads.
   */
  set threadPriority(value: number) {
    int(value, -1);
  }
  /**
   * ZMQ_THREAD_SCHED_POLICY, write-only as in libzmq: validated (an integer >= -1,
   * else EINVAL) and otherwise ignored, there being no I/O threads.
   */
  set threadSchedulingPolicy(value: number) {
    int(value, -1);
  }

  /** @internal The wire engine for connections of `scheme`. */
  _engine(scheme: string): EngineFactory {
    return Object.hasOwn(this.#engines, scheme) ? this.#engines[scheme]! : zmtpEngine;
  }

  /** @internal */
  _register(socket: SocketCore): void {
    if (this.#sockets.size >= this.maxSockets) {
      // libzmq's text for EMFILE ("Too many open file descriptors"), the limit as the cause.
      throw new ZmqError("EMFILE", undefined, undefined, {
        cause: new Error(`the context already has maxSockets (${this.maxSockets}) open sockets`),
      });
    }
    this.#sockets.add(socket);
  }

  /** @internal */
  _unregister(socket: SocketCore): void {
    this.#sockets.delete(socket);
  }

  /**
   * @internal A pending send or receive keeps the process alive, as it does with
   * zeromq.js; idle sockets do not.
   */
  _hold(): void {
    if (this.#holds++ === 0) this.#release = this._runtime.keepAlive();
  }

  /** @internal */
  _release(): void {
    if (--this.#holds === 0 && this.#release !== undefined) {
      this.#release();
      this.#release = undefined;
    }
  }

  /**
   * @internal The process is about to end (the binding calls this once nothing else
   * is pending): closes every open socket, so that queued output lingers as it does
   * when zeromq.js terminates its contexts at exit. Returns how many were closed.
   */
  _closeForExit(): number {
    let closed = 0;
    for (const socket of [...this.#sockets]) {
      if (socket.closed) continue;
      socket.close();
      closed++;
    }
    return closed;
  }

  /**
   * @internal A stream session started: until its connection closes, the process
   * end writes what it still holds (`flushForExit`).
   */
  _trackForExit(session: Session, socket: SocketCore): void {
    this.#exitSessions.set(session, socket);
    session.exitList = this.#exitSessions;
  }

  /** @internal */
  _trackEndpointForExit(endpoint: ConnectEndpoint): void {
    this.#exitEndpoints.add(endpoint);
  }

  /** @internal */
  _forgetEndpointForExit(endpoint: ConnectEndpoint): void {
    this.#exitEndpoints.delete(endpoint);
  }

  /** @internal The connect endpoints tracked for process end (see `exitBacklogOf`). */
  _endpointsForExit(): ConnectEndpoint[] {
    return [...this.#exitEndpoints];
  }

  /** @internal Each tracked stream session with its socket's linger (ms, -1 = forever). */
  _sessionsForExit(): Array<{ session: Session; linger: number }> {
    return [...this.#exitSessions].map(([session, socket]) => ({
      session,
      linger: socket.ps.options.linger,
    }));
  }

  /** @internal Whether lingering output or a pending operation holds the process. */
  get _holding(): boolean {
    return this.#holds > 0;
  }

  // ---- libzmq context options by number (zeromq.js's low-level accessors) --------

  /**
   * Read the boolean context option with libzmq number `option` (ZMQ_IPV6,
   * ZMQ_BLOCKY): zeromq.js's low-level accessor.
   * @throws `ZmqError` EINVAL for a number that names no such context option;
   *   TypeError when the value has the wrong type.
   */
  protected getBoolOption(option: number): boolean {
    return this.#raw(option, "bool") as boolean;
  }
  /**
   * Set the boolean context option with libzmq number `option` (ZMQ_IPV6, ZMQ_BLOCKY).
   * @throws `ZmqError` EINVAL for a number that names no such context option;
   *   TypeError when the value has the wrong type.
   */
  protected setBoolOption(option: number, value: boolean): void {
    this.#rawSet(option, "bool", value);
  }
  /**
   * Read the integer context option with libzmq number `option` (ZMQ_IO_THREADS,
   * ZMQ_MAX_SOCKETS, ZMQ_SOCKET_LIMIT, ZMQ_MAX_MSGSZ).
   * @throws `ZmqError` EINVAL for a number that names no such context option;
   *   TypeError when the value has the wrong type.
   */
  protected getInt32Option(option: number): number {
    return this.#raw(option, "int") as number;
  }
  /**
   * Set the integer context option with libzmq number `option` (ZMQ_IO_THREADS,
   * ZMQ_MAX_SOCKETS, ZMQ_THREAD_PRIORITY, ZMQ_THREAD_SCHED_POLICY, ZMQ_MAX_MSGSZ).
   * @throws `ZmqError` EINVAL for a number that names no such context option;
   *   TypeError when the value has the wrong type.
   */
  protected setInt32Option(option: number, value: number): void {
    this.#rawSet(option, "int", value);
  }

  #rawName(option: number, kind: "bool" | "int", write: boolean): string {
    const name = (kind === "bool" ? CONTEXT_BOOL : write ? CONTEXT_INT_SET : CONTEXT_INT_GET)[
      option
    ];
    if (name === undefined) throw new ZmqError("EINVAL");
    return name;
  }

  #raw(option: number, kind: "bool" | "int"): unknown {
    return Reflect.get(this, this.#rawName(option, kind, false));
  }

  #rawSet(option: number, kind: "bool" | "int", value: unknown): void {
    if (kind === "bool" && typeof value !== "boolean")
      throw new TypeError("Option value must be a boolean");
    if (kind === "int" && typeof value !== "number")
      throw new TypeError("Option value must be a number");
    Reflect.set(this, this.#rawName(option, kind, true), value);
  }
}

/** libzmq's context option numbers (zmq.h) and the accessors they map to. */
const CONTEXT_BOOL: Record<number, string> = { 42: "ipv6", 70: "blocky" };
const CONTEXT_INT_GET: Record<number, string> = {
  1: "ioThreads",
  2: "maxSockets",
  3: "maxSocketsLimit",
  5: "maxMessageSize",
};
const CONTEXT_INT_SET: Record<number, string> = {
  1: "ioThreads",
  2: "maxSockets",
  3: "threadPriority",
  4: "threadSchedulingPolicy",
  5: "maxMessageSize",
};

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

function int(value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError("Option value must be a number");
  }
  if (value < min) throw new ZmqError("EINVAL");
  return value;
}

let defaultContext: (() => Context) | undefined;

/**
 * Sets the context sockets use when none is given (a binding calls this as it
 * loads: `@zmq/node` gives its default Node context).
 */
export function setDefaultContext(get: () => Context): void {
  defaultContext = get;
}

/** The context a socket made without one uses. */
export function getDefaultContext(): Context {
  if (defaultContext === undefined) {
    throw new TypeError("No default context: pass { context } or load a runtime binding");
  }
  return defaultContext();
}

/** What `flushForExit` did. */
export interface ExitFlushResult {
  /** Sessions that wrote everything they held. */
  flushed: number;
  /** Sessions that could not (no handshake yet, no synchronous write, or the linger ran out). */
  unflushed: number;
  /** Connect endpoints whose messages found no ready connection, for the binding to deliver if it can. */
  backlogs: ExitBacklog[];
}

/**
 * The process is ending and no event loop will run again (Node's 'exit' event):
 * what the stream sessions of `contexts` still hold — messages in their pipes,
 * bytes earlier writes left in the runtime's buffers — is written synchronously,
 * as libzmq's context termination delivers queued messages within each socket's
 * linger. First every session writes what the OS takes at once; the descriptors
 * of those that are done are closed (so a peer in this same process, which can no
 * longer read, resets its connection instead of blocking the writer); then the
 * rest are written, sleeping through `waitFor(linger)` while the OS buffer is
 * full. Sockets with linger 0 send nothing more. Returns how many sessions wrote
 * all they held, and how many could not (no handshake yet, no synchronous
 * write, or the linger ran out). Connect endpoints whose messages found no
 * connection ready go over connections `io` opens synchronously
 * (`deliverForExit`), each within its socket's linger; those `io` cannot open
 * (or all of them, without `io`) come back as `backlogs` (`exitBacklogOf`), for the
 * binding to deliver if it can (`replayExitBacklog`, or their `wire` bytes).
 */
export function flushForExit(
  contexts: Iterable<Context>,
  waitFor: (linger: number) => () => boolean,
  io?: ExitIo,
): ExitFlushResult {
  const start = io?.now() ?? 0;
  const all = [...contexts];
  const sessions: Array<{ session: Session; linger: number }> = [];
  for (const context of all) sessions.push(...context._sessionsForExit());
  const never = () => false;
  const left: Array<{ session: Session; linger: number }> = [];
  let flushed = 0;
  for (const entry of sessions) {
    if (entry.linger !== 0 && !entry.session.flushForExit(never)) left.push(entry);
    else {
      if (entry.linger !== 0) flushed++;
      entry.session.closeForExit();
    }
  }
  let unflushed = 0;
  for (const { session, linger } of left) {
    if (session.flushForExit(waitFor(linger))) flushed++;
    else unflushed++;
    session.closeForExit();
  }
  // Connect endpoints whose messages found no ready connection: over connections
  // opened now where the binding can (deliverForExit), else as backlogs for it.
  let waiting: ConnectEndpoint[] = [];
  for (const context of all) {
    for (const endpoint of context._endpointsForExit()) {
      if (exitPending(endpoint)) waiting.push(endpoint);
    }
  }
  if (io !== undefined && waiting.length > 0) {
    waiting = deliverForExit(waiting, io, (endpoint) => {
      const linger = endpoint.core.ps.options.linger;
      return linger < 0 ? Number.POSITIVE_INFINITY : start + linger;
    });
  }
  const backlogs: ExitBacklog[] = [];
  for (const endpoint of waiting) {
    const backlog = exitBacklogOf(endpoint);
    if (backlog !== undefined) backlogs.push(backlog);
  }
  return { flushed, unflushed, backlogs };
}
