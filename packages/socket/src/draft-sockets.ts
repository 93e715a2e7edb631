/**
 * libzmq's draft socket types with zeromq.js's `zeromq/draft` API:
 * `Server`/`Client`, `Radio`/`Dish`, `Scatter`/`Gather`, `Datagram`, plus `Peer`
 * and `Channel`. All of them are single-part: sending more than one frame
 * rejects with EINVAL, and multipart input is dropped. A binding re-exports them
 * (`@zmq/node/draft`).
 */
import {
  type Dish as DishSocket,
  decodeServerRoutingId,
  encodeServerRoutingId,
  type Peer as PeerSocket,
} from "@zmq/patterns";
import { utf8Encode } from "@zmq/wire";
import { toZmqError, ZmqError } from "./errors";
import type { Message, MessageLike } from "./message";
import { toFrames } from "./message";
import type {
  ChannelOptionProperties,
  ClientOptionProperties,
  DatagramOptionProperties,
  DishOptionProperties,
  GatherOptionProperties,
  PeerOptionProperties,
  RadioOptionProperties,
  ReceiveOptionProperties,
  ScatterOptionProperties,
  SendOptionProperties,
  ServerOptionProperties,
} from "./option-properties";
import { coreOf, installOptionAccessors, options, Socket } from "./socket";
import { withLibzmqText } from "./socket-core";
import type { SocketOptions } from "./sockets";

const { define } = options;

/** zeromq.js's numbers for the draft types (libzmq's `ZMQ_SERVER` …). */
export const DraftSocketType = {
  /** ZMQ_SERVER, {@link Server}. */
  Server: 12,
  /** ZMQ_CLIENT, {@link Client}. */
  Client: 13,
  /** ZMQ_RADIO, {@link Radio}. */
  Radio: 14,
  /** ZMQ_DISH, {@link Dish}. */
  Dish: 15,
  /** ZMQ_GATHER, {@link Gather}. */
  Gather: 16,
  /** ZMQ_SCATTER, {@link Scatter}. */
  Scatter: 17,
  /** ZMQ_DGRAM, {@link Datagram}. */
  Datagram: 18,
  /** ZMQ_PEER, {@link Peer}. */
  Peer: 19,
  /** ZMQ_CHANNEL, {@link Channel}. */
  Channel: 20,
} as const;

/** Options every draft socket that sends has. */
export interface DraftWritable extends SendOptionProperties {}

/** Options every draft socket that receives has. */
export interface DraftReadable extends ReceiveOptionProperties {}

/** `send` options of a RADIO: the group, 0–255 bytes. */
export interface RadioGroupOptions {
  /** The group to send to; a string is UTF-8 encoded (cut at a NUL byte). */
  group: Uint8Array | string;
}

/** What a DISH's `receive` gives with each message. */
export interface DishGroupOptions {
  /** The group the message was sent to. */
  group: Message;
}

/** A SERVER/PEER message's peer: a non-zero uint32. */
export interface ServerRoutingOptions {
  /** The peer's routing id, 1 to 2^32-1, as received with its messages (or from PEER's `connect`). */
  routingId: number;
}

/**
 * A single-part send as zeromq.js makes it. What zeromq.js checks synchronously
 * throws: a missing message, then (`options !== false`: SERVER, RADIO) options that
 * are not an object, then closed / busy (`checkSend`), then whatever `prefix`
 * throws while it converts the routing id or group. A multipart message fails only
 * when libzmq takes it (`zmq_msg_send`), so it rejects.
 */
function sendSingle(
  socket: Socket,
  message: MessageLike | MessageLike[] | undefined,
  prefix?: () => Uint8Array,
): Promise<void> {
  if (message === undefined) throw new TypeError("Message must be present");
  const core = coreOf(socket);
  core.checkSend();
  const frames = toFrames(message, core.runtime.encodeString, core.runtime.copyFrame);
  const first = prefix?.();
  if (frames.length !== 1) {
    // Refused once the socket could send it (zeromq.js waits for a peer first).
    return core.send(
      frames,
      new ZmqError("EINVAL", undefined, undefined, {
        cause: new Error("draft sockets do not support multipart messages"),
      }),
    );
  }
  return core.send(first === undefined ? frames : [first, frames[0]!]);
}

/** zeromq.js's check of SERVER/RADIO send options: an object (a function or array passes). */
function checkSendOptions(message: unknown, options: unknown): void {
  if (message === undefined) throw new TypeError("Message must be present");
  if (options === null || (typeof options !== "object" && typeof options !== "function")) {
    throw new TypeError("Options must be an object");
  }
}

