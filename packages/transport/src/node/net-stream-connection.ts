import { readSync, writeSync } from "node:fs";
import type { Socket } from "node:net";
import {
  type ReadReuse,
  type StreamConnection,
  type StreamHandler,
  type TransportError,
  toTransportError,
} from "../index";
import type { DirectReadSink, DirectReads } from "./direct-reads";
import {
  DIRECT_WRITES,
  type DirectWriteOwner,
  directHandle,
  writeDirect,
  writeError,
} from "./direct-writes";

/** On the socket: the connection its event listeners report to (shared listeners, no closures). */
const OWNER = Symbol("zmq.connection");
type OwnedSocket = Socket & { [OWNER]: NetStreamConnection };
/** The empty list `#held` and `#history` share while they hold nothing (never written to). */
const NONE: never[] = [];

/**
 * A `StreamConnection` over a connected `net.Socket` (TCP or Unix domain).
 * Chunks go from the socket's `data` event straight to the handler, uncopied.
 * The socket must be half-open capable (`allowHalfOpen: true`) so that a
 * peer's FIN is reported as `end()` rather than closing our side.
 *
 * A socket created with `DirectReads`' `onread` (pass the same `DirectReads`
 * here) is read through it instead: into slabs, or straight into the memory the
 * handler's `readTarget()` names.
 *
 * Writes go to the socket's handle directly while its `Writable` holds nothing
 * (see `direct-writes.ts`), else through `socket.write()`.
 */
export class NetStreamConnection implements StreamConnection, DirectReadSink, DirectWriteOwner {
  readonly kind = "stream" as const;
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  readonly remoteAddress: string;

  readonly #socket: Socket;
  #handler: StreamHandler | undefined;
  #error: TransportError | undefined;
  #closed = false;
  #closeReported = false;
  readonly #reads: DirectReads | undefined;
  /** `pause()` was called (and no `resume()` since). */
  #paused = false;
  /** Chunks read through `onread` while paused. */
  #held: Buffer[] = NONE;
  // What writeSync() needs at process end: the bytes written (and the chunks
  // that may not all have reached the OS yet), counted from `#sentBase`, what the
  // socket had taken before this connection wrapped it (a ws upgrade request).
  readonly #sentBase: number;
  #sent = 0;
  #history: Uint8Array[] = NONE;
  #historyStart = 0;
  #historyBytes = 0;
  /** writeSync() state: what is left to write, and whether the connection failed. */
  #exitOut: Uint8Array[] | undefined;
  #exitFailed = false;
  /** Writes go to the handle when they can (plain TCP or Unix-domain sockets on Node). */
  readonly #direct: boolean;
  /** A direct write returned false: report `drain` once libuv's queue is empty. */
  #directBlocked = false;
  /** `end()` was called: writes stop (the socket's `writable` says so too, at a getter's cost). */
  #ending = false;
  /** The socket's write high-water mark (fixed when it was created). */
  readonly #highWaterMark: number;

  constructor(
    socket: Socket,
    localEndpoint: string,
    remoteEndpoint: string,
    remoteAddress: string,
    reads?: DirectReads,
  ) {
    this.#socket = socket;
    this.#reads = reads;
    // Nothing is read until a handler is set (a data listener does that otherwise).
    if (reads !== undefined) socket.pause();
    this.localEndpoint = localEndpoint;
    this.remoteEndpoint = remoteEndpoint;
    this.remoteAddress = remoteAddress;
    this.#sentBase = socket.bytesWritten ?? 0;
    this.#direct =
      DIRECT_WRITES !== undefined &&
      !(socket as { encrypted?: boolean }).encrypted &&
      typeof (socket as unknown as { _handle?: { writev?: unknown } | null })._handle?.writev ===
        "function";
    this.#highWaterMark = socket.writableHighWaterMark;
    (socket as OwnedSocket)[OWNER] = this;
    socket.on("error", NetStreamConnection.#onError);
    socket.on("close", NetStreamConnection.#onClose);
  }

  // The socket's listeners: one function each for every connection (`this` is the
  // socket), so an idle connection holds no closures.
  static readonly #onError = function (this: Socket, error: Error): void {
    const self = (this as OwnedSocket)[OWNER];
    self.#error ??= toTransportError(error, self.remoteEndpoint);
  };

  static readonly #onClose = function (this: Socket): void {
    const self = (this as OwnedSocket)[OWNER];
    self.#closed = true;
    const handler = self.#handler;
    if (handler !== undefined && !self.#closeReported) {
      self.#closeReported = true;
      handler.close(self.#error);
    }
  };

  static readonly #onEnd = function (this: Socket): void {
    (this as OwnedSocket)[OWNER].#handler!.end();
  };

