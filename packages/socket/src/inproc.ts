/**
 * `inproc://` as libzmq does it (`socket_base_t::connect_internal`): no
 * transport, no session, no engine. A connect joins the two sockets with one
 * pipe pair whose ends carry each socket's high-water marks, so a direction
 * holds the writer's SNDHWM plus the reader's RCVHWM. A connect before the bind
 * makes the pair at once with the connecter's marks only (messages queue in it)
 * and waits in the context's pending list; the bind adds its marks and attaches
 * the other end. Messages move by reference from one socket to the other.
 *
 * In a context shared by the threads of a process (`ContextBinding.threads`),
 * a bind is also published in the `@zmq/threads` registry, and a connect to a
 * name not bound in this thread goes there: the socket gets an ordinary pipe
 * pair whose far end `bridgePipe` joins to a `ThreadLink` (limits of 1 in the
 * pair, the high-water marks in the link, so a direction still holds SNDHWM +
 * RCVHWM). A connect before any bind waits in both places; whichever bind comes
 * first, here or in another thread, wins and the other wait is withdrawn.
 */
import { createPipePair, type Pipe } from "@zmq/patterns";
import {
  bridgePipe,
  linkHighWaterMarks,
  type ThreadBinding,
  type ThreadLink,
  type ThreadRegistry,
} from "@zmq/threads";
import { socketTypesCompatible } from "@zmq/wire";
import type { SocketCore } from "./socket-core";

/** The inproc names of one context, and the connects waiting for them. */
export class InprocNames {
  readonly #bound = new Map<string, InprocBind>();
  readonly #pending = new Map<string, Set<InprocConnect>>();

  /** True when `name` is bound. */
  has(name: string): boolean {
    return this.#bound.has(name);
  }

  /** How many connects wait for `name`. */
  pendingCount(name: string): number {
    return this.#pending.get(name)?.size ?? 0;
  }

  /** @internal */
  lookup(name: string): InprocBind | undefined {
    return this.#bound.get(name);
  }

  /** @internal Registers a bind (the caller checked the name is free) and joins the waiting connects. */
  register(name: string, bind: InprocBind): void {
    this.#bound.set(name, bind);
    const waiting = this.#pending.get(name);
    if (waiting === undefined) return;
    this.#pending.delete(name);
    for (const connect of waiting) connect.join(bind);
  }

  /** @internal */
  unregister(name: string, bind: InprocBind): void {
    if (this.#bound.get(name) === bind) this.#bound.delete(name);
  }

  /** @internal */
  wait(name: string, connect: InprocConnect): void {
    let set = this.#pending.get(name);
    if (set === undefined) {
      set = new Set();
      this.#pending.set(name, set);
    }
    set.add(connect);
  }

  /** @internal */
  withdraw(name: string, connect: InprocConnect): void {
    const set = this.#pending.get(name);
    if (set === undefined) return;
    set.delete(connect);
    if (set.size === 0) this.#pending.delete(name);
  }
}

/**
 * The cross-thread registry of `core`'s context, when it has one and `name` can
 * be shared (the registry takes names of 1 to 224 UTF-8 bytes; others stay
 * private to the thread, as in a context of its own).
 */
export function threadsFor(core: SocketCore, name: string): ThreadRegistry | undefined {
  const registry = core.context._threads;
  if (registry === undefined) return undefined;
  try {
    registry.lookup(name);
    return registry;
  } catch {
    return undefined;
  }
}

/**
 * How long a cross-thread inproc connect closed with linger 0 before its link
 * attached waits for that, so that what it sent reaches the binder as with
 * libzmq (see `InprocConnect.releaseOnClose`).
 */
const ATTACH_WAIT_MS = 1000;

/** The inproc name of `address` (after `inproc://`). */
export function inprocName(address: string): string {
  return address.slice("inproc://".length);
}

/** One `bind("inproc://name")`. */
export class InprocBind {
  readonly core: SocketCore;
  readonly address: string;
  readonly name: string;
  /** The connecter ends of the pairs joined here (unbind ends them). */
  readonly #pairs = new Set<Pipe>();
  /** This socket's ends of the pairs joined here from this thread. */
  readonly #socketEnds = new Set<Pipe>();
  /** The published name, in a context shared across threads. */
  #published: ThreadBinding | undefined;
  #closed = false;

  constructor(core: SocketCore, address: string) {
    this.core = core;
    this.address = address;
    this.name = inprocName(address);
  }

  /** What `lastEndpoint` reports: the address as bound. */
  get endpoint(): string {
    return this.address;
  }

