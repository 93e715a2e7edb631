/**
 * `@zmq/patterns`: ZeroMQ socket types over message pipes — pure logic, no I/O.
 *
 * Messages are arrays of frames and always travel whole. A pipe pair joins a socket
 * to a peer (a session for tcp/ipc, another socket for inproc); socket types route
 * over their pipes with libzmq's strategies (load-balance, fair-queue, distribute,
 * subscription tries) and never see bytes or transports.
 *
 * @example
 * ```ts
 * import { createPipePair, createSocket } from "@zmq/patterns";
 *
 * const req = createSocket("REQ");
 * const rep = createSocket("REP");
 * const [reqEnd, repEnd] = createPipePair(req.pipeOptions(rep)); // inproc-style pair
 * req.attachPipe(reqEnd);
 * rep.attachPipe(repEnd);
 *
 * const text = new TextEncoder();
 * req.send([text.encode("ping")]);
 * const request = rep.receive(); // [ "ping" ] — envelope stripped and stored
 * rep.send([text.encode("pong")]);
 * const reply = req.receive(); // [ "pong" ]
 * console.log(new TextDecoder().decode(request?.[0]), new TextDecoder().decode(reply?.[0]));
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/patterns
 */

export { createSocket } from "./create-socket";
export {
  checkGroup,
  decodeGroupCommand,
  decodeServerRoutingId,
  encodeGroupCommand,
  encodeServerRoutingId,
  type GroupCommand,
  MAX_GROUP_LENGTH,
} from "./draft-messages";
export { isPatternError, PATTERN_ERRNO, PatternError, type PatternErrorCode } from "./errors";
export { ManualScheduler } from "./manual-scheduler";
export { bytesKey, EMPTY_FRAME, type Message, toBytes } from "./message";
export { createPipePair, Pipe, type PipeHandler, type PipeOptions, type PipeState } from "./pipe";
export { RingQueue } from "./ring-queue";
export { autoRoutingId } from "./routing-id";
export { type Scheduler, systemScheduler } from "./scheduler";
export {
  type AttachOptions,
  SocketBase,
  type SocketHandler,
  type SocketRuntime,
} from "./socket-base";
export { defaultSocketOptions, type SocketOptions, validateSocketOption } from "./socket-options";
export { SOCKET_TRAITS, type SocketTraits, socketTraits } from "./socket-traits";
export { DRAFT_SOCKET_TYPES, SOCKET_TYPE_NUMBER, type SocketType } from "./socket-type";
export { Channel } from "./sockets/channel";
export { Client } from "./sockets/client";
export { Dealer } from "./sockets/dealer";
export { Dgram } from "./sockets/dgram";
export { Dish } from "./sockets/dish";
export { Gather } from "./sockets/gather";
export { Pair } from "./sockets/pair";
export { Peer } from "./sockets/peer";
export { Pub } from "./sockets/pub";
export { Pull } from "./sockets/pull";
export { Push } from "./sockets/push";
export { Radio } from "./sockets/radio";
export { Rep } from "./sockets/rep";
export { Req } from "./sockets/req";
export { Router } from "./sockets/router";
export { Scatter } from "./sockets/scatter";
export { Server } from "./sockets/server";
export { Stream } from "./sockets/stream";
export { Sub } from "./sockets/sub";
export { XPub } from "./sockets/xpub";
export { XSub } from "./sockets/xsub";
export { Distributor } from "./strategies/distributor";
export { FairQueue } from "./strategies/fair-queue";
export { FilteredQueue } from "./strategies/filtered-queue";
export { GroupTable } from "./strategies/group-table";
export { LoadBalancer } from "./strategies/load-balancer";
export { type MatchSink, MultiTrie, type MultiTrieRemoveResult } from "./strategies/multi-trie";
export { SubscriptionTrie } from "./strategies/subscription-trie";
