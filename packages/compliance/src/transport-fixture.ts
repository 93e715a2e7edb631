import type {
  BindOptions,
  Connection,
  ConnectOptions,
  Transport,
  TransportErrorCode,
} from "@zmq/transport";

/** What a transport package hands the compliance suite. */
export interface TransportFixture {
  /** The transport under test. */
  transport: Transport<Connection, BindOptions, ConnectOptions>;
  /** A fresh endpoint to bind on each call; wildcards are welcome (`tcp://127.0.0.1:*`, `ipc://*`). */
  bindEndpoint(): string;
  /** An endpoint nothing is bound to. */
  unboundEndpoint(): string;
  /**
   * How connecting to an unbound endpoint behaves: the error codes it may
   * reject with (stream transports), or `"pending"` when the connect waits
   * for a bind and must be abortable (inproc).
   */
  unbound: readonly TransportErrorCode[] | "pending";
  /** What binding an endpoint that is already bound does: EADDRINUSE (tcp, inproc) or a takeover (ipc, as libzmq). */
  doubleBind: "EADDRINUSE" | "takeover";
  /** Endpoints of this scheme that bind must reject with EINVAL (or another listed code). */
  malformedBind?: readonly string[];
  /** Endpoints of this scheme that connect must reject with EINVAL (or another listed code). */
  malformedConnect?: readonly string[];
  /** Codes accepted for the malformed lists. Default `["EINVAL"]`. */
  malformedCodes?: readonly TransportErrorCode[];
  /** Options for every bind (e.g. a larger backlog). */
  bindOptions?: BindOptions & { readonly [option: string]: unknown };
  /** Options for every connect. */
  connectOptions?: ConnectOptions & { readonly [option: string]: unknown };
  /** How many simultaneous connections the concurrency test opens. Default 500. */
  concurrency?: number;
}

/** Options for `transportSuite`. */
export interface TransportSuiteOptions {
  /** Names the `describe` block. */
  name: string;
  /** The kind of connection the transport produces (byte streams: the stream sub-suite runs). */
  kind: "stream";
  /** Called once before the suite's tests. */
  setup(): TransportFixture | Promise<TransportFixture>;
  /** Called once after them (remove temp directories, …). */
  teardown?(): void | Promise<void>;
}
