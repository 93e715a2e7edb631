/**
 * Every socket option in one table, in the manner of libzmq's `options_t`: each
 * entry names the zeromq.js property, the libzmq option and its number, the value
 * kind and default, which socket types have it, when a change takes effect and
 * which layer consumes it. Defaults (`defaultCoreOptions`), accessors
 * (`installOptionAccessors`) and validation derive from it; the per-connection
 * projections (`sessionOptions`, `transportOptions` in socket-core.ts) read the
 * values it declares. Adding an option is one entry here plus its consumer; the
 * public property declarations (option-properties.ts) are generated from this
 * table by scripts/gen-options.ts (`pnpm --filter @zmq/socket gen:options`), and a
 * test fails while they are stale.
 *
 * Options whose `layer` is `"inert"` are accepted and stored, as zeromq.js does,
 * but nothing reads them; their `doc` says why.
 */
import type { SocketOptions as PatternOptions, SocketTraits, SocketType } from "@zmq/patterns";
import type { Context } from "./context";

/** When a changed value is used. */
export type OptionEffect =
  /** At once (send/receive timeouts, HWMs of attached pipes, subscriptions). */
  | "now"
  /** By each connection made after the change (engine and security settings). */
  | "next-connection"
  /** By the next `bind()` (listener settings). */
  | "next-bind"
  /** By the next connection attempt (transport settings of `connect()`). */
  | "next-connect"
  /** When the socket closes (linger). */
  | "close"
  /** Never: accepted for compatibility. */
  | "never";

/** Who reads the value. */
export type OptionLayer =
  /** `@zmq/patterns`: the value lives in the pattern socket. */
  | "pattern"
  /** The socket core (timeouts, reconnects, immediate). */
  | "socket"
  /** Sessions: the wire engine and security of each connection. */
  | "session"
  /** The transport of each bind/connect (tcp, udp …). */
  | "transport"
  /** Security: ZMQ_PLAIN_* / ZMQ_CURVE_* / ZMQ_ZAP_*, with their own accessors (security-options.ts). */
  | "security"
  /** Nobody. */
  | "inert";

/** Which socket classes have the accessor. */
export type OptionScope =
  | "all"
  | "send"
  | "receive"
  | readonly SocketType[]
  | ((traits: SocketTraits) => boolean);

/** How an option's value is read and written. */
export type OptionKind =
  /** An integer (zeromq.js's number options); a 32-bit one wraps as a C `int`. */
  | "int"
  /** A boolean. */
  | "bool"
  /** A string (a buffer is read as UTF-8), or null for none. */
  | "string"
  /** Bytes set as a string or buffer, read back as a UTF-8 string, or null for none. */
  | "bytes";

/**
 * One entry of the options table ({@link OPTIONS}): what the option is in libzmq,
 * its value kind and default, which sockets have it, when a change takes effect
 * and which layer reads it.
 */
export interface OptionSpec<T = unknown> {
  /** The libzmq option, e.g. `ZMQ_SNDHWM`. */
  readonly zmq: string;
  /** Its number in `zmq.h`. */
  readonly id: number;
  /** The value kind; it decides the accessor's conversion and the declared type. */
  readonly kind: OptionKind;
  /** The default (a function of the context for `maxMessageSize` and `ipv6`). */
  readonly default: T | ((context: Context) => T);
  /** The default in words, for a default computed from the context (the generated TSDoc). */
  readonly defaultDoc?: string;
  /** Which socket classes have the accessor. */
  readonly on: OptionScope;
  /** When a changed value is used. */
  readonly effect: OptionEffect;
  /** Who reads the value (`"inert"`: nobody; the doc says why). */
  readonly layer: OptionLayer;
  /** Smallest integer accepted (EINVAL below). */
  readonly min?: number;
  /** `false`: null is EINVAL (libzmq takes no empty value), rather than a reset. */
  readonly nullable?: false;
  /** Largest integer accepted (EINVAL above). */
  readonly max?: number;
  /**
   * The unit libzmq keeps the value in, in ms (ZMQ_HEARTBEAT_TTL: deciseconds, 100): a value
   * is truncated to a whole number of units, and `min`/`max` bound what is kept.
   */
  readonly unit?: number;
  /**
   * Set-only, as zeromq.js defines it (no getter: reading gives `undefined`); libzmq cannot
   * read most of these back either.
   */
  readonly writeOnly?: true;
  /** For `layer: "pattern"`: the key in `@zmq/patterns`' `SocketOptions`. */
  readonly pattern?: keyof PatternOptions;
  /** What it does here, especially when that differs from libzmq. */
  readonly doc: string;
}

