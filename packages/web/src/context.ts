/**
 * A context bound to the web platform: the `ws` and `wss` transports over the
 * runtime's WHATWG `WebSocket` and the web runtime. Sockets made without a
 * context share one, created on first use.
 */
import { type ContextOptions, Context as SocketContext } from "@zmq/socket";
import { createWebRuntime } from "./web-runtime";
import { webSocketEngine } from "./websocket-engine";
import { type WebSocketConstructor, WebSocketTransport } from "./websocket-transport";

export interface WebContextOptions extends ContextOptions {
  /** The `WebSocket` class to use. Default: the global one. */
  WebSocket?: WebSocketConstructor;
}

export class Context extends SocketContext {
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
