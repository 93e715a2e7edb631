/**
 * @zmq/web — ZeroMQ sockets for browsers and any runtime with a WHATWG
 * `WebSocket` (Deno, Bun, Node 22+, workers). The sockets of `@zmq/node` (the
 * zeromq.js v6 API) that `connect()` over `ws://` or `wss://` (ZWS 2.0) to a
 * libzmq or `@zmq/node` server. Frames are `Uint8Array`s; no `node:` imports,
 * no `Buffer`.
 *
 * ```ts
 * import { Request } from "@zmq/web";
 *
 * const req = new Request();
 * req.connect("ws://127.0.0.1:5555/zmq");
 * await req.send("Hello");
 * const [reply] = await req.receive();
 * console.log(new TextDecoder().decode(reply));
 * req.close();
 * ```
 *
 * A browser can only offer the bare `ZWS2.0` subprotocol (`ZWS2.0/NULL` is not
 * an HTTP token), so there is no security mechanism and no socket-type check;
 * use `wss://` for privacy. Keep messages to a libzmq server under 64 KiB:
 * browsers split bigger ones into fragments, which libzmq rejects.
 *
 * @packageDocumentation
 *
 * @module @zmq/web
 */
export {
  type Event,
  type EventOfType,
  type EventType,
  type MessageLike,
  Observer,
  type Readable,
  Socket,
  type SocketOptions,
  SocketType,
  type Writable,
  ZmqError,
} from "@zmq/socket";
export { Context, defaultContext, type WebContextOptions } from "./context";
export {
  Channel,
  Client,
  Dealer,
  Gather,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Scatter,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "./sockets";
export { createWebRuntime } from "./web-runtime";
export { webSocketEngine } from "./websocket-engine";
export {
  type WebSocketConstructor,
  type WebSocketLike,
  WebSocketStream,
  WebSocketTransport,
} from "./websocket-transport";
