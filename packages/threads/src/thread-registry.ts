import { CHAIN_DEPTH, NameTable } from "./name-table";
import { createRing, H, MAX_RING_BYTES, MIN_RING_BYTES, type RingAllocate } from "./ring";
import { checkHighWaterMark, type LinkMemory, ThreadLink } from "./thread-link";
import { ThreadsError } from "./threads-error";

/** Options of one end of a link (one socket's view). */
export interface LinkOptions {
  /** This socket's SNDHWM in messages (`ZMQ_SNDHWM`); default 1000, 0 = no limit. */
  sendHighWaterMark?: number;
  /** This socket's RCVHWM in messages (`ZMQ_RCVHWM`); default 1000, 0 = no limit. */
  receiveHighWaterMark?: number;
  /** Anything structured-cloneable the peer should see as `link.peerMeta` (socket type, routing id…). */
  meta?: unknown;
}

/** Options of `ThreadRegistry.connect`. */
export interface ThreadConnectOptions extends LinkOptions {
  /**
   * Data bytes of each direction's ring, a power of two. Default 4 MiB: room
   * for several large messages, so a writer and a reader of them wake each
   * other rarely. Memory is committed as the ring is used: a link of small
   * messages stays in the first few hundred KiB (see `REWIND_AT`).
   */
  ringBytes?: number;
}

/** Options of `new ThreadRegistry`. */
export interface ThreadRegistryOptions {
  /** The process's root (`createRegistryRoot()`), the same SharedArrayBuffer in every thread. */
  root: SharedArrayBuffer;
  /** This thread's id, unique in the process (Node: `worker_threads.threadId`). */
  thread: number;
  /** This thread's ancestors, parent first (a worker ends with its parent). Default none. */
  chain?: readonly number[];
  /**
   * Makes, per link, the function that allocates the memory received messages
   * are copied into (8-byte aligned; need not be zeroed). Default: `new Uint8Array`.
   */
  allocator?: () => RingAllocate;
  /** Keeps this thread alive until the returned function is called (see `ThreadLinkInit.keepAlive`). */
  keepAlive?: () => () => void;
  /**
   * The frame a reader hands out for a frame that came by reference to shared
   * memory (see `shareMemory`). Default: a Uint8Array view.
   */
  sharedView?: (memory: SharedArrayBuffer, offset: number, length: number) => Uint8Array;
}

/** A name bound in the registry; `unbind()` frees it (links already made stay). */
export interface ThreadBinding {
  readonly name: string;
  /** Process-unique id of this binding. */
  readonly id: number;
  unbind(): void;
}

const DEFAULT_RING_BYTES = 4 * 1024 * 1024;

/** Control messages on the registry's broadcast channel. */
type Control =
  | { t: "bound"; name: string }
  | { t: "gone"; thread: number }
  | {
      t: "conn";
      to: number;
      binding: number;
      id: number;
      from: number;
      chain: readonly number[];
      out: SharedArrayBuffer;
      in: SharedArrayBuffer;
      snd: number;
      rcv: number;
      meta: unknown;
    }
  | { t: "acc"; to: number; id: number; from: number; chain: readonly number[]; meta: unknown }
  | { t: "rej"; to: number; id: number }
  | { t: "mem"; id: number; sab: SharedArrayBuffer }
  | { t: "mem?"; id: number };

interface LocalBinding {
  name: string;
  id: number;
  snd: number;
  rcv: number;
  meta: unknown;
  onConnect: (link: ThreadLink) => void;
}

interface PendingConnect {
  id: number;
  name: string;
  encoded: Uint8Array;
  link: ThreadLink;
  out: SharedArrayBuffer;
  in: SharedArrayBuffer;
  snd: number;
  rcv: number;
  meta: unknown;
  /** The binding the connect was sent to, while waiting for its answer. */
  target: { thread: number; chain: number[] } | undefined;
}

/**
 * One thread's view of the process-wide inproc registry. Names bound in any
 * thread are found from every thread; a connect before the bind waits for it;
 * `unbind`, `close()` and the end of the owning thread free names. A matched
 * connect becomes a `ThreadLink` pair. State lives in the shared root
 * (`NameTable`); the threads tell each other about binds, connects and exits on
 * a `BroadcastChannel` named after the root.
 */
