/**
 * A context bound to the web platform: the `ws` and `wss` transports over the
 * runtime's WHATWG `WebSocket` and the web runtime. Sockets made without a
 * context share one, created on first use.
 */
import { type ContextOptions, Context as SocketContext } from "@zmq/socket";
import { createWebRuntime } from "./web-runtime";
import { webSocketEngine } from "./websocket-engine";
import { type WebSocketConstructor, WebSocketTransport } from "./websocket-transport";

/** A web context's options: the socket layer's, plus the `WebSocket` class. */
export interface WebContextOptions extends ContextOptions {
  /** The `WebSocket` class to use. Default: the global one. */
  WebSocket?: WebSocketConstructor;
}

/**
 * A context bound to the web platform: its sockets connect to `ws://` and
 * `wss://` endpoints (and to `inproc://` names bound in it); they cannot bind
 * other transports.
 */
export class Context extends SocketContext {
  /**
   * A new context with its own web runtime and `inproc://` names.
   * @param options - the context options, and the `WebSocket` class to use.
   * @throws TypeError for an unknown option or one of the wrong type; `ZmqError`
   *   EINVAL for a value out of range.
   */
  constructor(options: WebContextOptions = {}) {
    const { WebSocket, ...rest } = options;
    super(rest, {
      runtime: createWebRuntime(),
      transports: [
        new WebSocketTransport("ws", WebSocket),
        new WebSocketTransport("wss", WebSocket),
      ],
      engines: { ws: webSocketEngine, wss: webSocketEngine },
    });
  }
}

let shared: Context | undefined;

/** The context sockets use when none is given. */
export function defaultContext(): Context {
  shared ??= new Context();
  return shared;
}
