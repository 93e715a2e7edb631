/**
 * The other half of `ExitBacklog`: at process end, the messages a connect endpoint
 * still held for a connection that was not ready are sent again from a socket of
 * the same type and options, in a runtime that still has an event loop (a worker
 * thread on Node), over a connection of its own. The whole socket layer runs there,
 * so whatever the original connection would have done — CURVE or PLAIN handshake,
 * WebSocket upgrade, udp datagrams — this one does.
 */
import {
  type SocketOptions as PatternOptions,
  type SocketType as PatternType,
  SOCKET_TYPE_NUMBER,
} from "@zmq/patterns";
import type { Context } from "./context";
import { ConnectEndpoint } from "./endpoints";
import type { ExitBacklog } from "./exit-backlog";
import { securityOf } from "./security";
import { coreOf, Socket } from "./socket";

/** A socket of any type, made from its number (the public classes fix theirs). */
class ReplaySocket extends Socket {
  constructor(type: number, context: Context) {
    super(type, { context });
  }
}

/**
 * Makes a socket in `context` with `backlog`'s type and options, connects it to the
 * backlog's address, queues the backlog's messages (whatever the high-water mark)
 * and closes it: its linger then delivers them, as the original socket would have.
 * Returns false when the messages could not be queued (nothing is sent then).
 */
export function replayExitBacklog(context: Context, backlog: ExitBacklog): boolean {
  const type = SOCKET_TYPE_NUMBER[backlog.socketType as PatternType];
  if (type === undefined) return false;
  const socket = new ReplaySocket(type, context);
  const core = coreOf(socket);
  try {
    const options = core.options as Record<string, unknown>;
    for (const [name, value] of Object.entries(backlog.options)) {
      if (name in options) options[name] = value;
    }
    // The messages were queued for this connect: its pipe must exist before the session.
    options.immediate = false;
    for (const [name, value] of Object.entries(backlog.patternOptions)) {
      try {
        core.setPatternOption(name as keyof PatternOptions, value as never);
      } catch {}
    }
    core.setPatternOption("sendHighWaterMark", 0);
    Object.assign(securityOf(core), backlog.security);
    const endpoint = core.connect(backlog.address, backlog.connectRoutingId);
    return endpoint instanceof ConnectEndpoint && endpoint._preload(backlog.messages);
  } finally {
    socket.close();
  }
}