export class ThreadRegistry {
  readonly thread: number;
  readonly chain: readonly number[];
  readonly #table: NameTable;
  /**
   * Made on first use (a bind, a connect, a message to post), not at start: a
   * thread that never crosses threads holds no channel, so nothing keeps a
   * runtime alive whose BroadcastChannel has no `unref` (Deno).
   */
  #channel: InstanceType<typeof BroadcastChannel> | undefined;
  readonly #bindings = new Map<number, LocalBinding>();
  /** Pending connects by id. */
  readonly #pending = new Map<number, PendingConnect>();
  /** Pending connects with no binder yet, by name. */
  readonly #waiting = new Map<string, Set<PendingConnect>>();
  readonly #links = new Set<ThreadLink>();
  #options: { version: number; options: Record<string, unknown> } | undefined;
  #closed = false;
  readonly #allocator: (() => RingAllocate) | undefined;
  readonly #keepAlive: (() => () => void) | undefined;
  /** Shared memory known in this thread, by its process-wide number (see `shareMemory`). */
  readonly #shared = new Map<number, SharedArrayBuffer>();
  readonly #sharedIds = new WeakMap<SharedArrayBuffer, number>();
  readonly #sharedWaiters = new Map<number, (() => void)[]>();
  readonly #memory: LinkMemory;

