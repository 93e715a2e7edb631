/**
 * `@zmq/socket` — the runtime-neutral ZeroMQ socket layer: sessions (the wire
 * engine per connection), bound and connected endpoints with reconnects and
 * backoff, linger, heartbeats, the zeromq.js-v6-shaped socket classes, `Observer`
 * and `Proxy`. It imports nothing from `node:` and calls no timer: a binding
 * gives each `Context` its transports and a `Runtime` (clock, timers, deferral,
 * keep-alive, frame type). `@zmq/node` is that binding for Node.js; use it
 * unless you are writing a binding.
 *
 * ```ts
 * import { Context, Pull, Push, type Runtime } from "@zmq/socket";
 *
 * const runtime: Runtime = {
 *   now: () => performance.now(),
 *   setTimer(ms, callback) {
 *     const id = setTimeout(callback, ms);
 *     return () => clearTimeout(id);
 *   },
 *   defer: (callback) => setTimeout(callback, 0),
 *   keepAlive: () => () => {},
 *   toMessage: (frames) => frames,
 *   encodeString: (text) => new TextEncoder().encode(text),
 * };
 * const context = new Context({}, { runtime, transports: [] }); // inproc only
 * const pull = new Pull({ context });
 * await pull.bind("inproc://jobs");
 * const push = new Push({ context });
 * push.connect("inproc://jobs");
 * await push.send("work");
 * const [job] = await pull.receive();
 * console.log(new TextDecoder().decode(job)); // work
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/socket
 */

export {
  type AcceptFilter,
  acceptFilterMatches,
  acceptFiltersAdmit,
  parseAcceptFilter,
} from "./accept-filter";
export {
  Context,
  type ContextBinding,
  type ContextOptions,
  type ExitFlushResult,
  flushForExit,
  getDefaultContext,
  setDefaultContext,
} from "./context";
export {
  Channel,
  Client,
  Datagram,
  Dish,
  type DishGroupOptions,
  type DraftReadable,
  DraftSocketType,
  type DraftWritable,
  Gather,
  Peer,
  Radio,
  type RadioGroupOptions,
  Scatter,
  Server,
  type ServerRoutingOptions,
} from "./draft-sockets";
export { type EngineFactory, type WireEngine, zmtpEngine } from "./engine";
export { AuthError, type ErrnoCode, errnoOf, toZmqError, ZmqError } from "./errors";
export type { ExitBacklog, ExitWire } from "./exit-backlog";
export type { ExitConnection, ExitIo } from "./exit-deliver";
export { replayExitBacklog } from "./exit-replay";
export { ManualRuntime } from "./manual-runtime";
/** For a runtime with tcp/ipc connections: its `security`. */
export { type SecurityMechanisms, securityMechanisms } from "./mechanisms";
export { type FrameTypes, type Message, type MessageLike, toFrame, toFrames } from "./message";
export {
  type MessageProperties,
  messageProperties,
  messageProperty,
} from "./message-properties";
export {
  type Event,
  type EventOfType,
  type EventSubscriber,
  type EventType,
  Observer,
  type ProtoError,
} from "./observer";
export type * from "./option-properties";
export {
  type CoreOptions,
  OPTIONS,
  type OptionEffect,
  type OptionLayer,
  type OptionName,
  type OptionScope,
  type OptionSpec,
} from "./options";
export { Proxy } from "./proxy";
export {
  type AcceptFilterSupport,
  type EventChannel,
  plainFrames,
  type Runtime,
  type RuntimeTimer,
  type TimerOptions,
} from "./runtime";
export { coreOf, Socket, SocketType } from "./socket";
export type { TransportOptions } from "./socket-core";
export {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  type Readable,
  Reply,
  Request,
  Router,
  type RouterConnectOptions,
  type SocketOptions,
  Stream,
  type StreamConnectOptions,
  Subscriber,
  type Writable,
  XPublisher,
  XSubscriber,
} from "./sockets";
/** For a runtime's `tracing` (Node: with `NODE_DEBUG=zmq`). */
export { tracePipe, traceRouterSend } from "./trace";
/** For a runtime with a udp transport: its `udpSession`. */
export { UdpSession } from "./udp-session";
export {
  type ZapHandler,
  type ZapHandlerReply,
  type ZapHandlerRequest,
  zapHandler,
} from "./zap-handler";