  /** @internal A connecter joined: attach `bindEnd`; `connectEnd` is ended by unbind. */
  accept(bindEnd: Pipe, connectEnd: Pipe, peerRoutingId: Uint8Array | undefined): void {
    this.#pairs.add(connectEnd);
    connectEnd.onTerminated(() => this.#pairEnded(connectEnd));
    this.#socketEnds.add(bindEnd);
    bindEnd.onTerminated(() => this.#socketEnds.delete(bindEnd));
    this.core.emit({ type: "accept", address: this.address });
    this.core.ps.attachPipe(bindEnd, { routingId: peerRoutingId ?? EMPTY });
    this.core.emit({ type: "handshake", address: this.address });
  }

  /**
   * @internal Publishes the name to the other threads (the caller registered it
   * here first, so this thread's waiting connects took the direct path).
   */
  publish(registry: ThreadRegistry): void {
    const core = this.core;
    this.#published = registry.bind(this.name, (link) => this.#acceptLink(link), {
      ...linkHighWaterMarks(
        core.ps.options.sendHighWaterMark,
        core.ps.options.receiveHighWaterMark,
      ),
      meta: threadMeta(core),
    });
  }

  /** A connect from another thread arrived. */
  #acceptLink(link: ThreadLink): void {
    const core = this.core;
    const peer = link.peerMeta as ThreadMeta | undefined;
    if (this.#closed || core.closed || peer === undefined) {
      link.close(0);
      return;
    }
    if (!socketTypesCompatible(core.socketType, peer.type)) {
      core.reportProtocolError(this.address, mismatch(core.socketType, peer.type));
      link.close(0);
      return;
    }
    const [socketEnd, bridgeEnd] = linkPair(core);
    this.#pairs.add(bridgeEnd);
    bridgeEnd.onTerminated(() => this.#pairEnded(bridgeEnd));
    bridgePipe(bridgeEnd, link, { lingerMs: () => core.ps.options.linger });
    routeMarks(core, socketEnd, link);
    core.emit({ type: "accept", address: this.address });
    core.ps.attachPipe(socketEnd, { routingId: peer.routingId ?? EMPTY });
    core.emit({ type: "handshake", address: this.address });
  }

  /**
   * A connection made here ended. When the peer ended it (it closed or disconnected),
   * report `disconnect`, as for a tcp or ipc peer; not when this side unbinds or closes.
   */
  #pairEnded(end: Pipe): void {
    if (!this.#pairs.delete(end) || this.#closed || this.core.closed) return;
    this.core.emit({ type: "disconnect", address: this.address });
  }