  constructor(options: ThreadRegistryOptions) {
    this.#allocator = options.allocator;
    this.#keepAlive = options.keepAlive;
    const shared = this.#shared;
    const ids = this.#sharedIds;
    this.#memory = {
      idOf: (buffer) => ids.get(buffer as SharedArrayBuffer),
      get: (id) => shared.get(id),
      ...(options.sharedView !== undefined && { view: options.sharedView }),
      whenKnown: (id, callback) => this.#whenKnown(id, callback),
    };
    this.thread = options.thread;
    this.chain = (options.chain ?? []).slice(0, CHAIN_DEPTH);
    this.#table = new NameTable(options.root, options.thread);
  }

  /** The control channel, opened on first use. */
  #listen(): InstanceType<typeof BroadcastChannel> {
    if (this.#channel !== undefined) return this.#channel;
    const channel = new BroadcastChannel(`@zmq/threads:${this.#table.tag}`);
    channel.onmessage = (event: MessageEvent) => this.#receive(event.data as Control);
    // Node: the channel must not keep a thread alive on its own.
    (channel as unknown as { unref?: () => void }).unref?.();
    this.#channel = channel;
    return channel;
  }

  /** Who holds `name` (the bound thread and the binding id), if anyone. */
  lookup(name: string): { thread: number; id: number } | undefined {
    const entry = this.#table.lookup(this.#table.encodeName(name));
    return entry === undefined ? undefined : { thread: entry.owner, id: entry.id };
  }

  /**
   * Binds `name` process-wide. `onConnect` receives this side's end of each link
   * a connect makes (set its handler at once). Throws `EADDRINUSE` when any thread
   * holds the name.
   */
  bind(
    name: string,
    onConnect: (link: ThreadLink) => void,
    options: LinkOptions = {},
  ): ThreadBinding {
    this.#checkOpen();
    this.#listen();
    const snd = checkHighWaterMark(options.sendHighWaterMark, "sendHighWaterMark");
    const rcv = checkHighWaterMark(options.receiveHighWaterMark, "receiveHighWaterMark");
    const encoded = this.#table.encodeName(name);
    const id = this.#table.claim(encoded, this.thread, this.chain);
    this.#bindings.set(id, { name, id, snd, rcv, meta: options.meta, onConnect });
    this.#post({ t: "bound", name });
    // Connects of this very thread waiting for the name.
    this.#matchWaiting(name);
    return {
      name,
      id,
      unbind: () => {
        if (!this.#bindings.delete(id)) return;
        this.#table.release(id);
      },
    };
  }

  /**
   * Connects to `name`, bound now or later, in any thread. The link is usable at
   * once: while it is `pending`, writes queue up to this side's SNDHWM; once the
   * binder accepts, `attached` fires and each direction holds SNDHWM + RCVHWM.
   * Closing a pending link withdraws the connect.
   */
  connect(name: string, options: ThreadConnectOptions = {}): ThreadLink {
    this.#checkOpen();
    this.#listen();
    const snd = checkHighWaterMark(options.sendHighWaterMark, "sendHighWaterMark");
    const rcv = checkHighWaterMark(options.receiveHighWaterMark, "receiveHighWaterMark");
    const ringBytes = options.ringBytes ?? DEFAULT_RING_BYTES;
    if (
      !Number.isInteger(ringBytes) ||
      ringBytes < MIN_RING_BYTES ||
      ringBytes > MAX_RING_BYTES ||
      (ringBytes & (ringBytes - 1)) !== 0
    ) {
      throw new ThreadsError(
        "EINVAL",
        `ringBytes must be a power of two in ${MIN_RING_BYTES}..${MAX_RING_BYTES}, got ${ringBytes}`,
      );
    }
    const encoded = this.#table.encodeName(name);
    const out = createRing(ringBytes, snd);
    const inbound = createRing(ringBytes, -1, rcv);
    const id = this.#table.nextId();
    const link = new ThreadLink({
      outbound: out,
      inbound,
      name,
      memory: this.#memory,
      ...(this.#allocator !== undefined && { allocate: this.#allocator() }),
      ...(this.#keepAlive !== undefined && { keepAlive: this.#keepAlive }),
      onFinish: (finished) => {
        this.#links.delete(finished);
        this.#withdraw(id);
      },
    });
    this.#links.add(link);
    const pending: PendingConnect = {
      id,
      name,
      encoded,
      link,
      out,
      in: inbound,
      snd,
      rcv,
      meta: options.meta,
      target: undefined,
    };
    this.#pending.set(id, pending);
    this.#match(pending);
    return link;
  }

  /**
   * Makes `memory` known to every thread of the process, so frames that lie in
   * it (over 128 bytes, zeromq.js's zero-copy threshold) cross threads by
   * reference: the ring carries its number, the offset and the length, and the
   * receiver gets a view of the same bytes — no copy, no allocation, on either
   * side, whatever the size. For memory an application keeps and reuses (a pool
   * of payload buffers): every thread holds it from now on, until the process
   * ends. Idempotent; returns the memory's process-wide number. As with
   * zeromq.js's zero-copy sends, the receiver sees the sender's bytes: change
   * them only once the receiver is done with them.
   */
  shareMemory(memory: SharedArrayBuffer): number {
    this.#checkOpen();
    if (!(memory instanceof SharedArrayBuffer)) {
      throw new ThreadsError("EINVAL", "shareMemory takes a SharedArrayBuffer");
    }
    const known = this.#sharedIds.get(memory);
    if (known !== undefined) return known;
    const id = this.#table.nextId();
    this.#learn(id, memory);
    this.#post({ t: "mem", id, sab: memory });
    return id;
  }

  #learn(id: number, memory: SharedArrayBuffer): void {
    if (this.#shared.has(id)) return;
    this.#shared.set(id, memory);
    this.#sharedIds.set(memory, id);
    const waiters = this.#sharedWaiters.get(id);
    if (waiters === undefined) return;
    this.#sharedWaiters.delete(id);
    for (const callback of waiters) callback();
  }

  #whenKnown(id: number, callback: () => void): void {
    if (this.#shared.has(id)) {
      queueMicrotask(callback);
      return;
    }
    let waiters = this.#sharedWaiters.get(id);
    if (waiters === undefined) {
      waiters = [];
      this.#sharedWaiters.set(id, waiters);
      // Normally on its way already; this thread may have started listening after it was shared.
      this.#post({ t: "mem?", id });
    }
    waiters.push(callback);
  }

  /**
   * The process-wide context options (zeromq.js's `zmq.context` settings): what
   * one thread sets, every thread reads. Values must be JSON (numbers, booleans).
   */
  readonly contextOptions = {
    get: (key: string): unknown => this.#readOptions()[key],
    set: (key: string, value: unknown): void => {
      this.#table.writeOptions({ [key]: value });
    },
    all: (): Record<string, unknown> => ({ ...this.#readOptions() }),
  };

  /**
   * Reports that `thread` ended (exit, crash or termination): frees its names and
   * those of the threads it started, and ends every link to them in every thread.
   * The Node part calls this from each Worker's `exit` event.
   */
  threadExited(thread: number): void {
    this.#table.dead.add(thread);
    this.#table.releaseThread(thread);
    this.#post({ t: "gone", thread });
    this.#gone(thread);
  }

  /** Live links of this thread (both ends it holds). */
  get links(): number {
    return this.#links.size;
  }

  /** Names this thread has bound. */
  get bindings(): number {
    return this.#bindings.size;
  }

  /**
   * Leaves the registry: frees this thread's names, withdraws its connects, ends
   * its links without linger and closes the channel.
   */
  close(): void {
    if (this.#closed) return;
    for (const binding of this.#bindings.values()) this.#table.release(binding.id);
    this.#bindings.clear();
    for (const link of [...this.#links]) link.close(0);
    this.#pending.clear();
    this.#waiting.clear();
    this.#closed = true;
    this.#channel?.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new ThreadsError("ECLOSED", "the thread registry is closed");
  }

  #readOptions(): Record<string, unknown> {
    const cached = this.#options;
    if (cached !== undefined && cached.version === this.#table.optionsVersion)
      return cached.options;
    this.#options = this.#table.readOptions();
    return this.#options.options;
  }

  #post(message: Control): void {
    if (!this.#closed) this.#listen().postMessage(message);
  }

  /** Sends the connect to whoever holds its name now, or parks it until a bind appears. */
  #match(pending: PendingConnect): void {
    if (pending.link.state === "closed" || pending.target !== undefined) return;
    const entry = this.#table.lookup(pending.encoded);
    if (entry === undefined) {
      let set = this.#waiting.get(pending.name);
      if (set === undefined) {
        set = new Set();
        this.#waiting.set(pending.name, set);
      }
      set.add(pending);
      return;
    }
    this.#waiting.get(pending.name)?.delete(pending);
    pending.target = { thread: entry.owner, chain: [entry.owner, ...entry.chain] };
    const message: Control = {
      t: "conn",
      to: entry.owner,
      binding: entry.id,
      id: pending.id,
      from: this.thread,
      chain: [this.thread, ...this.chain],
      out: pending.out,
      in: pending.in,
      snd: pending.snd,
      rcv: pending.rcv,
      meta: pending.meta,
    };
    if (entry.owner === this.thread) queueMicrotask(() => this.#receive(message));
    else this.#post(message);
  }

  #matchWaiting(name: string): void {
    const set = this.#waiting.get(name);
    if (set === undefined) return;
    this.#waiting.delete(name);
    for (const pending of set) this.#match(pending);
  }

  #withdraw(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    const set = this.#waiting.get(pending.name);
    set?.delete(pending);
    if (set?.size === 0) this.#waiting.delete(pending.name);
  }

  #receive(message: Control): void {
    if (this.#closed) return;
    switch (message.t) {
      case "bound":
        this.#matchWaiting(message.name);
        return;
      case "gone":
        this.#table.dead.add(message.thread);
        this.#gone(message.thread);
        return;
      case "conn":
        if (message.to === this.thread) this.#accept(message);
        return;
      case "acc": {
        if (message.to !== this.thread) return;
        const pending = this.#pending.get(message.id);
        if (pending === undefined || this.#anyDead(message.chain)) return;
        this.#pending.delete(message.id);
        pending.link._attach(message.from, message.chain, message.meta);
        return;
      }
      case "mem":
        this.#learn(message.id, message.sab);
        return;
      case "mem?": {
        const memory = this.#shared.get(message.id);
        if (memory !== undefined) this.#post({ t: "mem", id: message.id, sab: memory });
        return;
      }
      case "rej": {
        if (message.to !== this.thread) return;
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        pending.target = undefined;
        this.#match(pending);
        return;
      }
    }
  }

  #accept(message: Extract<Control, { t: "conn" }>): void {
    if (this.#anyDead(message.chain)) return;
    const binding = this.#bindings.get(message.binding);
    const reply = (answer: Control): void => {
      if (message.from === this.thread) queueMicrotask(() => this.#receive(answer));
      else this.#post(answer);
    };
    if (binding === undefined) {
      reply({ t: "rej", to: message.from, id: message.id });
      return;
    }
    // Each direction holds its writer's SNDHWM plus its reader's RCVHWM.
    const toUs = new Int32Array(message.out, 0, 128);
    const toThem = new Int32Array(message.in, 0, 128);
    Atomics.store(toUs, H.RCV_PART, binding.rcv);
    Atomics.store(toThem, H.SND_PART, binding.snd);
    // Wake the connecting writer if it waits on its pending limit.
    Atomics.store(toUs, H.W_SLEEP, 0);
    Atomics.add(toUs, H.R_BELL, 1);
    Atomics.notify(toUs, H.R_BELL);
    const link = new ThreadLink({
      outbound: message.in,
      inbound: message.out,
      name: binding.name,
      memory: this.#memory,
      ...(this.#allocator !== undefined && { allocate: this.#allocator() }),
      ...(this.#keepAlive !== undefined && { keepAlive: this.#keepAlive }),
      peer: { thread: message.from, chain: message.chain, meta: message.meta },
      onFinish: (finished) => this.#links.delete(finished),
    });
    this.#links.add(link);
    reply({
      t: "acc",
      to: message.from,
      id: message.id,
      from: this.thread,
      chain: [this.thread, ...this.chain],
      meta: binding.meta,
    });
    binding.onConnect(link);
  }

  #anyDead(chain: readonly number[]): boolean {
    for (const thread of chain) if (this.#table.dead.has(thread)) return true;
    return false;
  }

  #gone(thread: number): void {
    if (thread === this.thread) return;
    for (const link of [...this.#links]) {
      if (link.peerChain.includes(thread)) link._peerExited();
    }
    for (const pending of this.#pending.values()) {
      if (pending.target?.chain.includes(thread)) {
        pending.target = undefined;
        this.#match(pending);
      }
    }
  }
}
