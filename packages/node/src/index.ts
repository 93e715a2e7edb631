/**
 * @zmq/node — ZeroMQ for Node.js in pure TypeScript, with the API of the
 * `zeromq` npm package (v6). It speaks ZMTP 3.1 over tcp and ipc, so it talks to
 * libzmq, pyzmq, JeroMQ and the rest, and passes messages by reference over
 * `inproc://`.
 *
 * ```ts
 * import { Reply, Request } from "@zmq/node";
 *
 * const server = new Reply();
 * await server.bind("tcp://127.0.0.1:*");
 * const client = new Request();
 * client.connect(server.lastEndpoint!);
 *
 * await client.send("Hello");
 * const [request] = await server.receive();
 * await server.send(`${request} World`);
 * const [reply] = await client.receive();
 * console.log(reply.toString()); // "Hello World"
 * client.close();
 * server.close();
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/node
 */
import {
  Proxy as ProxyClass,
  Socket as SocketClass,
  type Socket as SocketInstance,
} from "@zmq/socket";
import { Context as ContextClass, useNodeDefaultContext } from "./context";
import { asNativeClass } from "./native-class";

useNodeDefaultContext();

export {
  type AuthError,
  Dealer,
  type Event,
  type EventOfType,
  type EventSubscriber,
  type EventType,
  type MessageProperties,
  messageProperties,
  messageProperty,
  Observer,
  Pair,
  type ProtoError,
  Publisher,
  Pull,
  Push,
  type Readable,
  Reply,
  Request,
  Router,
  type RouterConnectOptions,
  type SocketOptions,
  SocketType,
  Stream,
  type StreamConnectOptions,
  Subscriber,
  type Writable,
  XPublisher,
  XSubscriber,
  type ZapHandler,
  type ZapHandlerReply,
  type ZapHandlerRequest,
  ZmqError,
  zapHandler,
} from "@zmq/socket";
export { type ContextOptions, context } from "./context";

/** A context (zeromq.js's `Context`): the scope of `inproc://` names and a few socket defaults. */
export const Context: typeof ContextClass = asNativeClass(ContextClass);
export type Context = ContextClass;
/** The base class of every socket type (zeromq.js's `Socket`). */
export const Socket: typeof SocketClass = asNativeClass(SocketClass);
export type Socket = SocketInstance;
/** Moves messages both ways between two sockets (zeromq.js's `Proxy`, `zmq_proxy_steerable`). */
export const Proxy: typeof ProxyClass = asNativeClass(ProxyClass);
export type Proxy<
  F extends SocketInstance = SocketInstance,
  B extends SocketInstance = SocketInstance,
> = ProxyClass<F, B>;
export { curveKeyPair } from "./curve-key-pair";
export type { Message, MessageLike } from "./message";

/** The libzmq version whose behaviour this package follows. */
export const version = "4.3.5";

/** What this build supports, as zeromq.js's `capability`. */
export const capability: Partial<{
  /** `ipc://` endpoints (Unix domain sockets): yes. */
  ipc: boolean;
  /** `pgm://`/`epgm://` reliable multicast: no. */
  pgm: boolean;
  /** `tipc://`: no. */
  tipc: boolean;
  /** `norm://`: no. */
  norm: boolean;
  /** The CURVE security mechanism: yes. */
  curve: boolean;
  /** The GSSAPI security mechanism: no. */
  gssapi: boolean;
  /** The draft socket types (`@zmq/node/draft`): yes. */
  draft: boolean;
}> = { ipc: true, pgm: false, tipc: false, norm: false, curve: true, gssapi: false, draft: true };