/**
 * A group as bytes, cut at the first zero byte: libzmq takes groups as C strings,
 * so zeromq.js's `join("fo\0ba")` joins "fo" (and a RADIO sends to "fo").
 */
function groupBytes(group: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof group === "string") bytes = utf8Encode(group);
  else if (group instanceof Uint8Array) bytes = group;
  else throw new TypeError("Value must be a string or buffer");
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/**
 * A SERVER/PEER routing id as zeromq.js converts it: missing is EINVAL, a
 * non-number a TypeError, a number is taken as a uint32 (JavaScript's ToUint32:
 * 1.5 is 1, -1 is 2^32-1, 2^33 is 0), and 0 is EINVAL (`zmq_msg_set_routing_id`).
 * An id no peer has fails later, at the send, with EHOSTUNREACH.
 */
function routingIdFrame(routingId: unknown): Uint8Array {
  if (routingId === undefined) {
    throw new ZmqError("EINVAL", undefined, undefined, {
      cause: new Error("the send options have no routingId"),
    });
  }
  if (typeof routingId !== "number") throw new TypeError("A number was expected");
  const id = routingId >>> 0;
  if (id === 0) {
    throw new ZmqError("EINVAL", undefined, undefined, {
      cause: new Error(`routing id ${routingId} is 0 as a uint32; peers have 1 to 2^32-1`),
    });
  }
  return encodeServerRoutingId(id);
}

function iterate<T>(socket: Socket, receive: () => Promise<T>): AsyncIterator<T, undefined> {
  return {
    next: async (): Promise<IteratorResult<T, undefined>> => {
      if (socket.closed) return { done: true, value: undefined };
      try {
        return { done: false, value: await receive() };
      } catch (error) {
        if (socket.closed && (error as { code?: string }).code === "EAGAIN") {
          return { done: true, value: undefined };
        }
        throw error;
      }
    },
  };
}

// ---- CLIENT / SERVER ---------------------------------------------------------------

/** A single-part socket that both sends and receives plain messages (CLIENT, CHANNEL). */
abstract class SinglePartDuplex extends Socket {
  /**
   * Queue one single-frame message and resolve once the socket took it; waits
   * while the socket is mute, up to `sendTimeout` (then EAGAIN). A multipart
   * message fails with EINVAL once the socket could send it (as zeromq.js: it
   * waits like any send first); a second concurrent send with EBUSY.
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    return sendSingle(this, message);
  }

  /**
   * Resolve to the next message (one frame), waiting up to `receiveTimeout`
   * (then EAGAIN). A second concurrent receive fails with EBUSY.
   */
  receive(): Promise<[Message]> {
    return coreOf(this).receive() as Promise<[Message]>;
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message], undefined> {
    return iterate(this, () => this.receive());
  }
}

/** CLIENT (RFC 41): round-robin requests to SERVERs, fair-queued replies. */
export class Client extends SinglePartDuplex {
  /**
   * Create a CLIENT socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Client>) {
    super(DraftSocketType.Client, options);
  }
}
export interface Client extends DraftWritable, DraftReadable, ClientOptionProperties {}

/** A SERVER/PEER send: one frame to the peer named by a numeric routing id. */
function sendRouted(
  socket: Socket,
  message: MessageLike | MessageLike[],
  options: ServerRoutingOptions,
): Promise<void> {
  checkSendOptions(message, options);
  return sendSingle(socket, message, () => routingIdFrame(options.routingId));
}

/** A SERVER/PEER receive: the frame and the routing id of the peer it came from. */
async function receiveRouted(socket: Socket): Promise<[Message, ServerRoutingOptions]> {
  const [id, body] = await coreOf(socket).receive();
  return [body!, { routingId: decodeServerRoutingId(id!) ?? 0 }];
}

/** SERVER (RFC 41): replies go to the CLIENT named by `routingId`. */
export class Server extends Socket {
  /**
   * Create a SERVER socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Server>) {
    super(DraftSocketType.Server, options);
  }

  /**
   * Queue one single-frame message for the peer `options.routingId` and resolve
   * once the socket took it. As zeromq.js: a missing message or options that are
   * not an object throw TypeError, a missing routing id throws EINVAL, one that is
   * not a number TypeError; a number is taken as a uint32 (1.5 is 1), and 0 that
   * way throws EINVAL. A routing id that names no connected peer rejects with
   * EHOSTUNREACH, a multipart message with EINVAL; a second concurrent send throws EBUSY.
   */
  send(message: MessageLike | MessageLike[], options: ServerRoutingOptions): Promise<void> {
    return sendRouted(this, message, options);
  }

