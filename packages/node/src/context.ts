/**
 * A context, as zeromq.js's `Context`, bound to Node.js: the tcp, ipc and udp
 * transports and the Node runtime. `context` is the default every socket uses.
 *
 * The default context is process-wide, as zeromq.js's: every worker thread's
 * `context` shares one registry of `inproc://` names and one set of options
 * (`@zmq/threads`), so a name bound in one thread is connected from another and
 * `context.maxSockets` set in the main thread is what a worker reads. A thread
 * must load `@zmq/node` before it starts the workers that share it (the registry
 * reaches workers through worker_threads environment data, set at load).
 * Contexts made with `new Context()` stay private to their thread.
 */
import { type ContextOptions, Context as SocketContext, setDefaultContext } from "@zmq/socket";
import type { ThreadRegistry } from "@zmq/threads";
import { processRegistry } from "@zmq/threads/node";
import { IpcTransport } from "@zmq/transport-ipc";
import { TcpTransport } from "@zmq/transport-tcp";
import { UdpTransport } from "@zmq/transport-udp";
import { nodeRuntime } from "./node-runtime";

export type { ContextOptions };

/** Set only while the default context is made. */
let shared: ThreadRegistry | undefined;

export class Context extends SocketContext {
  constructor(options: ContextOptions = {}) {
    super(options, {
      runtime: nodeRuntime,
      transports: [new TcpTransport(), new IpcTransport(), new UdpTransport()],
      ...(shared !== undefined && { threads: shared }),
    });
  }
}

function makeDefault(): Context {
  shared = processRegistry();
  try {
    return new Context();
  } finally {
    shared = undefined;
  }
}

/** The default context every socket uses unless given one, shared by all threads of the process. */
export const context: Context = makeDefault();

/** Makes `context` the socket layer's default (each entry point calls this as it loads). */
export function useNodeDefaultContext(): void {
  setDefaultContext(() => context);
}
