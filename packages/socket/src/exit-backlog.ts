/**
 * What a connect endpoint still holds when the process ends and no connection of it
 * finished its handshake: its queued messages and what it takes to send them over a
 * connection of their own (`ExitBacklog`). Reached only from `flushForExit`, so a
 * bundle that never flushes at exit (a browser's) leaves this module out.
 */
import { encodeFrame, encodeGreeting, encodeReady, FrameFlags, sendsIdentity } from "@zmq/wire";
import { type ConnectEndpoint, schemeOf } from "./endpoints";
import { zmtpEngine } from "./engine";
import { securityOf } from "./security";

/**
 * Messages a connect endpoint still held when the process ended, with what it takes
 * to send them over a fresh connection of their own (the runtime binding replays
 * them in a socket of the same type and options, `replayExitBacklog`, before the
 * process is gone: a worker thread on Node). Plain data: it crosses threads.
 */
export interface ExitBacklog {
  /** Where to connect (any transport but inproc). */
  address: string;
  /** The socket type (its ZMTP name, `PUSH` …). */
  socketType: string;
  /** The socket's linger (ms; -1 waits as long as it takes). */
  linger: number;
  /** The routing id given to this connect (ROUTER, STREAM), if any. */
  connectRoutingId: Uint8Array | undefined;
  /** The socket-layer option values (those that can be copied). */
  options: Record<string, unknown>;
  /** The pattern option values (high-water marks, routing id …). */
  patternOptions: Record<string, unknown>;
  /** The security mechanism and its keys or credentials. */
  security: Record<string, unknown>;
  /** The queued messages, as the pipe holds them (ready for a session). */
  messages: Uint8Array[][];
  /**
   * For plain ZMTP over tcp or ipc with the NULL mechanism, where the bytes do not
   * depend on the peer: the whole connection, encoded, so it can be written without
   * the socket layer (the quickest way out). Undefined otherwise.
   */
  wire: ExitWire | undefined;
}

/** A NULL-mechanism ZMTP connection's bytes: greeting, READY, then the messages. */
export interface ExitWire {
  /** How long to wait between connect attempts (the socket's reconnect interval). */
  reconnectInterval: number;
  /** Greeting, READY and the queued messages, encoded. */
  bytes: Uint8Array[];
  /**
   * How many of those bytes are the greeting and READY: the messages follow only
   * once the peer's greeting and READY have arrived (libzmq takes every frame
   * before it sent its own READY as a handshake command).
   */
  handshakeLength: number;
}

function textBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A copy that can cross threads, or undefined for a value that cannot (a function …). */
function plainCopy(record: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (typeof value === "function") continue;
    try {
      out[name] = structuredClone(value);
    } catch {}
  }
  return out;
}

/**
 * Socket types whose queued messages go out unchanged, whatever the peer says first:
 * a PUB, XPUB or RADIO drops what no subscription or group asked for at send time
 * (nothing is queued for a peer whose subscriptions are not known yet), a DISH's
 * joins are sent again by whichever session comes; a SUB or XSUB queues its
 * subscriptions (they linger 0 by default, though: nothing then), a STREAM the data
 * for the routing id `connect` named.
 */
const BACKLOG_TYPES = new Set([
  "PUSH",
  "DEALER",
  "PAIR",
  "REQ",
  "ROUTER",
  "CLIENT",
  "SCATTER",
  "SUB",
  "XSUB",
  "STREAM",
]);

/** Of those, the ones whose bytes on the wire do not depend on the peer (`ExitWire`). */
const WIRE_TYPES = new Set(["PUSH", "DEALER", "PAIR", "REQ", "ROUTER", "CLIENT", "SCATTER"]);

/**
 * Whether `endpoint` still holds messages for a connection that is not ready, of a
 * socket type whose messages go out unchanged whoever the peer is (`BACKLOG_TYPES`,
 * and a RADIO sending over udp), with a linger other than 0: what process end
 * should still deliver.
 */
export function exitPending(endpoint: ConnectEndpoint): boolean {
  const { pipe, ready, closed } = endpoint._exitState();
  const core = endpoint.core;
  if (closed || pipe === undefined || ready || core.ps.options.linger === 0) return false;
  // A RADIO's pipe to a udp destination takes every group (the DISH behind filters).
  const radioUdp =
    core.socketType === "RADIO" && (endpoint.transport as { kind: string }).kind === "datagram";
  return (radioUdp || BACKLOG_TYPES.has(core.socketType)) && pipe.inboundSize > 0;
}

/**
 * At process end, when `endpoint`'s queued messages found no connection that
 * finished its handshake (the connect or the handshake was still in progress):
 * the messages and what it takes to send them over a connection of their own, for
 * socket types whose messages are sent as they are whoever the peer is; undefined
 * otherwise, or when nothing is queued. Takes the messages out of the pipe.
 */
export function exitBacklogOf(endpoint: ConnectEndpoint): ExitBacklog | undefined {
  if (!exitPending(endpoint)) return undefined;
  const { pipe, connectRoutingId } = endpoint._exitState();
  const core = endpoint.core;
  const linger = core.ps.options.linger;
  if (pipe === undefined) return undefined;
  const messages: Uint8Array[][] = [];
  pipe.setHandler(undefined);
  for (let msg = pipe.read(); msg !== undefined; msg = pipe.read()) messages.push(msg);
  if (messages.length === 0) return undefined;
  return {
    wire: exitWire(endpoint, messages),
    address: endpoint.address,
    socketType: core.socketType,
    linger,
    connectRoutingId,
    options: plainCopy(core.options),
    patternOptions: plainCopy(core.ps.options),
    security: plainCopy(securityOf(core)),
    messages,
  };
}

/** The bytes of a whole NULL-mechanism ZMTP connection carrying `messages`, when that is what `endpoint` speaks. */
function exitWire(endpoint: ConnectEndpoint, messages: Uint8Array[][]): ExitWire | undefined {
  const core = endpoint.core;
  const address = endpoint.address;
  if (!WIRE_TYPES.has(core.socketType)) return undefined;
  const scheme = schemeOf(address);
  if ((scheme !== "tcp" && scheme !== "ipc") || address.includes(";")) return undefined;
  if (core.context._engine(scheme) !== zmtpEngine) return undefined;
  const options = core.sessionOptions();
  if (options.mechanism !== undefined && options.mechanism("") !== undefined) return undefined;
  const props: [string, Uint8Array][] = [["Socket-Type", textBytes(core.socketType)]];
  if (sendsIdentity(core.socketType)) {
    props.push(["Identity", options.routingId ?? new Uint8Array(0)]);
  }
  const hello = [encodeGreeting(), ...encodeFrame(encodeReady(props), FrameFlags.COMMAND)];
  const frames: Uint8Array[] = [];
  for (const msg of messages) {
    for (let i = 0; i < msg.length; i++) {
      frames.push(...encodeFrame(msg[i]!, i < msg.length - 1 ? FrameFlags.MORE : 0));
    }
  }
  return {
    reconnectInterval: Math.max(core.options.reconnectInterval, 10),
    bytes: [...hello, ...frames],
    handshakeLength: hello.reduce((sum, chunk) => sum + chunk.length, 0),
  };
}
