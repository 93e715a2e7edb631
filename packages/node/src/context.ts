/**
 * A context, as zeromq.js's `Context`, bound to Node.js: the tcp, ipc, udp, ws
 * and wss transports and the Node runtime. `context` is the default every socket uses.
 */
import { type ContextOptions, Context as SocketContext, setDefaultContext } from "@zmq/socket";
import { IpcTransport } from "@zmq/transport-ipc";
import { TcpTransport } from "@zmq/transport-tcp";
import { UdpTransport } from "@zmq/transport-udp";
import { WsTransport } from "@zmq/transport-ws";
import { nodeRuntime } from "./node-runtime";
import { zwsEngine } from "./ws-engine";

export type { ContextOptions };

export class Context extends SocketContext {
  constructor(options: ContextOptions = {}) {
    super(options, {
      runtime: nodeRuntime,
      transports: [
        new TcpTransport(),
        new IpcTransport(),
        new UdpTransport(),
        new WsTransport("ws"),
        new WsTransport("wss"),
      ],
      engines: { ws: zwsEngine, wss: zwsEngine },
    });
  }
}

/** The default context every socket uses unless given one. */
export const context: Context = new Context();

/** Makes `context` the socket layer's default (each entry point calls this as it loads). */
export function useNodeDefaultContext(): void {
  setDefaultContext(() => context);
}
