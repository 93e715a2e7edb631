/**
 * The concrete socket types, with the options and methods zeromq.js gives each.
 */
import type { Context } from "./context";
import type { Message, MessageLike } from "./message";
import { defineSecurityOptions } from "./security-options";
import { coreOf, installSocketClasses, options, Socket, SocketType } from "./socket";

const { bytesOrNull } = options;

/** Options accepted by a socket constructor: its writable properties plus `context`. */
export type SocketOptions<S> = Partial<
  { context: Context } & {
    -readonly [K in keyof S as S[K] extends (...args: never[]) => unknown ? never : K]: S[K];
  }
>;

/** A socket that can send. */
export interface Writable<M extends MessageLike | MessageLike[] = MessageLike | MessageLike[]> {
  /** ZMQ_SNDBUF (accepted, the OS default is used). */
  sendBufferSize: number;
  /** ZMQ_SNDHWM: messages queued per peer before the socket is mute. Default 1000. */
  sendHighWaterMark: number;
  /** ZMQ_SNDTIMEO: how long `send` waits (ms); -1 = forever, 0 = fail at once with EAGAIN. */
  sendTimeout: number;
  /** ZMQ_MULTICAST_HOPS (accepted; for udp later). */
  multicastHops: number;
  /**
   * Queues one message (a frame or an array of frames) and resolves once the
   * socket took it; waits while the socket is mute (up to `sendTimeout`, then
   * EAGAIN). One send at a time: a second concurrent call fails with EBUSY.
   */
  send(message: M): Promise<void>;
}

/** A socket that can receive. */
export interface Readable<M extends object[] = Message[]> {
  /** ZMQ_RCVBUF (accepted, the OS default is used). */
  receiveBufferSize: number;
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses. Default 1000. */
  receiveHighWaterMark: number;
  /** ZMQ_RCVTIMEO: how long `receive` waits (ms); -1 = forever, 0 = fail at once with EAGAIN. */
  receiveTimeout: number;
  /**
   * Resolves to the next message's frames, waiting up to `receiveTimeout`
   * (then EAGAIN). One receive at a time: a second concurrent call fails with EBUSY.
   */
  receive(): Promise<M>;
  /** Yields each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>;
}

/** Options on every socket (declaration merging with the class in socket.ts). */
declare module "./socket" {
  interface Socket {
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
  }
}

defineSecurityOptions();

// ---- the types ----------------------------------------------------------------------

/** PAIR: one peer, both directions, blocks in mute state. */
export class Pair extends Socket {
  constructor(options?: SocketOptions<Pair>) {
    super(SocketType.Pair, options);
  }
}
export interface Pair extends Writable, Readable {}

/** PUB: fans messages out to matching subscribers; drops for a peer at its HWM. */
export class Publisher extends Socket {
  constructor(options?: SocketOptions<Publisher>) {
    super(SocketType.Publisher, options);
  }
}
export interface Publisher extends Writable {
  /** ZMQ_XPUB_NODROP: `send` waits (EAGAIN on timeout) instead of dropping at the HWM. */
  noDrop: boolean;
  /** ZMQ_CONFLATE: keep only the newest message. */
  conflate: boolean;
  /** ZMQ_INVERT_MATCHING: send to the peers that do *not* match. */
  invertMatching: boolean;
}

/** SUB: receives what matches its subscriptions (none at first). */
export class Subscriber extends Socket {
  constructor(options?: SocketOptions<Subscriber>) {
    super(SocketType.Subscriber, options);
  }

  /** Subscribes to topic prefixes; no argument subscribes to everything. */
  subscribe(...prefixes: Array<Uint8Array | string>): void {
    const core = coreOf(this);
    if (prefixes.length === 0) core.subscribe("", true);
    for (const prefix of prefixes) core.subscribe(prefix, true);
  }

  /** Removes one subscription per prefix; no argument removes the "everything" one. */
  unsubscribe(...prefixes: Array<Uint8Array | string>): void {
    const core = coreOf(this);
    if (prefixes.length === 0) core.subscribe("", false);
    for (const prefix of prefixes) core.subscribe(prefix, false);
  }
}
export interface Subscriber extends Readable {
  /** ZMQ_CONFLATE. */
  conflate: boolean;
  /** ZMQ_INVERT_MATCHING: keep the messages that do *not* match. */
  invertMatching: boolean;
}

/** REQ: strict request/reply; a second send before the reply fails with EFSM. */
export class Request extends Socket {
  constructor(options?: SocketOptions<Request>) {
    super(SocketType.Request, options);
  }
}
export interface Request extends Readable, Writable {
  /** ZMQ_ROUTING_ID. */
  routingId: string | null;
  /** ZMQ_PROBE_ROUTER. */
  probeRouter: boolean;
  /** ZMQ_REQ_CORRELATE. */
  correlate: boolean;
  /** ZMQ_REQ_RELAXED. */
  relaxed: boolean;
}

/** REP: answers requests, echoing their envelope. */
export class Reply extends Socket {
  constructor(options?: SocketOptions<Reply>) {
    super(SocketType.Reply, options);
  }
}
export interface Reply extends Readable, Writable {
  /** ZMQ_ROUTING_ID. */
  routingId: string | null;
}

/** DEALER: round-robin out, fair-queue in, no envelope handling. */
export class Dealer extends Socket {
  constructor(options?: SocketOptions<Dealer>) {
    super(SocketType.Dealer, options);
  }
}
export interface Dealer extends Readable, Writable {
  /** ZMQ_ROUTING_ID. */
  routingId: string | null;
  /** ZMQ_PROBE_ROUTER. */
  probeRouter: boolean;
  /** ZMQ_CONFLATE. */
  conflate: boolean;
}

/** Per-connection options of `Router.connect`. */
export interface RouterConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID: the routing id this socket gives the peer of this connection. */
  routingId?: string;
}