function int<const S extends Omit<OptionSpec<number>, "kind">>(spec: S): S & { kind: "int" } {
  return { ...spec, kind: "int" };
}
function bool<const S extends Omit<OptionSpec<boolean>, "kind">>(spec: S): S & { kind: "bool" } {
  return { ...spec, kind: "bool" };
}
function str<const S extends Omit<OptionSpec<string | null>, "kind">>(
  spec: S,
): S & { kind: "string" } {
  return { ...spec, kind: "string" };
}
/** Bytes set as a string or buffer, read back as a string (or null). */
function bytes<const S extends Omit<OptionSpec<null>, "kind">>(spec: S): S & { kind: "bytes" } {
  return { ...spec, kind: "bytes" };
}

const ROUTING = ["REQ", "REP", "ROUTER", "DEALER"] as const;

const TABLE = {
  // ---- pattern layer
  linger: int({
    zmq: "ZMQ_LINGER",
    id: 17,
    default: -1,
    min: -1,
    on: "all",
    effect: "close",
    layer: "pattern",
    pattern: "linger",
    doc: "How long queued messages are kept after close (ms, -1 = forever); 0 by default for SUB, XSUB, DISH.",
  }),
  sendHighWaterMark: int({
    zmq: "ZMQ_SNDHWM",
    id: 23,
    default: 1000,
    min: 0,
    on: "send",
    effect: "now",
    layer: "pattern",
    pattern: "sendHighWaterMark",
    doc: "Messages queued per peer before the socket is mute; 0 = no limit.",
  }),
  receiveHighWaterMark: int({
    zmq: "ZMQ_RCVHWM",
    id: 24,
    default: 1000,
    min: 0,
    on: "receive",
    effect: "now",
    layer: "pattern",
    pattern: "receiveHighWaterMark",
    doc: "Messages queued per peer before reading from it pauses; 0 = no limit.",
  }),
  routingId: bytes({
    zmq: "ZMQ_ROUTING_ID",
    id: 5,
    default: null,
    on: ROUTING,
    effect: "next-connection",
    layer: "pattern",
    pattern: "routingId",
    nullable: false,
    doc: "The Identity this socket announces to peers (1-255 bytes).",
  }),
  mandatory: bool({
    zmq: "ZMQ_ROUTER_MANDATORY",
    id: 33,
    default: false,
    on: ["ROUTER"],
    effect: "now",
    layer: "pattern",
    pattern: "routerMandatory",
    doc: "Unroutable messages fail with EHOSTUNREACH instead of being dropped.",
  }),
  handover: bool({
    zmq: "ZMQ_ROUTER_HANDOVER",
    id: 56,
    default: false,
    on: ["ROUTER"],
    effect: "now",
    layer: "pattern",
    writeOnly: true,
    pattern: "routerHandover",
    doc: "A new peer with a known routing id takes it over.",
  }),
  probeRouter: bool({
    zmq: "ZMQ_PROBE_ROUTER",
    id: 51,
    default: false,
    on: ["ROUTER", "DEALER", "REQ"],
    effect: "next-connection",
    layer: "pattern",
    writeOnly: true,
    pattern: "probeRouter",
    doc: "Send an empty message to each new peer.",
  }),
  correlate: bool({
    zmq: "ZMQ_REQ_CORRELATE",
    id: 52,
    default: false,
    on: ["REQ"],
    effect: "now",
    layer: "pattern",
    writeOnly: true,
    pattern: "correlate",
    doc: "Prefix requests with a request id; drop replies that do not match.",
  }),
  relaxed: bool({
    zmq: "ZMQ_REQ_RELAXED",
    id: 53,
    default: false,
    on: ["REQ"],
    effect: "now",
    layer: "pattern",
    writeOnly: true,
    pattern: "relaxed",
    doc: "Allow a new request before the reply arrived.",
  }),
  conflate: bool({
    zmq: "ZMQ_CONFLATE",
    id: 54,
    default: false,
    on: (traits) => traits.conflateOption,
    effect: "next-connection",
    layer: "pattern",
    writeOnly: true,
    pattern: "conflate",
    doc: "Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB; accepted and ignored by SCATTER/GATHER, as libzmq).",
  }),
  noDrop: bool({
    zmq: "ZMQ_XPUB_NODROP",
    id: 69,
    default: false,
    on: ["XPUB", "PUB", "RADIO"],
    effect: "now",
    layer: "pattern",
    writeOnly: true,
    pattern: "xpubNoDrop",
    doc: "`send` waits (EAGAIN on timeout) instead of dropping at the HWM.",
  }),
  manual: bool({
    zmq: "ZMQ_XPUB_MANUAL",
    id: 71,
    default: false,
    on: ["XPUB"],
    effect: "now",
    layer: "pattern",
    writeOnly: true,
    pattern: "xpubManual",
    doc: "The application applies subscriptions with subscribe/unsubscribe.",
  }),
  welcomeMessage: bytes({
    zmq: "ZMQ_XPUB_WELCOME_MSG",
    id: 72,
    default: null,
    on: ["XPUB"],
    effect: "next-connection",
    layer: "pattern",
    writeOnly: true,
    pattern: "xpubWelcomeMessage",
    doc: "A message sent to each new subscriber.",
  }),
  notify: bool({
    zmq: "ZMQ_STREAM_NOTIFY",
    id: 73,
    default: true,
    on: ["STREAM"],
    effect: "next-connection",
    layer: "pattern",
    writeOnly: true,
    pattern: "streamNotify",
    doc: "Deliver [id, ''] on connect and disconnect.",
  }),
  invertMatching: bool({
    zmq: "ZMQ_INVERT_MATCHING",
    id: 74,
    default: false,
    on: ["PUB", "SUB", "XPUB"],
    effect: "now",
    layer: "pattern",
    pattern: "invertMatching",
    doc: "Match the subscriptions that do not match.",
  }),

  // ---- socket core
  sendTimeout: int({
    zmq: "ZMQ_SNDTIMEO",
    id: 28,
    default: -1,
    min: -1,
    on: "send",
    effect: "now",
    layer: "socket",
    doc: "How long `send` waits (ms); -1 = forever, 0 = EAGAIN at once.",
  }),
  receiveTimeout: int({
    zmq: "ZMQ_RCVTIMEO",
    id: 27,
    default: -1,
    min: -1,
    on: "receive",
    effect: "now",
    layer: "socket",
    doc: "How long `receive` waits (ms); -1 = forever, 0 = EAGAIN at once.",
  }),
  reconnectInterval: int({
    zmq: "ZMQ_RECONNECT_IVL",
    id: 18,
    default: 100,
    min: -1,
    on: "all",
    effect: "next-connect",
    layer: "socket",
    doc: "Delay before reconnecting (ms, plus a random jitter up to as much); -1 = never reconnect.",
  }),
  reconnectMaxInterval: int({
    zmq: "ZMQ_RECONNECT_IVL_MAX",
    id: 21,
    default: 0,
    min: 0,
    on: "all",
    effect: "next-connect",
    layer: "socket",
    doc: "> 0: exponential backoff from reconnectInterval up to this (ms), no jitter.",
  }),
  immediate: bool({
    zmq: "ZMQ_IMMEDIATE",
    id: 39,
    default: false,
    on: "all",
    effect: "next-connect",
    layer: "socket",
    doc: "Queue messages only to peers whose handshake is complete.",
  }),

  // ---- sessions (each connection's wire engine)
  maxMessageSize: int({
    zmq: "ZMQ_MAXMSGSIZE",
    id: 22,
    // The context's ZMQ_MAX_MSGSZ (default INT32_MAX, libzmq's: no limit) when set lower.
    default: (context) => {
      const limit = context.maxMessageSize;
      return limit >= 0 && limit < 0x7fffffff ? limit : -1;
    },
    defaultDoc: "the context's `maxMessageSize` when it is below 2147483647, otherwise `-1`",
    // Any negative value means no limit (libzmq takes an int64 and checks only >= 0).
    on: "all",
    effect: "next-connection",
    layer: "session",
    doc: "Largest message accepted from a peer (bytes); -1 = no limit.",
  }),
  handshakeInterval: int({
    zmq: "ZMQ_HANDSHAKE_IVL",
    id: 66,
    default: 30_000,
    min: 0,
    on: "all",
    effect: "next-connection",
    layer: "session",
    doc: "A peer must finish its handshake in this time (ms); 0 = no limit.",
  }),
  heartbeatInterval: int({
    zmq: "ZMQ_HEARTBEAT_IVL",
    id: 75,
    default: 0,
    min: 0,
    on: "all",
    effect: "next-connection",
    layer: "session",
    doc: "Send a PING this often (ms); 0 = off.",
  }),
  heartbeatTimeToLive: int({
    zmq: "ZMQ_HEARTBEAT_TTL",
    id: 76,
    default: 0,
    min: 0,
    max: 6553500,
    unit: 100,
    on: "all",
    effect: "next-connection",
    layer: "session",
    doc: "Tell peers to drop us after this long without traffic (ms).",
  }),
  heartbeatTimeout: int({
    zmq: "ZMQ_HEARTBEAT_TIMEOUT",
    id: 77,
    default: -1,
    min: -1,
    on: "all",
    effect: "next-connection",
    layer: "session",
    doc: "Drop a peer silent this long after a PING (ms); -1 = heartbeatInterval.",
  }),

  // ---- transports
  backlog: int({
    zmq: "ZMQ_BACKLOG",
    id: 19,
    default: 100,
    min: 0,
    on: "all",
    effect: "next-bind",
    layer: "transport",
    doc: "Pending connections a tcp/ipc listener queues.",
  }),
  ipv6: bool({
    zmq: "ZMQ_IPV6",
    id: 42,
    default: (context) => context.ipv6,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "`tcp://*` binds dual-stack; host names may resolve to IPv6.",
  }),
  connectTimeout: int({
    zmq: "ZMQ_CONNECT_TIMEOUT",
    id: 79,
    default: 0,
    min: 0,
    on: "all",
    effect: "next-connect",
    layer: "socket",
    doc: "A tcp/ipc connection attempt not established in this time (ms) is abandoned and retried after reconnectInterval; 0 = the OS's limit.",
  }),
  tcpKeepalive: int({
    zmq: "ZMQ_TCP_KEEPALIVE",
    id: 34,
    default: -1,
    min: -1,
    max: 1,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "SO_KEEPALIVE on tcp connections: -1 = the OS default (off), 0 = off, 1 = on.",
  }),
  tcpKeepaliveIdle: int({
    zmq: "ZMQ_TCP_KEEPALIVE_IDLE",
    id: 36,
    default: -1,
    min: -1,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "Idle time before the first keepalive probe (s), with tcpKeepalive = 1; -1 = the OS default.",
  }),
  tcpKeepaliveCount: int({
    zmq: "ZMQ_TCP_KEEPALIVE_CNT",
    id: 35,
    default: -1,
    min: -1,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Accepted, not applied: Node's net API (setKeepAlive) sets only SO_KEEPALIVE and the idle time, not TCP_KEEPCNT; the OS default count is used.",
  }),
  tcpKeepaliveInterval: int({
    zmq: "ZMQ_TCP_KEEPALIVE_INTVL",
    id: 37,
    default: -1,
    min: -1,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Accepted, not applied: Node's net API (setKeepAlive) sets only SO_KEEPALIVE and the idle time, not TCP_KEEPINTVL; the OS default interval is used.",
  }),
  multicastHops: int({
    zmq: "ZMQ_MULTICAST_HOPS",
    id: 25,
    default: 1,
    min: 1,
    on: "send",
    effect: "next-connect",
    layer: "transport",
    doc: "TTL of udp multicast this socket sends (RADIO).",
  }),
  multicastLoop: bool({
    zmq: "ZMQ_MULTICAST_LOOP",
    id: 96,
    default: true,
    on: ["RADIO"],
    effect: "next-connect",
    layer: "transport",
    doc: "udp multicast is looped back to this host.",
  }),

  // ---- wss:// (libzmq draft options; zeromq.js has none)
  wssKeyPem: str({
    zmq: "ZMQ_WSS_KEY_PEM",
    id: 101,
    default: null,
    on: "all",
    effect: "next-bind",
    layer: "transport",
    doc: "Private key (PEM) of a `wss://` server; required to bind wss.",
  }),
  wssCertPem: str({
    zmq: "ZMQ_WSS_CERT_PEM",
    id: 102,
    default: null,
    on: "all",
    effect: "next-bind",
    layer: "transport",
    doc: "Certificate chain (PEM) of a `wss://` server; required to bind wss.",
  }),
  wssTrustPem: str({
    zmq: "ZMQ_WSS_TRUST_PEM",
    id: 103,
    default: null,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "Certificate(s) (PEM) a `wss://` client trusts.",
  }),
  wssHostname: str({
    zmq: "ZMQ_WSS_HOSTNAME",
    id: 104,
    default: null,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "Name the `wss://` server certificate must carry, and SNI; default the endpoint's host.",
  }),
  wssTrustSystem: int({
    zmq: "ZMQ_WSS_TRUST_SYSTEM",
    id: 105,
    default: -1,
    min: -1,
    on: "all",
    effect: "next-connect",
    layer: "transport",
    doc: "Also trust the system CA store (1/0); -1 = yes unless wssTrustPem is set.",
  }),

  // ---- accepted, nothing reads them
  affinity: int({
    zmq: "ZMQ_AFFINITY",
    id: 4,
    default: 0,
    min: 0,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "There are no I/O threads to pin connections to.",
  }),
  rate: int({
    zmq: "ZMQ_RATE",
    id: 8,
    default: 100,
    min: 1,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "For PGM multicast, which is not supported.",
  }),
  recoveryInterval: int({
    zmq: "ZMQ_RECOVERY_IVL",
    id: 9,
    default: 10_000,
    min: 0,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "For PGM multicast, which is not supported.",
  }),
  sendBufferSize: int({
    zmq: "ZMQ_SNDBUF",
    id: 11,
    default: -1,
    min: -1,
    on: "send",
    effect: "never",
    layer: "inert",
    doc: "The OS default socket buffer is used.",
  }),
  receiveBufferSize: int({
    zmq: "ZMQ_RCVBUF",
    id: 12,
    default: -1,
    min: -1,
    on: "receive",
    effect: "never",
    layer: "inert",
    doc: "The OS default socket buffer is used.",
  }),
  tcpAcceptFilter: str({
    zmq: "ZMQ_TCP_ACCEPT_FILTER",
    id: 38,
    default: null,
    on: "all",
    effect: "next-bind",
    layer: "socket",
    doc: 'Each assignment adds a filter (a numeric address with an optional `/mask`; anything else is EINVAL), `null` or `""` removes them all; a tcp bind made afterwards accepts only peers inside one of them and reports the others as `accept:error`. Reading gives the last value assigned (zeromq.js cannot read it: EINVAL).',
  }),
  typeOfService: int({
    zmq: "ZMQ_TOS",
    id: 57,
    default: 0,
    min: 0,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Node's net API cannot set IP_TOS.",
  }),
  socksProxy: str({
    zmq: "ZMQ_SOCKS_PROXY",
    id: 68,
    default: null,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "SOCKS5 proxies are not supported yet.",
  }),
  tcpMaxRetransmitTimeout: int({
    zmq: "ZMQ_TCP_MAXRT",
    id: 80,
    default: 0,
    min: 0,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Node's net API cannot set TCP_MAXRT (Windows only in libzmq).",
  }),
  multicastMaxTransportDataUnit: int({
    zmq: "ZMQ_MULTICAST_MAXTPDU",
    id: 84,
    default: 1500,
    min: 1,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "For PGM multicast, which is not supported.",
  }),
  interface: str({
    zmq: "ZMQ_BINDTODEVICE",
    id: 92,
    default: null,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Node's net API cannot set SO_BINDTODEVICE.",
  }),
  loopbackFastPath: bool({
    zmq: "ZMQ_LOOPBACK_FASTPATH",
    id: 94,
    default: false,
    on: "all",
    effect: "never",
    layer: "inert",
    doc: "Windows only in libzmq.",
  }),
} as const;

