/**
 * A context, as zeromq.js's `Context`, bound to Node.js: the tcp, ipc and udp
 * transports and the Node runtime. `context` is the default every socket uses.
 */
import { type ContextOptions, Context as SocketContext, setDefaultContext } from "@zmq/socket";
import { IpcTransport } from "@zmq/transport-ipc";
import { TcpTransport } from "@zmq/transport-tcp";
import { UdpTransport } from "@zmq/transport-udp";
import { nodeRuntime } from "./node-runtime";

export type { ContextOptions };

export class Context extends SocketContext {
  constructor(options: ContextOptions = {}) {
    super(options, {
      runtime: nodeRuntime,
      transports: [new TcpTransport(), new IpcTransport(), new UdpTransport()],
    });
    lingerAtExit(this);
  }
}

// ---- process end ------------------------------------------------------------------
// zeromq.js terminates its contexts as the process ends: every socket is closed and
// libzmq waits (up to each socket's linger) for queued messages to be delivered,
// printing a warning when that takes longer than half a second. Here: when the event
// loop runs out of work ('beforeExit'), every open socket is closed, so queued output
// holds the process until it is written or its linger expires.

const contexts = new Set<WeakRef<Context>>();
let hooked = false;
let warned = false;

const EXIT_WARNING_MS = 500;

function lingerAtExit(context: Context): void {
  contexts.add(new WeakRef(context));
  if (hooked) return;
  hooked = true;
  process.on("beforeExit", closeAllForExit);
}

function closeAllForExit(): void {
  let closed = 0;
  let blocky = false;
  for (const ref of contexts) {
    const context = ref.deref();
    if (context === undefined) {
      contexts.delete(ref);
      continue;
    }
    const count = context._closeForExit();
    closed += count;
    if (count > 0 && context.blocky) blocky = true;
  }
  if (closed === 0 || warned) return;
  // Printed only if the process is still waiting after EXIT_WARNING_MS (the timer
  // itself does not keep it alive), in zeromq.js's words and format.
  const timer = setTimeout(() => {
    if (warned) return;
    warned = true;
    process.stderr.write(
      `(node:${process.pid}) WARNING: Waiting for queued ZeroMQ messages to be delivered.${
        blocky ? " Set 'context.blocky = false' to change this behaviour." : ""
      }\n`,
    );
  }, EXIT_WARNING_MS);
  timer.unref();
}

/** The default context every socket uses unless given one. */
export const context: Context = new Context();

/** Makes `context` the socket layer's default (each entry point calls this as it loads). */
export function useNodeDefaultContext(): void {
  setDefaultContext(() => context);
}