/** ROUTER: addresses peers by routing id (the first frame). */
export class Router extends Socket {
  constructor(options?: SocketOptions<Router>) {
    super(SocketType.Router, options);
  }

  override connect(address: string, options: RouterConnectOptions = {}): void {
    const id = options.routingId === undefined ? undefined : bytesOrNull(options.routingId);
    coreOf(this).connect(address, id);
  }
}
export interface Router extends Readable, Writable {
  /** ZMQ_ROUTING_ID. */
  routingId: string | null;
  /** ZMQ_ROUTER_MANDATORY: unroutable messages fail with EHOSTUNREACH. */
  mandatory: boolean;
  /** ZMQ_PROBE_ROUTER. */
  probeRouter: boolean;
  /** ZMQ_ROUTER_HANDOVER. */
  handover: boolean;
}

/** PULL: fair-queues messages from pushers. */
export class Pull extends Socket {
  constructor(options?: SocketOptions<Pull>) {
    super(SocketType.Pull, options);
  }
}
export interface Pull extends Readable {
  /** ZMQ_CONFLATE. */
  conflate: boolean;
}

/** PUSH: round-robins messages to pullers; blocks in mute state. */
export class Push extends Socket {
  constructor(options?: SocketOptions<Push>) {
    super(SocketType.Push, options);
  }
}
export interface Push extends Writable {
  /** ZMQ_CONFLATE. */
  conflate: boolean;
}

/** XPUB: a publisher that receives subscriptions as `\x01topic` / `\x00topic` messages. */
export class XPublisher extends Socket {
  constructor(options?: SocketOptions<XPublisher>) {
    super(SocketType.XPublisher, options);
  }

  /** ZMQ_XPUB_VERBOSE / ZMQ_XPUB_VERBOSER as one setting. */
  set verbosity(value: null | "allSubs" | "allSubsUnsubs") {
    const core = coreOf(this);
    if (value === null) {
      core.setPatternOption("xpubVerbose", false);
    } else if (value === "allSubs") {
      core.setPatternOption("xpubVerbose", true);
    } else if (value === "allSubsUnsubs") {
      core.setPatternOption("xpubVerboser", true);
    } else {
      throw new TypeError('verbosity must be null, "allSubs" or "allSubsUnsubs"');
    }
  }

  /** In manual mode: forward a subscription upstream (ZMQ_SUBSCRIBE on an XPUB). */
  subscribe(...prefixes: Array<Uint8Array | string>): void {
    for (const prefix of prefixes.length === 0 ? [""] : prefixes)
      coreOf(this).subscribe(prefix, true);
  }

  unsubscribe(...prefixes: Array<Uint8Array | string>): void {
    for (const prefix of prefixes.length === 0 ? [""] : prefixes)
      coreOf(this).subscribe(prefix, false);
  }
}
export interface XPublisher extends Readable, Writable {
  /** ZMQ_XPUB_NODROP. */
  noDrop: boolean;
  /** ZMQ_XPUB_MANUAL. */
  manual: boolean;
  /** ZMQ_XPUB_WELCOME_MSG. */
  welcomeMessage: string | null;
  /** ZMQ_INVERT_MATCHING. */
  invertMatching: boolean;
}

/** XSUB: a subscriber whose subscriptions are messages it sends (`\x01topic`). */
export class XSubscriber extends Socket {
  constructor(options?: SocketOptions<XSubscriber>) {
    super(SocketType.XSubscriber, options);
  }
}
export interface XSubscriber extends Readable, Writable {}

/** Per-connection options of `Stream.connect`. */
export interface StreamConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID for this connection. */
  routingId?: string;
}

/** STREAM: raw TCP; messages are `[routingId, data]`. */
export class Stream extends Socket {
  constructor(options?: SocketOptions<Stream>) {
    super(SocketType.Stream, options);
  }

  override connect(address: string, options: StreamConnectOptions = {}): void {
    const id = options.routingId === undefined ? undefined : bytesOrNull(options.routingId);
    coreOf(this).connect(address, id);
  }
}
export interface Stream extends Readable<[Message, Message]>, Writable<[MessageLike, MessageLike]> {
  /** ZMQ_STREAM_NOTIFY: deliver `[id, ""]` on connect and disconnect. Default true. */
  notify: boolean;
}

// ---- which socket has what ------------------------------------------------------------

const classes = {
  PAIR: Pair,
  PUB: Publisher,
  SUB: Subscriber,
  REQ: Request,
  REP: Reply,
  DEALER: Dealer,
  ROUTER: Router,
  PULL: Pull,
  PUSH: Push,
  XPUB: XPublisher,
  XSUB: XSubscriber,
  STREAM: Stream,
} as const;
installSocketClasses(classes);
