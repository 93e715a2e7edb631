/**
 * What the socket layer needs from the runtime it runs on, injected by a binding
 * (`@zmq/node`, later a browser package). The socket layer itself calls no timer,
 * reads no clock and knows no `Buffer`: everything here comes through a `Runtime`.
 * Tests pass a manual one (`ManualRuntime`) and drive time by hand.
 */

import type { Scheduler } from "@zmq/patterns";
import type { DatagramConnection } from "@zmq/transport";
import type { Allocate } from "@zmq/wire";
import type { AcceptFilter } from "./accept-filter";
import type { SecurityMechanisms } from "./mechanisms";
import type { Session, SessionOwner } from "./session";
import type { tracePipe, traceRouterSend } from "./trace";

/** Options of one timer. */
export interface TimerOptions {
  /**
   * False: the timer does not keep the process alive (Node's `unref`). Default
   * true. Session timers (handshake, heartbeat) and reconnect delays are weak;
   * send/receive timeouts and pipe linger are not.
   */
  ref?: boolean;
  /**
   * How late the timer may fire, in milliseconds, so that timers due close
   * together share one wake-up: a runtime may round the deadline up to the next
   * multiple of this (every timer with the same slack on the same grid), or
   * ignore it. Reconnect delays use it: a process retrying many dead endpoints
   * then wakes once per grid step, not once per attempt.
   */
  slack?: number;
}

/**
 * One timer, armed again and again (`Runtime.timer`): a loop that waits before
 * each step (a reconnect loop) arms it once per step and allocates nothing.
 */
export interface RuntimeTimer {
  /**
   * Runs the timer's callback once after `ms` milliseconds, with `options` as
   * `setTimer` takes them; a run still pending is cancelled first.
   */
  start(ms: number, options?: TimerOptions): void;
  /** Cancels the pending run, if any. */
  cancel(): void;
}

/** A sink for socket events besides the observers (Node: a `diagnostics_channel`). */
export interface EventChannel {
  /** Whether anyone listens; events are only built and published when true. */
  readonly hasSubscribers: boolean;
  /** Deliver one event object to the subscribers. */
  publish(message: unknown): void;
}

/** How a runtime that listens on tcp parses and applies ZMQ_TCP_ACCEPT_FILTER. */
export interface AcceptFilterSupport {
  /** The filter `text` means (by the socket's `ipv6`), or undefined where libzmq says EINVAL. */
  parse(text: string, ipv6: boolean, byteLength: number): AcceptFilter | undefined;
  /** Whether any of `filters` admits a peer at `remoteAddress` (none: everyone). */
  admit(filters: readonly AcceptFilter[], remoteAddress: string): boolean;
}

export interface Runtime extends Scheduler {
  /** A monotonic clock in milliseconds (the wire engine's `now`). */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds; the returned function cancels it. */
  setTimer(ms: number, callback: () => void, options?: TimerOptions): () => void;
  /**
   * Optional: a reusable timer for `callback` (see `RuntimeTimer`), the same
   * schedule as `setTimer` without a closure or timer object per run. Without
   * it, callers use `setTimer`.
   */
  timer?(callback: () => void): RuntimeTimer;
  /** Runs `callback` soon, after pending I/O callbacks (Node: `setImmediate`). */
  defer(callback: () => void): void;
  /** Keeps the process alive until the returned function is called (a pending operation). */
  keepAlive(): () => void;
  /**
   * Turns received frames into what the application gets, in place (Node: `Buffer`
   * views of the same memory; a browser: the `Uint8Array`s unchanged).
   */
  toMessage(frames: Uint8Array[]): Uint8Array[];
  /** UTF-8 bytes of `text` for an outgoing frame. */
  encodeString(text: string): Uint8Array;
  /**
   * A copy of a small outgoing frame (the ones copied at `send()`, up to
   * `COPY_AT_SEND_LIMIT` bytes), in memory `toMessage` hands to the application
   * as is (Node: a `Buffer` cut from a slab, so an inproc receiver gets it
   * without a second copy). Default: a fresh `Uint8Array`.
   */
  copyFrame?: ((bytes: Uint8Array) => Uint8Array) | undefined;
  /** Memory for the frames one stream connection receives (one allocator per connection). */
  frameAllocator?(): Allocate;
  /** Memory for outgoing bytes (never seen by the application). */
  allocateSlab?: Allocate;
  /** Called before each byte-stream session starts (Node: a one-time malloc tuning). */
  streamSessionStarting?(): void;
  /**
   * ZMQ_TCP_ACCEPT_FILTER's parser and matcher (Node: accept-filter.ts). Only a
   * runtime that can listen on tcp needs them, so a browser bundle leaves them out;
   * without them `tcpAcceptFilter` is stored as given and not checked.
   */
  acceptFilters?: AcceptFilterSupport;
  /**
   * The session of a udp (datagram) connection (Node: udp-session.ts's
   * `UdpSession`). Only a runtime with a datagram transport needs it, so a
   * browser bundle leaves it out.
   * @internal
   */
  udpSession?: (
    owner: SessionOwner,
    endpoint: string,
    connection: DatagramConnection,
  ) => Session & { start(): void };
  /**
   * Pipe-level trace lines (trace.ts), used only while `trace` is set: a runtime
   * that never traces (a browser) leaves them out of its bundle.
   * @internal
   */
  tracing?: { pipe: typeof tracePipe; routerSend: typeof traceRouterSend };
  /**
   * The security mechanisms (PLAIN, CURVE, ZAP) for tcp/ipc connections: the
   * Node runtime's is `securityMechanisms`. Without it every connection runs
   * NULL, which is all a browser's bare `ZWS2.0` can do, and its bundle leaves
   * the mechanisms out.
   * @internal
   */
  security?: SecurityMechanisms;
  /** Reports a warning to the user (Node: `process.emitWarning`), as zeromq.js does. */
  warn?(message: string): void;
  /** Where every socket event is also published, when it has subscribers. */
  events?: EventChannel;
  /**
   * Connection-level trace lines (Node: `util.debuglog("zmq")`, i.e. `NODE_DEBUG=zmq`).
   * Undefined when tracing is off: every call site is `runtime.trace?.(…)`, so nothing
   * is formatted or allocated then. A line is `<socket type> <event> <endpoint> <details>`.
   */
  trace?: ((line: string) => void) | undefined;
}

const encoder = new TextEncoder();

/** The runtime-neutral defaults of the optional and conversion parts. */
export const plainFrames: Pick<Runtime, "toMessage" | "encodeString"> = {
  toMessage: (frames) => frames,
  encodeString: (text) => encoder.encode(text),
};