  static readonly #onDrain = function (this: Socket): void {
    (this as OwnedSocket)[OWNER].#handler!.drain();
  };

  setHandler(handler: StreamHandler): void {
    const first = this.#handler === undefined;
    this.#handler = handler;
    if (this.#closed) {
      if (!this.#closeReported) {
        this.#closeReported = true;
        queueMicrotask(() => handler.close(this.#error));
      }
      return;
    }
    if (!first) return;
    const socket = this.#socket;
    socket.on("end", NetStreamConnection.#onEnd);
    socket.on("drain", NetStreamConnection.#onDrain);
    const reads = this.#reads;
    if (reads === undefined) {
      // Attaching 'data' starts the flow unless pause() was called before.
      socket.on("data", (chunk: Buffer) => this.#handler!.data(chunk));
      return;
    }
    reads.attach(this);
    // Flowing (for 'end') and reading, unless the handler paused meanwhile.
    if (!this.#paused) socket.resume();
  }

  /** @internal DirectReadSink: bytes read through `onread`. */
  read(chunk: Buffer): boolean {
    // A read can land after pause() (Node restarts reading on a deferred resume):
    // it waits for resume(), and reading stops.
    if (this.#paused || this.#held.length > 0) {
      if (this.#held === NONE) this.#held = [chunk];
      else this.#held.push(chunk);
      return false;
    }
    this.#handler!.data(chunk);
    return true;
  }

  /** @internal DirectReadSink: where the handler wants the next bytes. */
  target(): Uint8Array | undefined {
    const handler = this.#handler;
    return handler === undefined || this.#closed ? undefined : handler.readTarget?.();
  }

  /** @internal DirectReadSink: may the next read go over memory read into before? */
  reuse(): ReadReuse {
    const handler = this.#handler;
    if (handler === undefined || this.#closed) return 0;
    const reuse = handler.readReuse?.() ?? 0;
    // Chunks held here (read after a pause) are still to be delivered.
    return reuse === 2 && this.#held.length > 0 ? 1 : reuse;
  }

  write(chunks: readonly Uint8Array[], written?: () => void): boolean {
    const socket = this.#socket;
    if (this.#direct && written === undefined && !this.#ending) {
      const handle = directHandle(socket);
      if (handle !== undefined) {
        const queued = writeDirect(DIRECT_WRITES!, handle, chunks, this);
        if (queued < 0) {
          socket.destroy(writeError(queued));
          return false;
        }
        this.#remember(chunks, queued);
        if (queued < this.#highWaterMark) return true;
        this.#directBlocked = true;
        return false;
      }
    }
    if (!socket.writable) return false;
    const n = chunks.length;
    let ok = true;
    // Node calls back once a write is done (and the writes of one writev together).
    const done = written === undefined ? undefined : (error?: Error | null) => error || written();
    if (n === 1) {
      ok = socket.write(chunks[0]!, done);
    } else {
      socket.cork();
      // The callback rides on the last non-empty chunk (the last chunk if all are
      // empty); without one, empty chunks are skipped and nothing is scanned.
      let last = -1;
      if (done !== undefined) {
        last = n - 1;
        while (last > 0 && chunks[last]!.length === 0) last--;
      }
      for (let i = 0; i < n; i++) {
        const chunk = chunks[i]!;
        if (chunk.length > 0 || i === last) ok = socket.write(chunk, i === last ? done : undefined);
      }
      // uncork hands every corked chunk to one writev.
      socket.uncork();
    }
    this.#remember(chunks);
    return ok;
  }

  /** @internal DirectWriteOwner: a direct write that libuv queued has completed. */
  directWriteDone(status: number): void {
    const socket = this.#socket;
    if (status < 0) {
      if (!socket.destroyed) socket.destroy(writeError(status));
      return;
    }
    if (!this.#directBlocked || socket.destroyed) return;
    const handle = handleOf(socket);
    if (handle !== undefined && (handle.writeQueueSize ?? 0) > 0) return;
    this.#directBlocked = false;
    this.#handler?.drain();
  }

  /**
   * Keeps the chunks the OS may not have taken yet, for writeSync(): none once
   * Node has completed every write (the common case on a fast link), else the
   * shortest tail of the history that covers what is still unwritten.
   */
  #remember(chunks: readonly Uint8Array[], queued?: number): void {
    let bytes = 0;
    for (let i = 0; i < chunks.length; i++) bytes += chunks[i]!.length;
    this.#sent += bytes;
    // Nothing in Node's buffer, nothing in libuv's queue (direct writes leave
    // theirs there; `queued` is that queue's size after a direct write).
    if (
      queued === undefined
        ? this.#socket.writableLength === 0 && (handleOf(this.#socket)?.writeQueueSize ?? 0) === 0
        : queued === 0
    ) {
      if (this.#historyBytes > 0) this.#clearHistory();
      return;
    }
    if (this.#history === NONE) this.#history = [];
    for (let i = 0; i < chunks.length; i++) {
      if (chunks[i]!.length > 0) this.#history.push(chunks[i]!);
    }
    this.#historyBytes += bytes;
    const unwritten = this.#unwrittenBytes();
    const history = this.#history;
    let start = this.#historyStart;
    while (start < history.length && this.#historyBytes - history[start]!.length >= unwritten) {
      this.#historyBytes -= history[start]!.length;
      history[start++] = EMPTY;
    }
    if (start > 1024 && start * 2 > history.length) {
      this.#history = history.slice(start);
      start = 0;
    }
    this.#historyStart = start;
  }

  #clearHistory(): void {
    this.#history = NONE;
    this.#historyStart = 0;
    this.#historyBytes = 0;
  }

  /** Bytes given to write() that the OS has not taken: in Node's buffer or libuv's queue. */
  #unwrittenBytes(): number {
    const handle = handleOf(this.#socket);
    if (handle === undefined || typeof handle.bytesWritten !== "number") return this.#historyBytes;
    // The handle counts bytes dispatched to libuv; writeQueueSize of them are still queued there.
    const taken = handle.bytesWritten - (handle.writeQueueSize ?? 0);
    const unwritten = this.#sentBase + this.#sent - taken;
    return Math.min(Math.max(unwritten, 0), this.#historyBytes);
  }

  writeSync(chunks: readonly Uint8Array[], wait: () => boolean): boolean {
    if (this.#exitFailed) return false;
    const socket = this.#socket;
    const handle = handleOf(socket);
    const fd = handle?.fd;
    if ((socket as { encrypted?: boolean }).encrypted) return this.#writeTlsForExit(chunks);
    // A closed socket has no fd.
    if (typeof fd !== "number" || fd < 0) {
      this.#exitFailed = true;
      return false;
    }
    let out = this.#exitOut;
    if (out === undefined) {
      // First call: the unwritten tail of the history, oldest first.
      out = [];
      let missing = this.#unwrittenBytes();
      for (let i = this.#history.length - 1; missing > 0 && i >= this.#historyStart; i--) {
        const chunk = this.#history[i]!;
        out.push(chunk.length > missing ? chunk.subarray(chunk.length - missing) : chunk);
        missing -= Math.min(chunk.length, missing);
      }
      out.reverse();
      this.#clearHistory();
      this.#exitOut = out;
    }
    for (const chunk of chunks) if (chunk.length > 0) out.push(chunk);
    // One write call for all of it, not one per (small) chunk.
    if (out.length > 1) out.splice(0, out.length, Buffer.concat(out));
    while (out.length > 0) {
      const chunk = out[0]!;
      let written: number;
      try {
        written = writeSync(fd, chunk, 0, chunk.length);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if ((code === "EAGAIN" || code === "EWOULDBLOCK") && wait()) continue;
        if (code !== "EAGAIN" && code !== "EWOULDBLOCK") this.#exitFailed = true;
        return false;
      }
      if (written >= chunk.length) out.shift();
      else out[0] = chunk.subarray(written);
    }
    discardInput(fd);
    return true;
  }

  /**
   * TLS at process end: the descriptor carries records only the TLS socket can
   * make, so the bytes go through it, as one write: Node encrypts it at once and
   * libuv hands the records to the kernel at once, as far as the kernel takes them
   * (measured on loopback: 4 MB whole, 2.4 of 16 MB). What it does not take stays
   * in libuv's queue, which no event loop will write, and nothing tells how much
   * that was: true means handed over, not written. Only when nothing of earlier
   * writes is still queued in Node (it would go first; bytes keep their order);
   * false otherwise. Once per connection.
   */
  #writeTlsForExit(chunks: readonly Uint8Array[]): boolean {
    const socket = this.#socket;
    if (this.#exitOut !== undefined) return true; // written already
    this.#exitOut = [];
    if (socket.writableLength > 0 || !socket.writable) {
      this.#exitFailed = true;
      return false;
    }
    const out = chunks.filter((chunk) => chunk.length > 0);
    if (out.length > 0) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    return true;
  }

  pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#reads !== undefined) {
      const handler = this.#handler;
      if (handler === undefined) return; // setHandler resumes
      while (this.#held.length > 0 && !this.#paused) handler.data(this.#held.shift()!);
      if (this.#paused) return;
    }
    this.#socket.resume();
  }

  end(): void {
    this.#ending = true;
    if (!this.#socket.writableEnded) this.#socket.end();
  }

  destroy(error?: TransportError): void {
    if (error !== undefined) this.#error ??= error;
    this.#socket.destroy();
  }
}

const EMPTY = new Uint8Array(0);

/** The libuv handle behind a net.Socket (TCP or pipe wrap; a TLS wrap for TLS sockets). */
function handleOf(
  socket: Socket,
): { fd?: number; bytesWritten?: number; writeQueueSize?: number } | undefined {
  return (socket as unknown as { _handle?: { fd?: number } | null })._handle ?? undefined;
}

/**
 * Reads and drops what the peer sent and nobody read: Linux answers a close()
 * with unread input by a reset, which throws away output the kernel still holds.
 */
function discardInput(fd: number): void {
  const scratch = Buffer.allocUnsafe(64 * 1024);
  for (let i = 0; i < 1024; i++) {
    try {
      if (readSync(fd, scratch, 0, scratch.length, null) <= 0) return;
    } catch {
      return;
    }
  }
}
