/**
 * Each socket type's policy in one table: what libzmq decides per type in
 * `socket_base.cpp`, `session_base.cpp` and each type's constructor. The layers
 * above read it instead of keeping lists of their own.
 */
import type { SocketType } from "./socket-type";

/** What one socket type can do and how the layers above must treat it; see {@link SOCKET_TRAITS}. */
export interface SocketTraits {
  /** The type has `send` (ZMQ_POLLOUT can be true). */
  readonly send: boolean;
  /** The type has `receive`. */
  readonly receive: boolean;
  /**
   * A second `connect()` to the same non-inproc address is a no-op (libzmq:
   * "no valid use for multiple connects" for DEALER, SUB, PUB, REQ).
   */
  readonly singleConnect: boolean;
  /**
   * A connect attaches its pipe before the peer is known (libzmq without
   * ZMQ_IMMEDIATE), so messages queue for it; ROUTER and STREAM attach only
   * once the peer's identity is known.
   */
  readonly eagerPipe: boolean;
  /**
   * After a disconnect the next connection gets a fresh pipe even when the pipe
   * was eager: subscriptions are re-sent when it attaches (SUB, XSUB, DISH).
   */
  readonly freshPipeOnReconnect: boolean;
  /** The session speaks raw bytes, no ZMTP (STREAM). */
  readonly raw: boolean;
  /** The session translates JOIN/LEAVE between the pipe and the wire (RADIO, DISH). */
  readonly groups: boolean;
  /** What the type may do over udp; undefined = it cannot use udp (ENOCOMPATPROTO). */
  readonly udp:
    | {
        /** It may bind a udp endpoint (receive datagrams). */
        readonly bind: boolean;
        /** It may connect a udp endpoint (send datagrams). */
        readonly connect: boolean;
      }
    | undefined;
  /** ZMQ_CONFLATE is accepted as an option (zeromq.js exposes it). */
  readonly conflateOption: boolean;
  /** ZMQ_CONFLATE takes effect (libzmq applies it to DEALER, PULL, PUSH, PUB, SUB). */
  readonly conflate: boolean;
  /** Default ZMQ_LINGER: 0 for receive-only subscribers (SUB, XSUB, DISH), else -1. */
  readonly defaultLinger: number;
  /** A draft type (single-part, ZMQ_THREAD_SAFE). */
  readonly draft: boolean;
}

const base: SocketTraits = {
  send: true,
  receive: true,
  singleConnect: false,
  eagerPipe: true,
  freshPipeOnReconnect: false,
  raw: false,
  groups: false,
  udp: undefined,
  conflateOption: false,
  conflate: false,
  defaultLinger: -1,
  draft: false,
};

function t(traits: Partial<SocketTraits>): SocketTraits {
  return Object.freeze({ ...base, ...traits });
}

/** The traits of every socket type. */
export const SOCKET_TRAITS: Readonly<Record<SocketType, SocketTraits>> = {
  PAIR: t({}),
  PUB: t({ receive: false, singleConnect: true, conflateOption: true, conflate: true }),
  SUB: t({
    send: false,
    singleConnect: true,
    freshPipeOnReconnect: true,
    conflateOption: true,
    conflate: true,
    defaultLinger: 0,
  }),
  REQ: t({ singleConnect: true }),
  REP: t({}),
  DEALER: t({ singleConnect: true, conflateOption: true, conflate: true }),
  ROUTER: t({ eagerPipe: false }),
  PULL: t({ send: false, conflateOption: true, conflate: true }),
  PUSH: t({ receive: false, conflateOption: true, conflate: true }),
  XPUB: t({}),
  XSUB: t({ freshPipeOnReconnect: true, defaultLinger: 0 }),
  STREAM: t({ eagerPipe: false, raw: true }),
  SERVER: t({ draft: true }),
  CLIENT: t({ draft: true }),
  RADIO: t({ receive: false, groups: true, udp: { bind: false, connect: true }, draft: true }),
  DISH: t({
    send: false,
    groups: true,
    udp: { bind: true, connect: false },
    freshPipeOnReconnect: true,
    defaultLinger: 0,
    draft: true,
  }),
  GATHER: t({ send: false, conflateOption: true, draft: true }),
  SCATTER: t({ receive: false, conflateOption: true, draft: true }),
  DGRAM: t({ udp: { bind: true, connect: false }, draft: true }),
  PEER: t({ draft: true }),
  CHANNEL: t({ draft: true }),
};

/** The traits of `type`. */
export function socketTraits(type: SocketType): SocketTraits {
  return SOCKET_TRAITS[type];
}