  /**
   * Resolve to the next message (one frame) and the routing id of the peer that
   * sent it, waiting up to `receiveTimeout` (then EAGAIN). A second concurrent
   * receive fails with EBUSY.
   */
  receive(): Promise<[Message, ServerRoutingOptions]> {
    return receiveRouted(this);
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message, ServerRoutingOptions], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Server extends DraftWritable, DraftReadable, ServerOptionProperties {}

/** PEER (RFC 51): a SERVER that also connects; `connect` returns the new peer's routing id. */
export class Peer extends Socket {
  /**
   * Create a PEER socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Peer>) {
    super(DraftSocketType.Peer, options);
  }

  /**
   * Connects (libzmq's `zmq_connect_peer`) and returns the routing id of the
   * queue it created; send to it at once, messages wait for the connection. EFAULT
   * with `immediate`, where no queue exists before the handshake.
   */
  override connect(address: string): number {
    const core = coreOf(this);
    if (core.options.immediate) {
      throw new ZmqError("EFAULT", "connect on a PEER needs immediate = false", address);
    }
    core.connect(address);
    const id = (core.ps as PeerSocket).lastRoutingId;
    if (id === undefined) throw new ZmqError("EFAULT", "the connection has no routing id", address);
    return id;
  }

  /**
   * Queue one single-frame message for the peer `options.routingId` and resolve
   * once the socket took it. As zeromq.js: a missing message or options that are
   * not an object throw TypeError, a missing routing id throws EINVAL, one that is
   * not a number TypeError; a number is taken as a uint32 (1.5 is 1), and 0 that
   * way throws EINVAL. A routing id that names no connected peer rejects with
   * EHOSTUNREACH, a multipart message with EINVAL; a second concurrent send throws EBUSY.
   */
  send(message: MessageLike | MessageLike[], options: ServerRoutingOptions): Promise<void> {
    return sendRouted(this, message, options);
  }

  /**
   * Resolve to the next message (one frame) and the routing id of the peer that
   * sent it, waiting up to `receiveTimeout` (then EAGAIN). A second concurrent
   * receive fails with EBUSY.
   */
  receive(): Promise<[Message, ServerRoutingOptions]> {
    return receiveRouted(this);
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message, ServerRoutingOptions], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Peer extends DraftWritable, DraftReadable, PeerOptionProperties {}

// ---- RADIO / DISH ------------------------------------------------------------------

/** RADIO (RFC 48): sends each message to the DISHes that joined its group. */
export class Radio extends Socket {
  /**
   * Create a RADIO socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Radio>) {
    super(DraftSocketType.Radio, options);
  }

  /**
   * Queue one single-frame message for the DISHes that joined `options.group`
   * and resolve once the socket took it (a DISH at its HWM misses it, unless
   * `noDrop`). As zeromq.js: a missing message or options that are not an object
   * throw TypeError, a missing group throws EINVAL, one that is neither a string nor
   * bytes TypeError; a group is cut at its first NUL byte and after 255 bytes. A
   * multipart message rejects with EINVAL; a second concurrent send throws EBUSY.
   */
  send(message: MessageLike | MessageLike[], options: RadioGroupOptions): Promise<void> {
    checkSendOptions(message, options);
    return sendSingle(this, message, () => {
      if (options.group === undefined) {
        throw new ZmqError("EINVAL", undefined, undefined, {
          cause: new Error("the send options have no group"),
        });
      }
      // libzmq's zmq_msg_set_group reads at most 255 bytes of the group (strnlen):
      // a longer one is cut there, not refused (zeromq.js resolves).
      const group = groupBytes(options.group);
      return group.length > 255 ? group.subarray(0, 255) : group;
    });
  }
}
export interface Radio extends DraftWritable, RadioOptionProperties {}

/** DISH (RFC 48): receives the messages of the groups it joined. */
export class Dish extends Socket {
  /**
   * Create a DISH socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Dish>) {
    super(DraftSocketType.Dish, options);
  }

  /** Joins groups (exact match, 0–255 bytes; EINVAL when already joined). */
  join(...values: Array<Uint8Array | string>): void {
    this.#groups(values, true);
  }

  /** Leaves groups (EINVAL when not joined). */
  leave(...values: Array<Uint8Array | string>): void {
    this.#groups(values, false);
  }

  /**
   * Resolve to the next message of a joined group, with that group, waiting up
   * to `receiveTimeout` (then EAGAIN). A second concurrent receive fails with EBUSY.
   */
  async receive(): Promise<[Message, DishGroupOptions]> {
    const [group, body] = await coreOf(this).receive();
    return [body!, { group: group! }];
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message, DishGroupOptions], undefined> {
    return iterate(this, () => this.receive());
  }