/** The options' names: the zeromq.js property names, the keys of {@link OPTIONS}. */
export type OptionName = keyof typeof TABLE;

/**
 * The table: every socket option, keyed by its zeromq.js property name. The
 * entries keep their literal types inside this module (for {@link CoreOptions}).
 */
export const OPTIONS: { readonly [K in OptionName]: OptionSpec } = TABLE;

type ValueOf<S> = S extends { kind: "int" }
  ? number
  : S extends { kind: "bool" }
    ? boolean
    : S extends { kind: "string" }
      ? string | null
      : never;

/** The names of the options the socket layer stores (all but the pattern ones). */
export type CoreOptionName = {
  [K in OptionName]: (typeof TABLE)[K] extends { layer: "pattern" } ? never : K;
}[OptionName];

/** The values the socket layer stores, one per non-pattern option of the table. */
export type CoreOptions = { [K in CoreOptionName]: ValueOf<(typeof TABLE)[K]> };

/** The defaults of every non-pattern option, for a socket in `context`. */
export function defaultCoreOptions(context: Context): CoreOptions {
  coreDefaults ??= collectCoreDefaults();
  // A copy of the template (every key already there, the context-dependent ones
  // undefined), then those few filled in: every socket (a DEALER per request, in
  // connection churn) starts here. Adding keys to the copy instead would turn it
  // into a slow dictionary object: ~20 us per socket, against ~0.5 us.
  const values: Record<string, unknown> = { ...coreDefaults.template };
  for (const [name, compute] of coreDefaults.computed) values[name] = compute(context);
  return values as CoreOptions;
}

/** The socket-layer options' defaults: a template of every key, and the context-dependent ones. */
let coreDefaults:
  | {
      template: Record<string, unknown>;
      computed: [string, (context: Context) => unknown][];
    }
  | undefined;

function collectCoreDefaults(): NonNullable<typeof coreDefaults> {
  const fixed: Record<string, unknown> = {};
  const computed: [string, (context: Context) => unknown][] = [];
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    if (spec.layer === "pattern") continue;
    if (typeof spec.default === "function") {
      computed.push([name, spec.default as (context: Context) => unknown]);
      fixed[name] = undefined;
    } else fixed[name] = spec.default;
  }
  return { template: { ...fixed }, computed };
}

/** True when a socket of `type` with `traits` has option `spec`. */
export function optionApplies(spec: OptionSpec, type: SocketType, traits: SocketTraits): boolean {
  const on = spec.on;
  if (on === "all") return true;
  if (on === "send") return traits.send;
  if (on === "receive") return traits.receive;
  if (typeof on === "function") return on(traits);
  return on.includes(type);
}
