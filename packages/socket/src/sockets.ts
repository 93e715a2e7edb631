/**
 * The concrete socket types, with the options and methods zeromq.js gives each.
 */
import type { Context } from "./context";
import type { Message, MessageLike } from "./message";
import type {
  DealerOptionProperties,
  PairOptionProperties,
  PublisherOptionProperties,
  PullOptionProperties,
  PushOptionProperties,
  ReceiveOptionProperties,
  ReplyOptionProperties,
  RequestOptionProperties,
  RouterOptionProperties,
  SendOptionProperties,
  StreamOptionProperties,
  SubscriberOptionProperties,
  XPublisherOptionProperties,
  XSubscriberOptionProperties,
} from "./option-properties";
import { defineSecurityOptions } from "./security-options";
import { coreOf, installSocketClasses, options, Socket, SocketType } from "./socket";

const { bytesOrNull } = options;

/**
 * Options accepted by a socket constructor: its writable properties plus
 * `context`. Methods and read-only properties (getters such as `closed`,
 * `events`, `lastEndpoint`, `securityMechanism`, `threadSafe`, `type`) are
 * not options. (A key is writable when `{ [K]: … }` and `{ -readonly [K]: … }`
 * are the same type.)
 */
export type SocketOptions<S> = Partial<
  {
    /** The context to create the socket in; the binding's default context when left out. */
    context: Context;
  } & {
    [K in keyof S as S[K] extends (...args: never[]) => unknown
      ? never
      : (<U>() => U extends { [Q in K]: S[K] } ? 1 : 2) extends <U>() => U extends {
            -readonly [Q in K]: S[K];
          }
            ? 1
            : 2
        ? K
        : never]: S[K];
  }
>;

/**
 * A socket that can send.
 * @typeParam M - the message (or message parts) `send` takes.
 * @typeParam O - the further arguments `send` takes after the message: none
 *   for the standard sockets, e.g. `[ServerRoutingOptions]` for a draft SERVER.
 */
export interface Writable<
  M extends MessageLike | MessageLike[] = MessageLike | MessageLike[],
  O extends [...object[]] = [],
> extends SendOptionProperties {
  /**
   * Queues one message (a frame or an array of frames) and resolves once the
   * socket took it; waits while the socket is mute (up to `sendTimeout`, then
   * EAGAIN). One send at a time: a second concurrent call fails with EBUSY.
   */
  send(message: M, ...options: O): Promise<void>;
}

/** A socket that can receive. */
export interface Readable<M extends object[] = Message[]> extends ReceiveOptionProperties {
  /**
   * Resolves to the next message's frames, waiting up to `receiveTimeout`
   * (then EAGAIN). One receive at a time: a second concurrent call fails with EBUSY.
   */
  receive(): Promise<M>;
  /** Yields each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>;
}

defineSecurityOptions();

// ---- the types ----------------------------------------------------------------------

/** PAIR: one peer, both directions, blocks in mute state. */
export class Pair extends Socket {
  /**
   * Create a PAIR socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Pair>) {
    super(SocketType.Pair, options);
  }
}
export interface Pair extends Writable, Readable, PairOptionProperties {}

/** PUB: fans messages out to matching subscribers; drops for a peer at its HWM. */
export class Publisher extends Socket {
  /**
   * Create a PUB socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Publisher>) {
    super(SocketType.Publisher, options);
  }
}
export interface Publisher extends Writable, PublisherOptionProperties {}

/** SUB: receives what matches its subscriptions (none at first). */
export class Subscriber extends Socket {
  /**
   * Create a SUB socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
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
export interface Subscriber extends Readable, SubscriberOptionProperties {}

/** REQ: strict request/reply; a second send before the reply fails with EFSM. */
export class Request extends Socket {
  /**
   * Create a REQ socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Request>) {
    super(SocketType.Request, options);
  }
}
export interface Request extends Readable, Writable, RequestOptionProperties {}

/** REP: answers requests, echoing their envelope. */
export class Reply extends Socket {
  /**
   * Create a REP socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Reply>) {
    super(SocketType.Reply, options);
  }
}
export interface Reply extends Readable, Writable, ReplyOptionProperties {}

/** DEALER: round-robin out, fair-queue in, no envelope handling. */
export class Dealer extends Socket {
  /**
   * Create a DEALER socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Dealer>) {
    super(SocketType.Dealer, options);
  }
}
export interface Dealer extends Readable, Writable, DealerOptionProperties {}

/** Per-connection options of `Router.connect`. */
export interface RouterConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID: the routing id this socket gives the peer of this connection. */
  routingId?: string;
}

/** ROUTER: addresses peers by routing id (the first frame). */
export class Router extends Socket {
  /**
   * Create a ROUTER socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Router>) {
    super(SocketType.Router, options);
  }

  override connect(address: string, options: RouterConnectOptions = {}): void {
    const id = options.routingId === undefined ? undefined : bytesOrNull(options.routingId);
    coreOf(this).connect(address, id);
  }
}
export interface Router extends Readable, Writable, RouterOptionProperties {}

/** PULL: fair-queues messages from pushers. */
export class Pull extends Socket {
  /**
   * Create a PULL socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Pull>) {
    super(SocketType.Pull, options);
  }
}
export interface Pull extends Readable, PullOptionProperties {}

/** PUSH: round-robins messages to pullers; blocks in mute state. */
export class Push extends Socket {
  /**
   * Create a PUSH socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Push>) {
    super(SocketType.Push, options);
  }
}
export interface Push extends Writable, PushOptionProperties {}

/** XPUB: a publisher that receives subscriptions as `\x01topic` / `\x00topic` messages. */
export class XPublisher extends Socket {
  /**
   * Create a XPUB socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
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

  /** In manual mode: forward an unsubscription upstream (ZMQ_UNSUBSCRIBE on an XPUB). */
  unsubscribe(...prefixes: Array<Uint8Array | string>): void {
    for (const prefix of prefixes.length === 0 ? [""] : prefixes)
      coreOf(this).subscribe(prefix, false);
  }
}
export interface XPublisher extends Readable, Writable, XPublisherOptionProperties {}

/** XSUB: a subscriber whose subscriptions are messages it sends (`\x01topic`). */
export class XSubscriber extends Socket {
  /**
   * Create a XSUB socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<XSubscriber>) {
    super(SocketType.XSubscriber, options);
  }
}
export interface XSubscriber extends Readable, Writable, XSubscriberOptionProperties {}

/** Per-connection options of `Stream.connect`. */
export interface StreamConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID for this connection. */
  routingId?: string;
}

/** STREAM: raw TCP; messages are `[routingId, data]`. */
export class Stream extends Socket {
  /**
   * Create a STREAM socket, not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Stream>) {
    super(SocketType.Stream, options);
  }

  override connect(address: string, options: StreamConnectOptions = {}): void {
    const id = options.routingId === undefined ? undefined : bytesOrNull(options.routingId);
    coreOf(this).connect(address, id);
  }
}
export interface Stream
  extends Readable<[Message, Message]>,
    Writable<[MessageLike, MessageLike]>,
    StreamOptionProperties {}

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
