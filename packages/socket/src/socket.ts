/**
 * The public socket classes, shaped like zeromq.js v6: one class per type,
 * promise-based `send`/`receive`, async iteration, camelCase options whose docs
 * name the libzmq option. Instances are sealed, so a misspelt option throws
 * instead of being ignored; methods a type lacks are absent (a `Publisher` has
 * no `receive`).
 */
import { type SocketType as PatternType, SOCKET_TYPE_NUMBER, socketTraits } from "@zmq/patterns";
import { utf8Decode, utf8Encode } from "@zmq/wire";
import { Context, getDefaultContext } from "./context";
import { ZmqError } from "./errors";
import { type Message, type MessageLike, toFrames } from "./message";
import { type Observable, Observer } from "./observer";
import type { SocketOptionProperties } from "./option-properties";
import {
  type CoreOptionName,
  OPTIONS,
  type OptionName,
  type OptionSpec,
  optionApplies,
} from "./options";
import { securityMechanism } from "./security";
import { SocketCore } from "./socket-core";

/** zeromq.js's numeric socket types (libzmq's `ZMQ_*`). */
export const SocketType = {
  /** ZMQ_PAIR, {@link Pair}. */
  Pair: 0,
  /** ZMQ_PUB, {@link Publisher}. */
  Publisher: 1,
  /** ZMQ_SUB, {@link Subscriber}. */
  Subscriber: 2,
  /** ZMQ_REQ, {@link Request}. */
  Request: 3,
  /** ZMQ_REP, {@link Reply}. */
  Reply: 4,
  /** ZMQ_DEALER, {@link Dealer}. */
  Dealer: 5,
  /** ZMQ_ROUTER, {@link Router}. */
  Router: 6,
  /** ZMQ_PULL, {@link Pull}. */
  Pull: 7,
  /** ZMQ_PUSH, {@link Push}. */
  Push: 8,
  /** ZMQ_XPUB, {@link XPublisher}. */
  XPublisher: 9,
  /** ZMQ_XSUB, {@link XSubscriber}. */
  XSubscriber: 10,
  /** ZMQ_STREAM, {@link Stream}. */
  Stream: 11,
} as const;
export type SocketType = (typeof SocketType)[keyof typeof SocketType];

/** Socket type names by libzmq's numbers (zeromq.js's `SocketType` and the draft ones). */
const WIRE_NAMES: Readonly<Record<number, PatternType>> = Object.fromEntries(
  Object.entries(SOCKET_TYPE_NUMBER).map(([name, number]) => [number, name as PatternType]),
);

const cores = new WeakMap<Socket, SocketCore>();

/** @internal The internals of a socket (for Proxy and tests in this package). */
export function coreOf(socket: Socket): SocketCore {
  const core = cores.get(socket);
  if (core === undefined) throw new TypeError("not a socket");
  return core;
}

