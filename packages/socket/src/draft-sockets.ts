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
import { coreOf, installOptionAccessors, options, Socket } from "./socket";
import { withLibzmqText } from "./socket-core";
import type { SocketOptions } from "./sockets";

const { define } = options;

/** zeromq.js's numbers for the draft types (libzmq's `ZMQ_SERVER` …). */
export const DraftSocketType = {
  Server: 12,
  Client: 13,
  Radio: 14,
  Dish: 15,
  Gather: 16,
  Scatter: 17,
  Datagram: 18,
  Peer: 19,
  Channel: 20,
} as const;

/** Options every draft socket that sends has. */
export interface DraftWritable {
  /** ZMQ_SNDBUF (accepted, the OS default is used). */
  sendBufferSize: number;
  /** ZMQ_SNDHWM. */
  sendHighWaterMark: number;
  /** ZMQ_SNDTIMEO (ms); -1 = forever, 0 = EAGAIN at once. */
  sendTimeout: number;
  /** ZMQ_MULTICAST_HOPS: TTL of udp multicast this socket sends. Default 1. */
  multicastHops: number;
}

/** Options every draft socket that receives has. */
export interface DraftReadable {
  /** ZMQ_RCVBUF (accepted, the OS default is used). */
  receiveBufferSize: number;
  /** ZMQ_RCVHWM. */
  receiveHighWaterMark: number;
  /** ZMQ_RCVTIMEO (ms). */
  receiveTimeout: number;
}

/** `send` options of a RADIO: the group, 0–255 bytes. */
export interface RadioGroupOptions {
  group: Uint8Array | string;
}

/** What a DISH's `receive` gives with each message. */
export interface DishGroupOptions {
  group: Message;
}

/** A SERVER/PEER message's peer: a non-zero uint32. */
export interface ServerRoutingOptions {
  routingId: number;
}

/** The one frame of a single-part send (EINVAL for multipart, as libzmq). */
function singleFrame(socket: Socket, message: MessageLike | MessageLike[] | undefined): Uint8Array {
  if (message === undefined) throw new TypeError("Message must be present");
  const frames = toFrames(message, coreOf(socket).runtime.encodeString);
  if (frames.length !== 1) {
    throw new ZmqError("EINVAL", undefined, undefined, {
      cause: new Error("draft sockets do not support multipart messages"),
    });
  }
  return frames[0]!;
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

function routingIdFrame(routingId: unknown): Uint8Array {
  if (typeof routingId !== "number" || !Number.isInteger(routingId)) {
    throw new TypeError("Routing id must be an integer");
  }
  if (routingId <= 0 || routingId > 0xffffffff) throw new ZmqError("EHOSTUNREACH");
  return encodeServerRoutingId(routingId);
}

async function sendFrames(socket: Socket, frames: () => Uint8Array[]): Promise<void> {
  return coreOf(socket).send(frames());
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
  send(message: MessageLike | MessageLike[]): Promise<void> {
    return sendFrames(this, () => [singleFrame(this, message)]);
  }

  receive(): Promise<[Message]> {
    return coreOf(this).receive() as Promise<[Message]>;
  }

  [Symbol.asyncIterator](): AsyncIterator<[Message], undefined> {
    return iterate(this, () => this.receive());
  }
}

/** CLIENT (RFC 41): round-robin requests to SERVERs, fair-queued replies. */
export class Client extends SinglePartDuplex {
  constructor(options?: SocketOptions<Client>) {
    super(DraftSocketType.Client, options);
  }
}
export interface Client extends DraftWritable, DraftReadable {}

/** A SERVER/PEER send: one frame to the peer named by a numeric routing id. */
function sendRouted(
  socket: Socket,
  message: MessageLike | MessageLike[],
  options: ServerRoutingOptions,
): Promise<void> {
  return sendFrames(socket, () => {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Options must be an object with a routingId");
    }
    return [routingIdFrame(options.routingId), singleFrame(socket, message)];
  });
}

/** A SERVER/PEER receive: the frame and the routing id of the peer it came from. */
async function receiveRouted(socket: Socket): Promise<[Message, ServerRoutingOptions]> {
  const [id, body] = await coreOf(socket).receive();
  return [body!, { routingId: decodeServerRoutingId(id!) ?? 0 }];
}

/** SERVER (RFC 41): replies go to the CLIENT named by `routingId`. */
export class Server extends Socket {
  constructor(options?: SocketOptions<Server>) {
    super(DraftSocketType.Server, options);
  }

  send(message: MessageLike | MessageLike[], options: ServerRoutingOptions): Promise<void> {
    return sendRouted(this, message, options);
  }

