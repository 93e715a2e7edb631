/**
 * Trace lines about pipes: a pipe reaching its high-water mark, and messages a
 * socket drops (PUB/XPUB/RADIO and ROUTER at the HWM, ROUTER with an unknown
 * routing id, conflate replacing an unread message). Only installed while the
 * runtime has a `trace` (Node: `NODE_DEBUG=zmq`); with tracing off none of this
 * runs and pipes are untouched.
 *
 * Each state change is reported once: the first refused write after a pipe had
 * room, not every message refused while it stays full.
 */
import type { Message, Pipe } from "@zmq/patterns";
import type { SocketCore } from "./socket-core";

/** Socket types that drop a message for a full pipe instead of blocking (unless told not to). */
function dropsAtHwm(core: SocketCore): boolean {
  const type = core.socketType;
  if (type === "PUB" || type === "XPUB" || type === "RADIO") return !core.ps.options.xpubNoDrop;
  if (type === "ROUTER") return !core.ps.options.routerMandatory;
  return false;
}

/**
 * Watches the writes of both ends of a session pipe (`sessionEnd` is what
 * `attachPeer` returned; its peer is the socket's end).
 */
export function tracePipe(
  core: SocketCore,
  sessionEnd: Pipe,
  endpoint: string,
  trace: (line: string) => void,
): void {
  const type = core.socketType;
  const conflate = core.ps.pipeOptions().conflate === true;
  const socketEnd = sessionEnd.peer;
  watchWrites(
    socketEnd,
    conflate,
    (replaced) => {
      if (replaced) return `${type} drop ${endpoint} reason=conflate (an unsent message replaced)`;
      const limit = socketEnd.outboundLimit;
      return dropsAtHwm(core)
        ? `${type} drop ${endpoint} reason=hwm (send pipe full at ${limit}; dropping until it drains)`
        : `${type} hwm ${endpoint} send pipe full at ${limit}: sends to this peer wait`;
    },
    trace,
  );
  // Inbound, the session reports a full pipe itself (it pauses reading); only conflate here.
  if (conflate) {
    watchWrites(
      sessionEnd,
      true,
      () => `${type} drop ${endpoint} reason=conflate (an unread message replaced)`,
      trace,
    );
  }
}

function watchWrites(
  pipe: Pipe,
  conflate: boolean,
  line: (replaced: boolean) => string,
  trace: (line: string) => void,
): void {
  const write = pipe.write;
  let reported = false;
  pipe.write = (msg: Message): boolean => {
    if (conflate) {
      if (pipe.outboundSize === 0) reported = false;
      else if (!reported) {
        reported = true;
        trace(line(true));
      }
      return write.call(pipe, msg);
    }
    if (write.call(pipe, msg)) {
      reported = false;
      return true;
    }
    if (!reported && pipe.state === "active") {
      reported = true;
      trace(line(false));
    }
    return false;
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A ROUTER send about to go nowhere: no connected peer has the message's
 * routing id (ROUTER drops it silently unless `mandatory`). Called only while
 * tracing, before the send.
 */
export function traceRouterSend(
  core: SocketCore,
  frames: Uint8Array[],
  trace: (line: string) => void,
): void {
  if (core.ps.options.routerMandatory || frames.length < 2) return;
  const id = frames[0]!;
  // The pattern socket's attached pipes (tcp, ipc and inproc alike); a protected
  // field, read here only while tracing; the cast is the one way in from outside
  // the class hierarchy, and a renamed field only silences this trace line.
  const pipes = (core.ps as unknown as { pipes?: Set<Pipe> }).pipes;
  if (pipes === undefined) return;
  for (const pipe of pipes) {
    const own = pipe._routingId;
    if (own !== undefined && pipe.state === "active" && sameBytes(own, id)) return;
  }
  let hex = "";
  for (let i = 0; i < id.length && i < 32; i++) hex += id[i]!.toString(16).padStart(2, "0");
  trace(`ROUTER drop - reason=unroutable (no peer with routing id 0x${hex})`);
}