  /**
   * Socket close: what this socket wrote to a peer in this thread stays readable
   * there until read, whatever the linger. An inproc message is in the peer's queue
   * once sent (libzmq's inproc pipe is shared by both sockets; linger is for what
   * a session has not written yet).
   */
  releaseOnClose(): void {
    for (const end of [...this.#socketEnds]) end.terminate(UNTIL_READ);
    this.#socketEnds.clear();
  }

  /** Frees the name; connections made stay (socket close: they end with the linger). */
  stopListening(): void {
    this.#closed = true;
    this.core.context._inproc.unregister(this.name, this);
    this.#published?.unbind();
    this.#published = undefined;
  }

  /** Unbind: free the name and end every connection made through it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.stopListening();
    // What the connecters sent stays readable here until read.
    for (const connectEnd of [...this.#pairs]) connectEnd.terminate(UNTIL_READ);
    this.#pairs.clear();
  }
}

const EMPTY = new Uint8Array(0);
const UNTIL_READ = -1;

/** What a socket tells its peer in another thread (structured-cloned). */
interface ThreadMeta {
  type: string;
  routingId: Uint8Array | undefined;
}

function threadMeta(core: SocketCore): ThreadMeta {
  const id = core.routingId;
  return { type: core.socketType, routingId: id === undefined ? undefined : Uint8Array.from(id) };
}

function mismatch(a: string, b: string): string {
  return `a ${a} socket cannot talk to a ${b} peer`;
}

/**
 * The pair between a socket and a thread link: limits of 1 (the link counts the
 * high-water marks), conflating when the socket asks.
 */
function linkPair(core: SocketCore): [Pipe, Pipe] {
  const options = core.ps.pipeOptions();
  return createPipePair({
    ...options,
    sendHighWaterMark: 1,
    receiveHighWaterMark: 1,
  });
}

/**
 * The socket's end of a pair bridged to a thread link keeps limits of 1: the
 * socket's high-water marks, changed after connect, go to the link (libzmq
 * applies new marks to existing pipes). Applies the current ones now.
 */
function routeMarks(core: SocketCore, socketEnd: Pipe, link: ThreadLink): void {
  const apply = (send: number | undefined, receive: number | undefined): void => {
    const marks = linkHighWaterMarks(
      send ?? core.ps.options.sendHighWaterMark,
      receive ?? core.ps.options.receiveHighWaterMark,
    );
    link.setHighWaterMarks(marks.sendHighWaterMark, marks.receiveHighWaterMark);
  };
  socketEnd.setHighWaterMarks = apply;
  apply(core.ps.options.sendHighWaterMark, core.ps.options.receiveHighWaterMark);
}

function linkOptions(core: SocketCore) {
  return {
    ...linkHighWaterMarks(core.ps.options.sendHighWaterMark, core.ps.options.receiveHighWaterMark),
    meta: threadMeta(core),
  };
}

/** One `connect("inproc://name")`. */
export class InprocConnect {
  readonly core: SocketCore;
  readonly address: string;
  readonly name: string;
  readonly #connectRoutingId: Uint8Array | undefined;
  /** This socket's end of the pair, once made. */
  #socketEnd: Pipe | undefined;
  #peerEnd: Pipe | undefined;
  /** The connect sent to the other threads, while no bind here answered it. */
  #link: ThreadLink | undefined;
  #joined = false;
  /** Joined a bind in this thread (a plain pipe pair, no thread link). */
  #local = false;
  #closed = false;

  constructor(core: SocketCore, address: string, connectRoutingId: Uint8Array | undefined) {
    this.core = core;
    this.address = address;
    this.name = inprocName(address);
    this.#connectRoutingId = connectRoutingId;
  }

  start(): void {
    const names = this.core.context._inproc;
    this.core.emit({ type: "connect:delay", address: this.address });
    const bind = names.lookup(this.name);
    if (bind !== undefined) {
      this.join(bind);
      return;
    }
    // Before the bind: the pair exists now (unless the type attaches lazily and no
    // routing id names the peer), so messages sent meanwhile queue in it, held to
    // this socket's marks; a ROUTER can address the peer by its connect routing id at once.
    if (
      !this.core.options.immediate &&
      (this.core.traits.eagerPipe || this.#connectRoutingId !== undefined)
    ) {
      this.#makePair(undefined);
    }
    names.wait(this.name, this);
    // Bound in another thread, now or later: whichever bind answers first wins.
    const registry = threadsFor(this.core, this.name);
    if (registry !== undefined) {
      const link = registry.connect(this.name, linkOptions(this.core));
      this.#link = link;
      link.setHandler({
        attached: () => this.#joinLink(link),
        closed: (_link, reason) => {
          if (this.#link !== link) return;
          this.#link = undefined;
          // A binder that ends the link before we heard it accept refused us (a
          // socket type it cannot talk to): as a failed handshake, and no retry.
          if (reason === "peer" && !this.#joined) {
            this.core.reportProtocolError(this.address, "the peer refused the connection");
            this.close();
          }
        },
      });
    }
  }

  /** A bind in another thread accepted: the socket's pipe goes through the link. */
  #joinLink(link: ThreadLink): void {
    if (this.#closed || this.#joined || this.#link !== link) return;
    this.#joined = true;
    this.#link = undefined;
    this.core.context._inproc.withdraw(this.name, this);
    const core = this.core;
    const peer = link.peerMeta as ThreadMeta;
    if (!socketTypesCompatible(core.socketType, peer.type)) {
      core.reportProtocolError(this.address, mismatch(core.socketType, peer.type));
      link.close(0);
      this.close();
      return;
    }
    let socketEnd = this.#socketEnd;
    let peerEnd = this.#peerEnd;
    if (socketEnd === undefined || peerEnd === undefined) {
      [socketEnd, peerEnd] = linkPair(core);
      this.#attach(socketEnd, peerEnd, peer.routingId);
    } else {
      // Made before the bind with this socket's marks: the link counts them now.
      socketEnd.setHighWaterMarks(1, 1);
    }
    bridgePipe(peerEnd, link, { lingerMs: () => core.ps.options.linger });
    routeMarks(core, socketEnd, link);
    core.emit({ type: "connect", address: this.address });
    core.emit({ type: "handshake", address: this.address });
  }

  /** @internal The name is bound (now or later): join the binder's socket. */
  join(bind: InprocBind): void {
    if (this.#closed || this.#joined) return;
    this.#joined = true;
    this.#local = true;
    // Bound in this thread: the connect sent to the other threads is withdrawn.
    const link = this.#link;
    this.#link = undefined;
    link?.close(0);
    const peer = bind.core;
    if (peer.closed) {
      this.close();
      return;
    }
    if (!socketTypesCompatible(this.core.socketType, peer.socketType)) {
      // As a ZMTP peer of the wrong type: both sides report it, nothing attaches.
      this.core.reportProtocolError(this.address, mismatch(this.core.socketType, peer.socketType));
      peer.reportProtocolError(bind.address, mismatch(peer.socketType, this.core.socketType));
      this.close();
      return;
    }
    const peerRoutingId = peer.routingId;
    let socketEnd = this.#socketEnd;
    let peerEnd = this.#peerEnd;
    if (socketEnd === undefined || peerEnd === undefined) {
      [socketEnd, peerEnd] = this.#makePair(peer, peerRoutingId);
    } else {
      // The pair was made before the bind: the binder's marks join the sum now.
      peerEnd.setHighWaterMarks(
        peer.ps.options.sendHighWaterMark,
        peer.ps.options.receiveHighWaterMark,
      );
    }
    this.core.emit({ type: "connect", address: this.address });
    // The binder attaches its end a moment later, as libzmq's bind command reaches
    // the bound socket asynchronously: what it writes on attach (an XPUB's welcome)
    // then finds the connecter's subscriptions made right after connect().
    const routingId = this.core.routingId;
    this.core.runtime.defer(() => bind.accept(peerEnd, socketEnd, routingId));
    this.core.emit({ type: "handshake", address: this.address });
  }

  #makePair(peer: SocketCore | undefined, peerRoutingId?: Uint8Array): [Pipe, Pipe] {
    const [socketEnd, peerEnd] = createPipePair(this.core.ps.pipeOptions(peer?.ps));
    this.#attach(socketEnd, peerEnd, peerRoutingId);
    return [socketEnd, peerEnd];
  }

  #attach(socketEnd: Pipe, peerEnd: Pipe, peerRoutingId: Uint8Array | undefined): void {
    this.#socketEnd = socketEnd;
    this.#peerEnd = peerEnd;
    socketEnd.onTerminated(() => this.#pairEnded());
    this.core.ps.attachPipe(socketEnd, {
      ...(peerRoutingId !== undefined && { routingId: peerRoutingId }),
      ...(this.#connectRoutingId !== undefined && { connectRoutingId: this.#connectRoutingId }),
    });
  }

  /** The pair ended (either side closed, unbind, disconnect): this endpoint is done. */
  #pairEnded(): void {
    if (this.#closed) return;
    if (this.#joined) this.core.emit({ type: "disconnect", address: this.address });
    this.#finish();
  }

  /** Socket close: joined in this thread, what was sent stays readable by the peer until read (see InprocBind.releaseOnClose). */
  releaseOnClose(): void {
    if (this.#local) {
      this.#socketEnd?.terminate(UNTIL_READ);
      return;
    }
    // Bound in another thread, link not attached yet, linger 0: libzmq's connect
    // to a bound name shares one pipe with the binder, so what was sent is the
    // binder's already. Here it reaches that thread only through the link, so it
    // waits for the link to attach, at most ATTACH_WAIT_MS (keeping this thread
    // alive so long); once in the link's ring it stays readable by the peer.
    const link = this.#link;
    const peerEnd = this.#peerEnd;
    if (
      link === undefined ||
      this.#joined ||
      peerEnd === undefined ||
      this.core.ps.options.linger !== 0 ||
      !this.#boundElsewhere() ||
      !peerEnd.checkRead()
    ) {
      return;
    }
    this.#link = undefined;
    bridgePipe(peerEnd, link, { lingerMs: () => ATTACH_WAIT_MS });
    this.#socketEnd?.terminate(UNTIL_READ);
  }

  /**
   * The socket closed: its pipes end with the linger; stop waiting for a bind
   * here. A connect sent to the other threads that holds unsent messages stays
   * pending there (libzmq keeps a closed socket's pending inproc connection in
   * the context): the queued messages move into the link, which delivers them
   * to a bind made later in any thread, within the linger.
   */
  socketClosed(): void {
    const link = this.#link;
    const peerEnd = this.#peerEnd;
    if (
      link !== undefined &&
      !this.#joined &&
      peerEnd !== undefined &&
      this.core.ps.options.linger !== 0 &&
      peerEnd.checkRead()
    ) {
      this.#link = undefined;
      const core = this.core;
      bridgePipe(peerEnd, link, { lingerMs: () => core.ps.options.linger });
    }
    this.#finish();
  }

  /** Whether another thread has bound the name now. */
  #boundElsewhere(): boolean {
    try {
      return this.core.context._threads?.lookup(this.name) !== undefined;
    } catch {
      return false;
    }
  }

  /** Disconnect: end the pair (what this side sent stays readable by the peer until read). */
  close(): void {
    if (this.#closed) return;
    this.#finish();
    this.#socketEnd?.terminate(UNTIL_READ);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.core.context._inproc.withdraw(this.name, this);
    const link = this.#link;
    this.#link = undefined;
    link?.close(0);
    this.core.connectEndpointClosed(this);
  }
}