  receive(): Promise<[Message, ServerRoutingOptions]> {
    return receiveRouted(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<[Message, ServerRoutingOptions], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Server extends DraftWritable, DraftReadable {}

/** PEER (RFC 51): a SERVER that also connects; `connect` returns the new peer's routing id. */
export class Peer extends Socket {
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

  send(message: MessageLike | MessageLike[], options: ServerRoutingOptions): Promise<void> {
    return sendRouted(this, message, options);
  }

  receive(): Promise<[Message, ServerRoutingOptions]> {
    return receiveRouted(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<[Message, ServerRoutingOptions], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Peer extends DraftWritable, DraftReadable {}

// ---- RADIO / DISH ------------------------------------------------------------------

/** RADIO (RFC 48): sends each message to the DISHes that joined its group. */
export class Radio extends Socket {
  constructor(options?: SocketOptions<Radio>) {
    super(DraftSocketType.Radio, options);
  }

  send(message: MessageLike | MessageLike[], options: RadioGroupOptions): Promise<void> {
    return sendFrames(this, () => {
      if (options === null || typeof options !== "object") {
        throw new TypeError("Options must be an object with a group");
      }
      // libzmq's zmq_msg_set_group reads at most 255 bytes of the group (strnlen):
      // a longer one is cut there, not refused (zeromq.js resolves).
      const group = groupBytes(options.group);
      return [group.length > 255 ? group.subarray(0, 255) : group, singleFrame(this, message)];
    });
  }
}
export interface Radio extends DraftWritable {
  /** ZMQ_MULTICAST_LOOP: udp multicast is looped back to this host. Default true. */
  multicastLoop: boolean;
  /** ZMQ_XPUB_NODROP: wait (or EAGAIN) instead of dropping when a DISH is full. */
  noDrop: boolean;
}

/** DISH (RFC 48): receives the messages of the groups it joined. */
export class Dish extends Socket {
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

  async receive(): Promise<[Message, DishGroupOptions]> {
    const [group, body] = await coreOf(this).receive();
    return [body!, { group: group! }];
  }

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
export interface Dish extends DraftReadable {}

// ---- SCATTER / GATHER, CHANNEL, DGRAM ------------------------------------------------

/** SCATTER (RFC 49): round-robin to GATHERs. */
export class Scatter extends Socket {
  constructor(options?: SocketOptions<Scatter>) {
    super(DraftSocketType.Scatter, options);
  }

  send(message: MessageLike | MessageLike[]): Promise<void> {
    return sendFrames(this, () => [singleFrame(this, message)]);
  }
}
export interface Scatter extends DraftWritable {
  /** ZMQ_CONFLATE (accepted; libzmq applies it to SCATTER/GATHER neither). */
  conflate: boolean;
}

/** GATHER (RFC 49): fair-queues from SCATTERs. */
export class Gather extends Socket {
  constructor(options?: SocketOptions<Gather>) {
    super(DraftSocketType.Gather, options);
  }

  receive(): Promise<[Message]> {
    return coreOf(this).receive() as Promise<[Message]>;
  }

  [Symbol.asyncIterator](): AsyncIterator<[Message], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Gather extends DraftReadable {
  /** ZMQ_CONFLATE (accepted; libzmq applies it to SCATTER/GATHER neither). */
  conflate: boolean;
}

/** CHANNEL: a single-part, one-peer PAIR. */
export class Channel extends SinglePartDuplex {
  constructor(options?: SocketOptions<Channel>) {
    super(DraftSocketType.Channel, options);
  }
}
export interface Channel extends DraftWritable, DraftReadable {}

/**
 * DGRAM over udp only (bind `udp://*:port`): messages are `[address, body]`,
 * `address` being `"ip:port"`; received addresses end in a NUL byte, as libzmq's.
 */
export class Datagram extends Socket {
  constructor(options?: SocketOptions<Datagram>) {
    super(DraftSocketType.Datagram, options);
  }

  send(message: [MessageLike, MessageLike]): Promise<void> {
    return sendFrames(this, () => {
      if (!Array.isArray(message) || message.length !== 2) {
        // libzmq's text, as zeromq.js reports it; ours explains it in `cause`.
        throw new ZmqError("EINVAL", undefined, undefined, {
          cause: new ZmqError("EINVAL", "Datagram messages are [address, body]"),
        });
      }
      return toFrames(message, coreOf(this).runtime.encodeString);
    });
  }

  receive(): Promise<[Message, Message]> {
    return coreOf(this).receive() as Promise<[Message, Message]>;
  }

  [Symbol.asyncIterator](): AsyncIterator<[Message, Message], undefined> {
    return iterate(this, () => this.receive());
  }
}
export interface Datagram extends DraftWritable, DraftReadable {}

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
// Draft sockets are thread-safe in libzmq (ZMQ_THREAD_SAFE = 1).
define([Client, Server, Peer, Radio, Dish, Scatter, Gather, Channel, Datagram], "threadSafe", {
  get() {
    return true;
  },
});
