import type { TransportError } from "./transport-error";

/**
 * What a transport produces: a byte stream (tcp, ipc; the wire engine runs over
 * it), a message pipe (inproc; whole messages, no encoding) or datagrams
 * (reserved for udp).
 */
export type ConnectionKind = "stream" | "message" | "datagram";

/** Callbacks for a stream connection. Called synchronously from the I/O path; keep them cheap. */
export interface StreamHandler {
  /** Bytes arrived. The chunk is not copied (a Node `Buffer` is a `Uint8Array`); it is yours. */
  data(chunk: Uint8Array): void;
  /** Writes that returned `false` have been flushed to the OS; write again. */
  drain(): void;
  /** The peer half-closed (sent FIN). Writing still works until `end()` or `destroy()`. */
  end(): void;
  /** The connection is gone. Called once, and last; `error` is absent for a clean close. */
  close(error?: TransportError): void;
}

/** A bidirectional byte stream (tcp, ipc). */
export interface StreamConnection {
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
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Stops reading (backpressure); the OS buffers, then the peer's writes block. */
  pause(): void;
  /** Starts reading again. */
  resume(): void;
  /** Half-closes after flushing pending writes (sends FIN). */
  end(): void;
  /** Closes now, dropping pending writes. `handler.close(error)` follows. */
  destroy(error?: TransportError): void;
}

/** Callbacks for a message connection. */
export interface MessageHandler {
  /** A whole message arrived: the sender's frames, by reference. */
  message(frames: Uint8Array[]): void;
  /** The peer's queue went back under its high-water mark; send again. */
  drain(): void;
  /** The pipe is gone (either side closed). Called once, and last, after every queued message. */
  close(error?: TransportError): void;
}

/** A pipe of whole messages (inproc). Frames are passed by reference, never copied or encoded. */
export interface MessageConnection {
  readonly kind: "message";
  readonly localEndpoint: string;
  readonly remoteEndpoint: string;
  /** Installs (or replaces) the handler. Messages queue until a handler is set. */
  setHandler(handler: MessageHandler): void;
  /**
   * Queues one message for the peer. Returns `false` when the peer's queue is
   * at or above its high-water mark (the message is still queued): wait for
   * `drain`. Returns `false` and drops the message once the pipe is closed.
   */
  send(frames: Uint8Array[]): boolean;
  /** Stops delivering messages to this side's handler. */
  pause(): void;
  /** Resumes delivery. */
  resume(): void;
  /** Closes both directions; the peer receives what was already queued, then `close`. */
  close(): void;
}

/** Any connection a transport produces. A `DatagramConnection` will join for udp. */
export type Connection = StreamConnection | MessageConnection;
