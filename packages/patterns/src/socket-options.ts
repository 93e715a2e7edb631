import { PatternError } from "./errors";
import { SOCKET_TRAITS } from "./socket-traits";
import type { SocketType } from "./socket-type";

/**
 * Socket options handled by the pattern layer. Each doc names the libzmq option.
 * Transport, security and reconnect options belong to the node layer.
 */
export interface SocketOptions {
  /** `ZMQ_SNDHWM`: per-pipe outbound limit in messages, 0 = unlimited. Default 1000. */
  sendHighWaterMark: number;
  /** `ZMQ_RCVHWM`: per-pipe inbound limit in messages, 0 = unlimited. Default 1000. */
  receiveHighWaterMark: number;
  /** `ZMQ_LINGER` in ms, -1 = forever. Default -1 (0 for SUB, XSUB and DISH, as libzmq). */
  linger: number;
  /** `ZMQ_ROUTING_ID`: 1–255 bytes, not starting with 0; sent as `Identity` by the node layer. */
  routingId: Uint8Array | undefined;
  /** `ZMQ_CONNECT_ROUTING_ID`: routing id for the peer of the next connect (ROUTER, STREAM). */
  connectRoutingId: Uint8Array | undefined;
  /** `ZMQ_ROUTER_MANDATORY`: unroutable sends throw EHOSTUNREACH, full pipes give EAGAIN. */
  routerMandatory: boolean;
  /** `ZMQ_ROUTER_HANDOVER`: a new peer with a known routing id takes it over. */
  routerHandover: boolean;
  /** `ZMQ_PROBE_ROUTER`: send an empty message on each new pipe (ROUTER, DEALER, REQ). */
  probeRouter: boolean;
  /** `ZMQ_REQ_CORRELATE`: prefix requests with a request id and drop mismatched replies. */
  correlate: boolean;
  /** `ZMQ_REQ_RELAXED`: allow a new request before the reply arrived. */
  relaxed: boolean;
  /** `ZMQ_CONFLATE`: keep only the newest message per pipe (DEALER, PULL, PUSH, PUB, SUB). */
  conflate: boolean;
  /** `ZMQ_INVERT_MATCHING`: PUB/XPUB send to non-matching subscribers; SUB keeps non-matching messages. */
  invertMatching: boolean;
  /** `ZMQ_XPUB_VERBOSE`: pass duplicate subscriptions to the application. Clears `xpubVerboser`. */
  xpubVerbose: boolean;
  /** `ZMQ_XPUB_VERBOSER`: pass duplicate subscriptions and unsubscriptions. Sets `xpubVerbose` too. */
  xpubVerboser: boolean;
  /** `ZMQ_XPUB_MANUAL`: the application applies subscriptions with `subscribe`/`unsubscribe`. */
  xpubManual: boolean;
  /** `ZMQ_XPUB_NODROP` (XPUB, PUB, RADIO): `send` returns false (EAGAIN) instead of dropping at the HWM. */
  xpubNoDrop: boolean;
  /** `ZMQ_XPUB_WELCOME_MSG`: single-frame message written to each new subscriber pipe. */
  xpubWelcomeMessage: Uint8Array | undefined;
  /** `ZMQ_STREAM_NOTIFY`: STREAM delivers `[id, ""]` on connect and disconnect. Default true. */
  streamNotify: boolean;
}

/** Defaults for a socket of `type` (libzmq's `options.cpp` values). */
export function defaultSocketOptions(type: SocketType): SocketOptions {
  return {
    sendHighWaterMark: 1000,
    receiveHighWaterMark: 1000,
    linger: SOCKET_TRAITS[type].defaultLinger,
    routingId: undefined,
    connectRoutingId: undefined,
    routerMandatory: false,
    routerHandover: false,
    probeRouter: false,
    correlate: false,
    relaxed: false,
    conflate: false,
    invertMatching: false,
    xpubVerbose: false,
    xpubVerboser: false,
    xpubManual: false,
    xpubNoDrop: false,
    xpubWelcomeMessage: undefined,
    streamNotify: true,
  };
}

/** Options only some types accept; the rest are accepted by every type (as libzmq). */
const ONLY_FOR: Partial<Record<keyof SocketOptions, readonly SocketType[]>> = {
  routerMandatory: ["ROUTER"],
  routerHandover: ["ROUTER"],
  probeRouter: ["ROUTER", "DEALER", "REQ"],
  correlate: ["REQ"],
  relaxed: ["REQ"],
  xpubVerbose: ["XPUB", "PUB"],
  xpubVerboser: ["XPUB", "PUB"],
  xpubManual: ["XPUB", "PUB"],
  xpubNoDrop: ["XPUB", "PUB", "RADIO"],
  xpubWelcomeMessage: ["XPUB", "PUB"],
  streamNotify: ["STREAM"],
};

const BOOLEAN_OPTIONS = new Set<keyof SocketOptions>([
  "routerMandatory",
  "routerHandover",
  "probeRouter",
  "correlate",
  "relaxed",
  "conflate",
  "invertMatching",
  "xpubVerbose",
  "xpubVerboser",
  "xpubManual",
  "xpubNoDrop",
  "streamNotify",
]);

const MAX_INT32 = 0x7fffffff;

function invalid(name: string, why: string): PatternError {
  return new PatternError("EINVAL", `invalid value for option ${name}: ${why}`);
}

/**
 * Check that option `name` exists, applies to `type` and that `value` is valid;
 * throws `PatternError` EINVAL otherwise.
 */
export function validateSocketOption(type: SocketType, name: string, value: unknown): void {
  if (!Object.hasOwn(DEFAULT_KEYS, name))
    throw new PatternError("EINVAL", `unknown option ${name}`);
  const key = name as keyof SocketOptions;
  const only = ONLY_FOR[key];
  if (only !== undefined && !only.includes(type)) {
    throw new PatternError("EINVAL", `option ${name} does not apply to ${type} sockets`);
  }
  if (BOOLEAN_OPTIONS.has(key)) {
    if (typeof value !== "boolean") throw invalid(name, "expected a boolean");
    return;
  }
  switch (key) {
    case "sendHighWaterMark":
    case "receiveHighWaterMark":
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_INT32) {
        throw invalid(name, "expected an integer from 0 to 2^31-1");
      }
      return;
    case "linger":
      if (!Number.isInteger(value) || (value as number) < -1 || (value as number) > MAX_INT32) {
        throw invalid(name, "expected an integer from -1 to 2^31-1");
      }
      return;
    case "routingId":
    case "connectRoutingId":
      if (value === undefined) return;
      if (!(value instanceof Uint8Array) || value.length < 1 || value.length > 255) {
        throw invalid(name, "expected 1 to 255 bytes");
      }
      return;
    case "xpubWelcomeMessage":
      if (value !== undefined && !(value instanceof Uint8Array))
        throw invalid(name, "expected bytes");
      return;
    default:
      return;
  }
}

const DEFAULT_KEYS: Readonly<Record<string, true>> = Object.fromEntries(
  Object.keys(defaultSocketOptions("PAIR")).map((k) => [k, true] as const),
);