/**
 * The base class of every socket type: endpoints (`bind`, `connect` …), options as
 * properties, `close()` and connection `events`. Create one of its subclasses
 * (`Dealer`, `Publisher` …); options can be passed to the constructor.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface declares the option accessors installed on the prototype below (from the options table)
export abstract class Socket implements Observable {
  #events: Observer | undefined;

  /** `type`: zeromq.js's number of the socket type (`SocketType`, or a draft type's). */
  protected constructor(type: number, options: object = {}) {
    // Arguments are checked in zeromq.js's order and words: the type, the options, their count.
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    if (options === null || typeof options !== "object") {
      throw new TypeError("Options must be an object");
    }
    // biome-ignore lint/complexity/noArguments: the count of what the caller passed, as zeromq.js checks it
    const given = arguments.length;
    if (given > 2) throw new TypeError(`Expected 2 arguments but received ${given}`);
    const { context = getDefaultContext(), ...rest } = options as { context?: Context };
    // As zeromq.js: anything but a Context is an invalid argument.
    if (!(context instanceof Context)) throw new Error("Invalid argument");
    // A number libzmq has no socket type for is EINVAL (zmq_socket), the number taken as an int32.
    const name = WIRE_NAMES[type | 0];
    if (name === undefined) {
      throw new ZmqError("EINVAL", undefined, undefined, {
        cause: new Error(`no socket type has the number ${type}`),
      });
    }
    cores.set(this, new SocketCore(name, context, this));
    // A non-blocky context gives new sockets linger 0 (zeromq.js's `context.blocky`).
    if (context.blocky === false) coreOf(this).setPatternOption("linger", 0);
    // Sealing makes a misspelt option throw, as with zeromq.js.
    Object.seal(this);
    try {
      Object.assign(this, rest);
    } catch (error) {
      // A bad option: the socket is never handed out, so release it from its context.
      coreOf(this).close();
      throw error;
    }
  }

  /** @internal */
  get _eventHub() {
    return coreOf(this).hub;
  }

  /** Connection events (an `Observer`). */
  get events(): Observer {
    if (this.#events === undefined) this.#events = new Observer(this);
    return this.#events;
  }

  /** The context the socket belongs to (the default one unless `context` was given). */
  get context(): Context {
    return coreOf(this).context;
  }

  /** True once the socket is closed. */
  get closed(): boolean {
    return coreOf(this).closed;
  }

  /** True when a message can be received now without waiting (ZMQ_POLLIN). */
  get readable(): boolean {
    return coreOf(this).readable;
  }

  /** True when a message can be sent now without waiting (ZMQ_POLLOUT). */
  get writable(): boolean {
    return coreOf(this).writable;
  }

  /** Binds to an endpoint: `tcp://*:5555`, `tcp://127.0.0.1:*`, `ipc:///tmp/x`, `inproc://name`. */
  bind(address: string): Promise<void> {
    return coreOf(this).bind(address);
  }

  /** Stops listening on an endpoint (as given to `bind`, or the resolved `lastEndpoint`). */
  unbind(address: string): Promise<void> {
    return coreOf(this).unbind(address);
  }

  /**
   * Binds before returning (zeromq.js's `bindSync`): `lastEndpoint` is set, and a
   * failure throws (EADDRINUSE, EPROTONOSUPPORT …). tcp, ipc and inproc; `ws://`
   * and `udp://` bind asynchronously only (ENOTSUP: use `bind`).
   */
  bindSync(address: string): void {
    coreOf(this).bindSync(address);
  }

  /** Stops listening on an endpoint before returning; throws ENOENT for an unknown one. */
  unbindSync(address: string): void {
    coreOf(this).unbindSync(address);
  }

  /** Connects to an endpoint; the connection is made (and remade) in the background. */
  connect(address: string): void {
    coreOf(this).connect(address);
  }

  /** Stops connecting to an endpoint given to `connect`. */
  disconnect(address: string): void {
    coreOf(this).disconnect(address);
  }

  /** Closes the socket. Queued outgoing messages keep flowing for `linger` ms. */
  close(): void {
    coreOf(this).close();
  }

  // ---- options every socket has ----------------------------------------------

  /** ZMQ_TYPE. */
  get type(): SocketType {
    checkOption(this);
    return SOCKET_TYPE_NUMBER[coreOf(this).socketType] as SocketType;
  }

  /** ZMQ_LAST_ENDPOINT: the resolved endpoint of the last bind. */
  get lastEndpoint(): string | null {
    checkOption(this);
    return coreOf(this).lastEndpoint;
  }

  /** ZMQ_MECHANISM: null (NULL), "plain" or "curve", from the last security option set. */
  get securityMechanism(): null | "plain" | "curve" | "gssapi" {
    checkOption(this);
    return securityMechanism(coreOf(this));
  }

  /** ZMQ_THREAD_SAFE. */
  get threadSafe(): boolean {
    checkOption(this);
    return false;
  }

  // ---- libzmq options by number (zeromq.js's low-level accessors) --------------
  // Each maps the libzmq option number to the socket's accessor of that option
  // (the options table); a number this socket type has no accessor for is EINVAL.

  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as a boolean: the
   * low-level accessor of zeromq.js, for options by number.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getBoolOption(option: number): boolean {
    return rawGet(this, option, "bool") as boolean;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to a boolean.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setBoolOption(option: number, value: boolean): void {
    rawSet(this, option, "bool", value);
  }
  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as a signed 32-bit integer.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getInt32Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to a signed 32-bit integer.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setInt32Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as an unsigned 32-bit integer.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getUint32Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to an unsigned 32-bit integer.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setUint32Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as a signed 64-bit integer (exact up to `Number.MAX_SAFE_INTEGER`).
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getInt64Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to a signed 64-bit integer (exact up to `Number.MAX_SAFE_INTEGER`).
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setInt64Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as an unsigned 64-bit integer (exact up to `Number.MAX_SAFE_INTEGER`).
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getUint64Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to an unsigned 64-bit integer (exact up to `Number.MAX_SAFE_INTEGER`); a value
   * past `Number.MAX_SAFE_INTEGER` is set with a warning that it may be rounded.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setUint64Option(option: number, value: number): void {
    rawSet(this, option, "int", value, true);
  }
  /**
   * Read the option with libzmq number `option` (`ZMQ_*`) as a string (null when
   * unset; a numeric option is returned in decimal).
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number; TypeError when `option` is not a number.
   */
  protected getStringOption(option: number): string | null {
    return rawGet(this, option, "string") as string | null;
  }
  /**
   * Set the option with libzmq number `option` (`ZMQ_*`) to a string, bytes, or
   * null to clear it.
   * @throws `ZmqError` EINVAL when this socket type has no option with that
   *   number, or the value is out of range; TypeError when `option` is not a number
   *   or the value has the wrong type.
   */
  protected setStringOption(option: number, value: string | Uint8Array | null): void {
    rawSet(this, option, "string", value);
  }
}

/** The accessor names of the libzmq options that are not in the options table. */
const RAW_EXTRA: Record<number, string> = {
  16: "type",
  32: "lastEndpoint",
  44: "plainServer",
  45: "plainUsername",
  46: "plainPassword",
  47: "curveServer",
  48: "curvePublicKey",
  49: "curveSecretKey",
  50: "curveServerKey",
  55: "zapDomain",
  81: "threadSafe",
  93: "zapEnforceDomain",
};

function rawName(socket: Socket, option: number): string {
  if (typeof option !== "number") throw new TypeError("Identifier must be a number");
  let name: string | undefined = RAW_EXTRA[option];
  if (name === undefined) {
    for (const [key, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
      if (spec.id === option && key in socket) {
        name = key;
        break;
      }
    }
  }
  if (name === undefined || !(name in socket)) throw new ZmqError("EINVAL");
  return name;
}

function rawGet(socket: Socket, option: number, kind: "bool" | "int" | "string"): unknown {
  const value: unknown = Reflect.get(socket, rawName(socket, option));
  if (kind === "string" && typeof value === "number") return String(value);
  return value;
}

/** `warnUnsafe`: setUint64Option's warning for a value past 2^53 - 1 (the only setter zeromq.js warns in). */
function rawSet(
  socket: Socket,
  option: number,
  kind: "bool" | "int" | "string",
  value: unknown,
  warnUnsafe = false,
) {
  const name = rawName(socket, option);
  if (kind === "int") {
    if (typeof value !== "number") throw new TypeError("Option value must be a number");
    if (warnUnsafe && !Number.isSafeInteger(Math.trunc(value))) {
      coreOf(socket).runtime.warn?.(
        "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.",
      );
    }
  } else if (kind === "bool" && typeof value !== "boolean") {
    throw new TypeError("Option value must be a boolean");
  }
  Reflect.set(socket, name, value);
}

/**
 * The options every socket has, declared here (merged with the class) so that bundled
 * declarations keep them: the table's, generated into option-properties.ts, and the
 * security options (their accessors are in security-options.ts). The table's accessors
 * are defined below.
 */
export interface Socket extends SocketOptionProperties {
  // Security options (their accessors are in security-options.ts).
  /** ZMQ_PLAIN_SERVER: act as PLAIN server (needs a ZAP handler, as libzmq). */
  plainServer: boolean;
  /** ZMQ_PLAIN_USERNAME: PLAIN client user name; setting it selects PLAIN. */
  plainUsername: string | null;
  /** ZMQ_PLAIN_PASSWORD: PLAIN client password; setting it selects PLAIN. */
  plainPassword: string | null;
  /** ZMQ_CURVE_SERVER: act as CURVE server (needs `curveSecretKey`). */
  curveServer: boolean;
  /** ZMQ_CURVE_PUBLICKEY: long-term public key (40 Z85 characters or 32 bytes; reads as Z85). */
  curvePublicKey: string | null;
  /** ZMQ_CURVE_SECRETKEY: long-term secret key (40 Z85 characters or 32 bytes; reads as Z85). */
  curveSecretKey: string | null;
  /** ZMQ_CURVE_SERVERKEY: the server's public key, set on CURVE clients; selects the client role. */
  curveServerKey: string | null;
  /** ZMQ_ZAP_DOMAIN: the ZAP domain; with NULL security, ZAP is consulted only when set. */
  zapDomain: string | null;
  /** ZMQ_ZAP_ENFORCE_DOMAIN: fail handshakes that need ZAP when no handler is bound. */
  zapEnforceDomain: boolean;
  /** ZMQ_VMCI_BUFFER_SIZE: there is no VMCI transport; reading or setting it throws EINVAL (as zeromq.js without VMCI). */
  vmciBufferSize: number;
  /** ZMQ_VMCI_BUFFER_MIN_SIZE: no VMCI transport (EINVAL). */
  vmciBufferMinSize: number;
  /** ZMQ_VMCI_BUFFER_MAX_SIZE: no VMCI transport (EINVAL). */
  vmciBufferMaxSize: number;
  /** ZMQ_VMCI_CONNECT_TIMEOUT: no VMCI transport (EINVAL). */
  vmciConnectTimeout: number;
}

// ---- option accessors -----------------------------------------------------------

/** A class whose prototype gets an accessor. */
type Target = { prototype: object };

/**
 * An integer option as zeromq.js converts it: any number, truncated toward zero; a
 * 32-bit option wraps as a C `int` does (2**33 → 0), a 64-bit one keeps its value.
 */
function int(value: unknown, min: number, wide = false): number {
  if (typeof value !== "number") throw new TypeError("Option value must be a number");
  let n = Math.trunc(value);
  if (!Number.isFinite(n)) n = 0;
  if (!wide) n |= 0;
  if (n < min) throw new ZmqError("EINVAL");
  return n;
}

/** libzmq's 64-bit integer options (ZMQ_AFFINITY, ZMQ_MAXMSGSIZE). */
const WIDE_OPTIONS = new Set([4, 22]);

/** libzmq's unsigned 64-bit option, ZMQ_AFFINITY. */
const UINT64_OPTION = 4;

/**
 * An unsigned 64-bit option as zeromq.js converts it: truncated toward zero, a
 * negative number (or NaN) is 0 and one past 2^64-1 is 2^64-1 (2**64 as a number);
 * nothing is refused.
 */
function uint64(value: unknown): number {
  if (typeof value !== "number") throw new TypeError("Option value must be a number");
  if (!(value > 0)) return 0;
  return Math.min(Math.trunc(value), 2 ** 64);
}

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

function bytesOrNull(value: unknown): Uint8Array | undefined {
  // null clears; undefined is no string or buffer (a TypeError, as zeromq.js).
  if (value === null) return undefined;
  if (typeof value === "string") return utf8Encode(value);
  if (value instanceof Uint8Array) return value;
  throw new TypeError("Option value must be a string or buffer");
}

/** Options of a closed socket throw ENOTSOCK, as zeromq.js (getsockopt on a closed socket). */
function checkOption(socket: Socket): void {
  if (coreOf(socket).closed) throw new ZmqError("ENOTSOCK");
}

function define(targets: Target[], name: string | symbol, desc: PropertyDescriptor) {
  const { get, set } = desc;
  const accessor: PropertyDescriptor = {};
  if (get) {
    accessor.get = function (this: Socket) {
      checkOption(this);
      return get.call(this);
    };
  }
  if (set) {
    accessor.set = function (this: Socket, value: unknown) {
      checkOption(this);
      set.call(this, value);
      if (typeof name === "string") warnIfLate(this, name);
    };
  }
  for (const target of targets) {
    Object.defineProperty(target.prototype, name, {
      ...desc,
      ...accessor,
      configurable: true,
      enumerable: false,
    });
  }
}

/**
 * Options zeromq.js does not warn about when set on a bound or connected socket (they
 * take effect at once): SUBSCRIBE, UNSUBSCRIBE, LINGER, ROUTER_MANDATORY, PROBE_ROUTER,
 * XPUB_VERBOSE(R), REQ_CORRELATE, REQ_RELAXED, ROUTER_HANDOVER, SNDHWM, RCVHWM, SNDTIMEO,
 * RCVTIMEO (by libzmq number).
 */
const IMMEDIATE_OPTION_IDS = new Set([6, 7, 17, 33, 51, 40, 52, 53, 56, 78, 23, 24, 28, 27]);
const IMMEDIATE_NAMES = new Set(["verbosity"]);

/** zeromq.js's process warning for an option set after bind/connect (or during a bind). */
function warnIfLate(socket: Socket, name: string): void {
  const core = coreOf(socket);
  if (core.endpointCount === 0 && !core.binding) return;
  if (IMMEDIATE_NAMES.has(name)) return;
  const spec = (OPTIONS as Record<string, OptionSpec>)[name];
  if (spec !== undefined && IMMEDIATE_OPTION_IDS.has(spec.id)) return;
  core.runtime.warn?.("Socket option will not take effect until next connect/bind.");
}

/** Defines the accessor of table option `name` on `targets`. */
function defineOption(targets: Target[], name: OptionName, spec: OptionSpec): void {
  if (spec.layer === "security") return; // security-options.ts
  const convert = converter(spec);
  if (spec.layer === "pattern") {
    const key = spec.pattern!;
    const read = spec.kind === "bytes" ? readBytes : identity;
    const set = function (this: Socket, value: unknown) {
      coreOf(this).setPatternOption(key, convert(value) as never);
    };
    // A write-only option has no getter, as in zeromq.js (reading gives undefined).
    if (spec.writeOnly) {
      define(targets, name, { set });
      return;
    }
    define(targets, name, {
      get(this: Socket) {
        return read(coreOf(this).patternOption(key));
      },
      set,
    });
    return;
  }
  const key = name as CoreOptionName;
  if (name === "tcpAcceptFilter") {
    // Each assignment adds a filter (libzmq); the getter gives the last value assigned.
    define(targets, name, {
      get(this: Socket) {
        return coreOf(this).options[key];
      },
      set(this: Socket, value: unknown) {
        coreOf(this).addAcceptFilter(convert(value) as string | null);
      },
    });
    return;
  }
  define(targets, name, {
    get(this: Socket) {
      return coreOf(this).options[key];
    },
    set(this: Socket, value: unknown) {
      coreOf(this).setOption(key, convert(value));
    },
  });
}

function converter(spec: OptionSpec): (value: unknown) => unknown {
  switch (spec.kind) {
    case "int": {
      if (spec.id === UINT64_OPTION) return uint64;
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const wide = WIDE_OPTIONS.has(spec.id);
      const { max, unit } = spec;
      if (max === undefined && unit === undefined) return (value) => int(value, min, wide);
      return (value) => {
        let n = int(value, Number.MIN_SAFE_INTEGER, wide);
        // Truncated to whole units as libzmq stores it (5 ms of ZMQ_HEARTBEAT_TTL reads back 0).
        if (unit !== undefined) n = Math.trunc(n / unit) * unit + 0;
        if (n < min || (max !== undefined && n > max)) throw new ZmqError("EINVAL");
        return n;
      };
    }
    case "bool":
      return bool;
    case "string":
      return stringOrNull;
    default:
      if (spec.nullable === false) {
        return (value) => {
          if (value === null) throw new ZmqError("EINVAL");
          return bytesOrNull(value);
        };
      }
      return bytesOrNull;
  }
}

function identity(value: unknown): unknown {
  return value;
}

function readBytes(value: unknown): string | null {
  return value === undefined ? null : utf8Decode(value as Uint8Array);
}

/** A string option: a string, a buffer (UTF-8, as zeromq.js) or null. */
function stringOrNull(value: unknown): string | null {
  if (value instanceof Uint8Array) return utf8Decode(value);
  if (value !== null && typeof value !== "string") {
    throw new TypeError("Option value must be a string or buffer");
  }
  return value;
}

/**
 * Defines the accessors of every table option that applies to each class in
 * `classes` (by socket type), or, with `common`, of the options every socket has
 * on `Socket` itself.
 */
export function installOptionAccessors(
  classes: Partial<Record<PatternType, Target>>,
  common = false,
): void {
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    if (spec.on === "all") {
      if (common) defineOption([Socket], name, spec);
      continue;
    }
    const targets: Target[] = [];
    for (const [type, target] of Object.entries(classes) as [PatternType, Target][]) {
      if (optionApplies(spec, type, socketTraits(type))) targets.push(target);
    }
    if (targets.length > 0) defineOption(targets, name, spec);
  }
}

// ---- send / receive mixins --------------------------------------------------------

function send(this: Socket, ...args: (MessageLike | MessageLike[])[]): Promise<void> {
  if (args.length === 0) throw new TypeError("Message must be present");
  const core = coreOf(this);
  return core.send(toFrames(args[0]!, core.runtime.encodeString, core.runtime.copyFrame));
}

function receive(this: Socket): Promise<Message[]> {
  return coreOf(this).receive();
}

/** The end of iteration as zeromq.js gives it: `{ done: true }`, with no `value` key. */
const ITERATION_DONE = Object.freeze({ done: true }) as IteratorReturnResult<undefined>;

function asyncIterator(this: Socket): AsyncIterator<Message[], undefined> {
  const core = coreOf(this);
  return {
    next: (): Promise<IteratorResult<Message[], undefined>> => {
      if (this.closed) return Promise.resolve({ ...ITERATION_DONE });
      // A message already queued resolves at once, without an async function and
      // its await per message.
      const ready = core.receiveNow();
      if (ready !== undefined) return Promise.resolve({ done: false, value: ready });
      return nextLater(this);
    },
  };
}

/** The iterator's `next()` that waits: the end (done) when the socket closes meanwhile. */
async function nextLater(socket: Socket): Promise<IteratorResult<Message[], undefined>> {
  try {
    return { done: false, value: await receive.call(socket) };
  } catch (error) {
    if (socket.closed && (error as { code?: string }).code === "EAGAIN") {
      return { ...ITERATION_DONE };
    }
    throw error;
  }
}

/**
 * Gives each class (by socket type) what its type has: `send`, `receive` and
 * async iteration (from the type's traits) and its option accessors.
 */
export function installSocketClasses(classes: Partial<Record<PatternType, Target>>): void {
  const entries = Object.entries(classes) as [PatternType, Target][];
  allowSend(entries.filter(([type]) => socketTraits(type).send).map(([, target]) => target));
  allowReceive(entries.filter(([type]) => socketTraits(type).receive).map(([, target]) => target));
  installOptionAccessors(classes);
}

function allowSend(targets: Target[]): void {
  define(targets, "send", { value: send, writable: true });
}

function allowReceive(targets: Target[]): void {
  define(targets, "receive", { value: receive, writable: true });
  define(targets, Symbol.asyncIterator, {
    value: asyncIterator,
    writable: true,
  });
}

export const options = { int, bool, bytesOrNull, stringOrNull, define };

installOptionAccessors({}, true);

// libzmq's VMCI options: this implementation has no VMCI transport, so (as zeromq.js on a
// libzmq built without it) reading or setting them fails with EINVAL.
for (const name of [
  "vmciBufferSize",
  "vmciBufferMinSize",
  "vmciBufferMaxSize",
  "vmciConnectTimeout",
]) {
  define([Socket], name, {
    get() {
      throw new ZmqError("EINVAL");
    },
    set(value: unknown) {
      // The value's type is checked first, as zeromq.js does before calling libzmq.
      if (typeof value !== "number") throw new TypeError("Option value must be a number");
      throw new ZmqError("EINVAL");
    },
  });
}
