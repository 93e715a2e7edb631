import type { TransportError } from "./transport-error";

/**
 * What a transport produces: a byte stream (tcp, ipc, ws; the wire engine runs
 * over it) or datagrams (udp). inproc has no transport: the socket layer joins
 * the two sockets' pipes directly.
 */
export type ConnectionKind = "stream" | "datagram";

/** Callbacks for a stream connection. Called synchronously from the I/O path; keep them cheap. */
export interface StreamHandler {
  /** Bytes arrived. The chunk is not copied (a Node `Buffer` is a `Uint8Array`); it is yours. */
  data(chunk: Uint8Array): void;
  /**
   * Optional: memory the handler wants the next bytes read straight into (the
   * rest of a large frame body), or `undefined` for any. A connection that can
   * read into given memory (Node's `onread`) asks before each read, writes into
   * it from its start and passes `data` a view of the bytes written there; one
   * that cannot ignores it. The handler must accept either.
   */
  readTarget?(): Uint8Array | undefined;
  /**
   * Optional: may a connection that reads into memory of its own (Node's
   * `onread`) write its next read over memory it read into before? Asked before
   * each read by connections that can reuse; see {@link ReadReuse}. Without it,
   * every chunk handed to `data` is the handler's for good.
   */
  readReuse?(): ReadReuse;
  /** Writes that returned `false` have been flushed to the OS; write again. */
  drain(): void;
  /** The peer half-closed (sent FIN). Writing still works until `end()` or `destroy()`. */
  end(): void;
  /** The connection is gone. Called once, and last; `error` is absent for a clean close. */
  close(error?: TransportError): void;
}

/**
 * What a {@link StreamHandler} does with the chunks it is handed, as
 * `readReuse()` answers it:
 * - `0`: it may keep them (frames handed on as views): never write over them.
 * - `1`: from now on it copies out what it keeps, but some bytes it was handed
 *   are still waiting in it (a partial frame, paused input): not yet.
 * - `2`: it copies out what it keeps, and nothing it was handed since it first
 *   answered 1 or 2 is referenced any more: memory read into since then may be
 *   read into again.
 *
 * Bytes handed over before the first 1 or 2 may still be held (a handshake's
 * views), so a connection reuses only memory it first read into after that answer.
 */
export type ReadReuse = 0 | 1 | 2;

/** A bidirectional byte stream (tcp, ipc). */
export interface StreamConnection {
  /** Always `"stream"`: tells stream connections from datagram sockets. */
  readonly kind: "stream";
  /** This side's endpoint, e.g. `tcp://127.0.0.1:5555`. */
  readonly localEndpoint: string;
  /** The other side's endpoint, e.g. `tcp://127.0.0.1:49152`. */
  readonly remoteEndpoint: string;
  /** The peer's IP address (tcp) or socket path (ipc), for ZAP and `Peer-Address`. */
  readonly remoteAddress: string;
  /** Installs (or replaces) the handler. Incoming data waits, unread, until a handler is set. */
  setHandler(handler: StreamHandler): void;
  /**
   * Writes the chunks in order as one vectored write. Returns `false` when the
   * outgoing buffer is above its high-water mark: stop and wait for `drain`.
   * Returns `false` (and writes nothing) after the connection ended or closed.
   * `written`, when given and supported, is called once the OS has taken every
   * chunk (the caller may then reuse their memory); never when the write fails or
   * the connection closes first, and never by connections that do not support it.
   */
  write(chunks: readonly Uint8Array[], written?: () => void): boolean;
  /** Stops reading (backpressure); the OS buffers, then the peer's writes block. */
  pause(): void;
  /** Starts reading again. */
  resume(): void;
  /** Half-closes after flushing pending writes (sends FIN). */
  end(): void;
  /** Closes now, dropping pending writes. `handler.close(error)` follows. */
  destroy(error?: TransportError): void;
  /**
   * For the moment the process ends, when no event loop will run again: writes what
   * earlier `write()` calls left unwritten, then `chunks`, synchronously and in
   * that order. Whenever the OS buffer is full it calls `wait()`, which sleeps a
   * little and returns false to give up. Returns whether everything was written.
   * Absent where the runtime has no synchronous I/O (browsers), or returns false
   * where the bytes cannot be reached (TLS).
   */
  writeSync?(chunks: readonly Uint8Array[], wait: () => boolean): boolean;
}

/** Callbacks for a datagram connection. */
export interface DatagramHandler {
  /**
   * One whole datagram arrived from `from` (`ip:port`, IPv6 as `[addr]:port`). The
   * bytes are yours. Datagrams over the connection's `maxDatagramSize` never get
   * here: they are dropped and counted in `droppedDatagrams`.
   */
  datagram(data: Uint8Array, from: string): void;
  /** The socket is gone. Called once, and last; `error` is absent for a local close. */
  close(error?: TransportError): void;
}

/**
 * A datagram socket (udp): whole datagrams, no stream, no peer handshake, no
 * delivery guarantee. A bound one receives (and may send to any address); a
 * connected one sends to the endpoint it was connected to.
 */
export interface DatagramConnection {
  /** Always `"datagram"`: tells datagram sockets from stream connections. */
  readonly kind: "datagram";
  /** This side's endpoint, e.g. `udp://0.0.0.0:5555` or `udp://eth0;239.1.1.1:5555`. */
  readonly localEndpoint: string;
  /** The default destination of `send` (connect), or `""` when there is none (bind). */
  readonly remoteEndpoint: string;
  /** Largest datagram sent or accepted, in bytes; bigger ones are dropped, never split. */
  readonly maxDatagramSize: number;
  /** Datagrams dropped so far: oversize (either way), unroutable or refused by the OS. */
  readonly droppedDatagrams: number;
  /** Installs (or replaces) the handler. Datagrams arriving before one is set are dropped. */
  setHandler(handler: DatagramHandler): void;
  /**
   * Sends one datagram to `to` (`ip:port` / `[ip6]:port`), or to `remoteEndpoint`
   * when omitted. Returns `false`, sending nothing, when it is over
   * `maxDatagramSize`, has no valid destination or the socket is closed
   * (counted in `droppedDatagrams`). There is no backpressure: the OS drops what
   * it cannot queue.
   */
  send(data: Uint8Array, to?: string): boolean;
  /** Stops delivering datagrams (they are read and dropped meanwhile, as the OS would). */
  pause(): void;
  /** Resumes delivery. */
  resume(): void;
  /** Closes the socket; `handler.close()` follows. Idempotent. */
  close(): void;
}

/** A connection-oriented transport's connection (what the ZMTP sessions take). */
export type Connection = StreamConnection;

/** Any connection a transport produces, datagram sockets included. */
export type AnyConnection = Connection | DatagramConnection;