  #groups(values: Array<Uint8Array | string>, join: boolean): void {
    const core = coreOf(this);
    if (core.closed) throw new ZmqError("EBADF");
    const dish = core.ps as DishSocket;
    for (const value of values) {
      const group = groupBytes(value);
      try {
        if (join) dish.join(group);
        else dish.leave(group);
      } catch (error) {
        throw withLibzmqText(toZmqError(error));
      }
    }
  }
}
export interface Dish extends DraftReadable, DishOptionProperties {}

// ---- SCATTER / GATHER, CHANNEL, DGRAM ------------------------------------------------

/** SCATTER (RFC 49): round-robin to GATHERs. */
export class Scatter extends Socket {
  /**
   * Create a SCATTER socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Scatter>) {
    super(DraftSocketType.Scatter, options);
  }

  /**
   * Queue one single-frame message for the next GATHER in turn and resolve once the socket took it; waits
   * while the socket is mute, up to `sendTimeout` (then EAGAIN). A multipart
   * message fails with EINVAL once the socket could send it (as zeromq.js: it
   * waits like any send first); a second concurrent send with EBUSY.
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    return sendSingle(this, message);
  }
}
export interface Scatter extends DraftWritable, ScatterOptionProperties {}

/** GATHER (RFC 49): fair-queues from SCATTERs. */
export class Gather extends Socket {
  /**
   * Create a GATHER socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Gather>) {
    super(DraftSocketType.Gather, options);
  }

  /**
   * Resolve to the next message (one frame), waiting up to `receiveTimeout`
   * (then EAGAIN). A second concurrent receive fails with EBUSY.
   */
  receive(): Promise<[Message]> {
    return coreOf(this).receive() as Promise<[Message]>;
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Gather extends DraftReadable, GatherOptionProperties {}

/** CHANNEL: a single-part, one-peer PAIR. */
export class Channel extends SinglePartDuplex {
  /**
   * Create a CHANNEL socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Channel>) {
    super(DraftSocketType.Channel, options);
  }
}
export interface Channel extends DraftWritable, DraftReadable, ChannelOptionProperties {}

/**
 * DGRAM over udp only (bind `udp://*:port`): messages are `[address, body]`,
 * `address` being `"ip:port"`; received addresses end in a NUL byte, as libzmq's.
 */
export class Datagram extends Socket {
  /**
   * Create a DGRAM socket (a draft type), not bound or connected yet.
   * @param options - initial values of its writable option properties (the
   *   ones listed on this class, e.g. `linger`), and `context`: the
   *   `Context` to create it in, the default context when left out.
   * @throws TypeError for an unknown option name or a value of the wrong type;
   *   `ZmqError` EINVAL for a value out of range; `Error` when `context` is not a `Context`.
   */
  constructor(options?: SocketOptions<Datagram>) {
    super(DraftSocketType.Datagram, options);
  }

  /**
   * Send `[address, body]` as one datagram to `address` (`"ip:port"`) and
   * resolve once the socket took it. Anything but two frames fails with EINVAL;
   * a second concurrent send with EBUSY.
   */
  send(message: [MessageLike, MessageLike]): Promise<void> {
    if (message === undefined) throw new TypeError("Message must be present");
    const core = coreOf(this);
    core.checkSend();
    if (!Array.isArray(message) || message.length !== 2) {
      // libzmq's text, as zeromq.js reports it (when libzmq takes the message: a
      // rejection); ours explains it in `cause`.
      return Promise.reject(
        new ZmqError("EINVAL", undefined, undefined, {
          cause: new ZmqError("EINVAL", "Datagram messages are [address, body]"),
        }),
      );
    }
    return core.send(toFrames(message, core.runtime.encodeString, core.runtime.copyFrame));
  }

  /**
   * Resolve to the next datagram as `[address, body]`, the address being the
   * sender's `"ip:port"` followed by a NUL byte; waits up to `receiveTimeout`
   * (then EAGAIN). A second concurrent receive fails with EBUSY.
   */
  receive(): Promise<[Message, Message]> {
    return coreOf(this).receive() as Promise<[Message, Message]>;
  }

  /** Yield each received message until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<[Message, Message], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Datagram extends DraftWritable, DraftReadable, DatagramOptionProperties {}

// ---- options --------------------------------------------------------------------------

installOptionAccessors({
  SERVER: Server,
  CLIENT: Client,
  RADIO: Radio,
  DISH: Dish,
  GATHER: Gather,
  SCATTER: Scatter,
  DGRAM: Datagram,
  PEER: Peer,
  CHANNEL: Channel,
});
// Draft sockets are thread-safe in libzmq (ZMQ_THREAD_SAFE = 1), except DGRAM.
define([Client, Server, Peer, Radio, Dish, Scatter, Gather, Channel], "threadSafe", {
  get() {
    return true;
  },
});
