/**
 * The public socket classes, shaped like zeromq.js v6: one class per type,
 * promise-based `send`/`receive`, async iteration, camelCase options whose docs
 * name the libzmq option. Instances are sealed, so a misspelt option throws
 * instead of being ignored; methods a type lacks are absent (a `Publisher` has
 * no `receive`).
 */
import { type SocketType as PatternType, SOCKET_TYPE_NUMBER, socketTraits } from "@zmq/patterns";
import { utf8Decode, utf8Encode } from "@zmq/wire";
import { type Context, getDefaultContext } from "./context";
import { ZmqError } from "./errors";
import { type Message, type MessageLike, toFrames } from "./message";
import { type Observable, Observer } from "./observer";
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
  Pair: 0,
  Publisher: 1,
  Subscriber: 2,
  Request: 3,
  Reply: 4,
  Dealer: 5,
  Router: 6,
  Pull: 7,
  Push: 8,
  XPublisher: 9,
  XSubscriber: 10,
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
export abstract class Socket implements Observable {
  #events: Observer | undefined;

  /** `type`: zeromq.js's number of the socket type (`SocketType`, or a draft type's). */
  protected constructor(type: number, options: object = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Options must be an object");
    }
    const { context = getDefaultContext(), ...rest } = options as { context?: Context };
    const name = WIRE_NAMES[type];
    if (name === undefined) throw new TypeError(`Unknown socket type ${type}`);
    cores.set(this, new SocketCore(name, context, this));
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
}

// ---- option accessors -----------------------------------------------------------

/** A class whose prototype gets an accessor. */
type Target = { prototype: object };

function int(value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError("Option value must be an integer");
  }
  if (value < min) throw new ZmqError("EINVAL");
  return value;
}

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  return value;
}

function bytesOrNull(value: unknown): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
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

/** Defines the accessor of table option `name` on `targets`. */
function defineOption(targets: Target[], name: OptionName, spec: OptionSpec): void {
  if (spec.layer === "security") return; // security-options.ts
  const convert = converter(spec);
  if (spec.layer === "pattern") {
    const key = spec.pattern!;
    const read = spec.kind === "bytes" ? readBytes : identity;
    define(targets, name, {
      get(this: Socket) {
        return read(coreOf(this).patternOption(key));
      },
      set(this: Socket, value: unknown) {
        coreOf(this).setPatternOption(key, convert(value) as never);
      },
    });
    return;
  }
  const key = name as CoreOptionName;
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
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      return (value) => int(value, min);
    }
    case "bool":
      return bool;
    case "string":
      return stringOrNull;
    default:
      return bytesOrNull;
  }
}

function identity(value: unknown): unknown {
  return value;
}

function readBytes(value: unknown): string | null {
  return value === undefined ? null : utf8Decode(value as Uint8Array);
}

function stringOrNull(value: unknown): string | null {
  if (value !== null && typeof value !== "string") {
    throw new TypeError("Option value must be a string");
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
  return core.send(toFrames(args[0]!, core.runtime.encodeString));
}

function receive(this: Socket): Promise<Message[]> {
  return coreOf(this).receive();
}

function asyncIterator(this: Socket): AsyncIterator<Message[], undefined> {
  return {
    next: async (): Promise<IteratorResult<Message[], undefined>> => {
      if (this.closed) return { done: true, value: undefined };
      try {
        return { done: false, value: await receive.call(this) };
      } catch (error) {
        if (this.closed && (error as { code?: string }).code === "EAGAIN") {
          return { done: true, value: undefined };
        }
        throw error;
      }
    },
  };
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

export const options = { int, bool, bytesOrNull, define };

installOptionAccessors({}, true);
