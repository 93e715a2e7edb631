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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged interface declares the option accessors installed on the prototype below (from the options table)
export abstract class Socket implements Observable {
  #events: Observer | undefined;

  /** `type`: zeromq.js's number of the socket type (`SocketType`, or a draft type's). */
  protected constructor(type: number, options: object = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Options must be an object");
    }
    const { context = getDefaultContext(), ...rest } = options as { context?: Context };
    // As zeromq.js: anything but a Context is an invalid argument.
    if (!(context instanceof Context)) throw new Error("Invalid argument");
    const name = WIRE_NAMES[type];
    if (name === undefined) throw new TypeError(`Unknown socket type ${type}`);
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

  protected getBoolOption(option: number): boolean {
    return rawGet(this, option, "bool") as boolean;
  }
  protected setBoolOption(option: number, value: boolean): void {
    rawSet(this, option, "bool", value);
  }
  protected getInt32Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  protected setInt32Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  protected getUint32Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  protected setUint32Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  protected getInt64Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  protected setInt64Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  protected getUint64Option(option: number): number {
    return rawGet(this, option, "int") as number;
  }
  protected setUint64Option(option: number, value: number): void {
    rawSet(this, option, "int", value);
  }
  protected getStringOption(option: number): string | null {
    return rawGet(this, option, "string") as string | null;
  }
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
  if (typeof option !== "number") throw new TypeError("Option must be a number");
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

function rawSet(socket: Socket, option: number, kind: "bool" | "int" | "string", value: unknown) {
  const name = rawName(socket, option);
  if (kind === "int") {
    if (typeof value !== "number") throw new TypeError("Value must be a number");
    if (!Number.isSafeInteger(Math.trunc(value))) {
      coreOf(socket).runtime.warn?.(
        "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.",
      );
    }
  } else if (kind === "bool" && typeof value !== "boolean") {
    throw new TypeError("Value must be a boolean");
  }
  Reflect.set(socket, name, value);
}

/**
 * The options every socket has, declared here (merged with the class) so that bundled
 * declarations keep them; their accessors are defined from the options table below and
 * in security-options.ts.
 */
export interface Socket {
  /** ZMQ_LINGER: how long queued messages are kept after close (ms, -1 = forever). */
  linger: number;
  /** ZMQ_RECONNECT_IVL (ms); -1 = never reconnect. Default 100. */
  reconnectInterval: number;
  /** ZMQ_RECONNECT_IVL_MAX (ms); > 0 enables exponential backoff up to it. */
  reconnectMaxInterval: number;
  /** ZMQ_BACKLOG: pending connections a listener queues. Default 100. */
  backlog: number;
  /** ZMQ_MAXMSGSIZE: largest frame accepted from a peer (bytes); -1 = no limit. */
  maxMessageSize: number;
  /** ZMQ_IMMEDIATE: queue messages only to peers whose handshake is complete. */
  immediate: boolean;
  /** ZMQ_IPV6: `tcp://*` binds dual-stack and host names may resolve to IPv6. */
  ipv6: boolean;
  /** ZMQ_HANDSHAKE_IVL (ms): a peer must finish its handshake in this time; 0 = no limit. */
  handshakeInterval: number;
  /** ZMQ_HEARTBEAT_IVL (ms): send a PING this often; 0 = off. */
  heartbeatInterval: number;
  /** ZMQ_HEARTBEAT_TTL (ms): tell peers to drop us after this long without traffic. */
  heartbeatTimeToLive: number;
  /** ZMQ_HEARTBEAT_TIMEOUT (ms): drop a peer silent this long after a PING; -1 = the interval. */
  heartbeatTimeout: number;
  /** ZMQ_TCP_KEEPALIVE: -1 OS default, 0 off, 1 on. */
  tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_CNT (accepted, not applied: Node's net API cannot set TCP_KEEPCNT). */
  tcpKeepaliveCount: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE (s): idle time before the first probe, with `tcpKeepalive = 1`. */
  tcpKeepaliveIdle: number;
  /** ZMQ_TCP_KEEPALIVE_INTVL (accepted, not applied: Node's net API cannot set TCP_KEEPINTVL). */
  tcpKeepaliveInterval: number;
  /** ZMQ_CONNECT_TIMEOUT (ms): a tcp/ipc attempt not established in time is retried; 0 = the OS's limit. */
  connectTimeout: number;
  /** ZMQ_AFFINITY (accepted; there are no I/O threads). */
  affinity: number;
  /** ZMQ_RATE (accepted; multicast). */
  rate: number;
  /** ZMQ_RECOVERY_IVL (accepted; multicast). */
  recoveryInterval: number;
  /** ZMQ_TCP_ACCEPT_FILTER (accepted). */
  tcpAcceptFilter: string | null;
  /** ZMQ_TOS (accepted). */
  typeOfService: number;
  /** ZMQ_SOCKS_PROXY (accepted, not used yet). */
  socksProxy: string | null;
  /** ZMQ_TCP_MAXRT (accepted). */
  tcpMaxRetransmitTimeout: number;
  /** ZMQ_MULTICAST_MAXTPDU (accepted). */
  multicastMaxTransportDataUnit: number;
  /** ZMQ_BINDTODEVICE (accepted). */
  interface: string | null;
  /** ZMQ_LOOPBACK_FASTPATH (accepted; Windows only in libzmq). */
  loopbackFastPath: boolean;
  /** ZMQ_WSS_KEY_PEM: private key (PEM) of a `wss://` server. */
  wssKeyPem: string | null;
  /** ZMQ_WSS_CERT_PEM: certificate chain (PEM) of a `wss://` server. */
  wssCertPem: string | null;
  /** ZMQ_WSS_TRUST_PEM: certificate(s) (PEM) a `wss://` client trusts. */
  wssTrustPem: string | null;
  /** ZMQ_WSS_HOSTNAME: name the `wss://` server certificate must carry (default: the endpoint's host). */
  wssHostname: string | null;
  /** ZMQ_WSS_TRUST_SYSTEM: also trust the system CA store (1/0); -1 = yes unless `wssTrustPem` is set. */
  wssTrustSystem: number;
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
      const wide = WIDE_OPTIONS.has(spec.id);
      return (value) => int(value, min, wide);
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
    set() {
      throw new ZmqError("EINVAL");
    },
  });
}
