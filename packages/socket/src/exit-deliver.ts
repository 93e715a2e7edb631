/**
 * Process end without a worker: the messages of a connect endpoint whose
 * connection was not ready (the connect or the handshake still in progress) go
 * over a connection the runtime binding opens synchronously (`ExitIo.open`: a
 * descriptor whose connect was issued at once, read and written with
 * synchronous calls), driven by an ordinary session of the endpoint: the
 * handshake (NULL, PLAIN, CURVE; raw for STREAM) runs in the wire engine as it
 * would on the event loop, only with blocking-free reads and writes polled
 * here, round robin over all such endpoints, sleeping a quarter millisecond between
 * rounds. An endpoint the binding cannot open a connection for (a scheme or
 * address it has no synchronous connect for), or whose handshake needs the event
 * loop (CURVE before libsodium was loaded), is left to `exitBacklogOf`.
 * Reached only from `flushForExit`.
 */
import type { DatagramConnection, StreamConnection } from "@zmq/transport";
import type { ConnectEndpoint } from "./endpoints";
import { securityOf } from "./security";
import type { Session } from "./session";

/** A connection opened at process end, with synchronous reads and writes. */
export interface ExitConnection extends StreamConnection {
  /**
   * Reads what has arrived: a chunk, `undefined` when nothing has (yet), `null`
   * once the peer closed or the connection failed (see `failed`).
   */
  readSync(): Uint8Array | null | undefined;
  /** As `StreamConnection.writeSync`; `write()` also writes at once what the OS takes. */
  writeSync(chunks: readonly Uint8Array[], wait: () => boolean): boolean;
  /** The connect was refused or the connection broke: nothing more goes through it. */
  readonly failed: boolean;
}

/** What the runtime binding gives `flushForExit` for synchronous connects. */
export interface ExitIo {
  /**
   * A connection to `address` whose connect was issued now (it may still be in
   * progress: writes wait for it), or undefined where there is no synchronous
   * way (that endpoint is then left to `exitBacklogOf`).
   */
  open(address: string): ExitConnection | undefined;
  /** The clock (ms). */
  now(): number;
  /** Sleeps up to `ms` (ms), synchronously. */
  sleep(ms: number): void;
}

const never = () => false;

/**
 * How long to sleep between polls (ms): a handshake takes a few round trips with the
 * peer, each waiting at least one sleep; the sleep itself gives the CPU away.
 */
const POLL_MS = 0.25;

/** One endpoint's delivery in progress. */
interface Delivery {
  endpoint: ConnectEndpoint;
  deadline: number;
  reconnect: number;
  /** When the next connection may be opened. */
  retryAt: number;
  connection: ExitConnection | undefined;
  session: Session | undefined;
  opened: boolean;
  /** The session's handshake is done. */
  ready: boolean;
}

/** How one poll of a delivery went. */
type Step = "done" | "pending" | "failed";

/** Whether a session's handshake is done (a ZMTP session says so; a raw one has none). */
function handshakeDone(session: Session): boolean {
  const ready = (session as { ready?: boolean }).ready;
  return ready ?? session.pipe !== undefined;
}

function step(delivery: Delivery): Step {
  const connection = delivery.connection!;
  const session = delivery.session!;
  if (connection.failed) return "failed";
  delivery.ready ||= handshakeDone(session);
  if (session.ended) {
    // Before its handshake finished: the peer refused us for good (the endpoint is
    // closed: nothing more to do) or broke off (connect again).
    if (!delivery.ready) return delivery.endpoint._exitState().closed ? "done" : "failed";
    // After: it finished on its own (its pipe ended, a closed socket's last message
    // went out through write()); what is left is the connection's.
    return connection.writeSync([], never) ? "done" : connection.failed ? "failed" : "pending";
  }
  // Until the handshake is done the pipe is not attached: feed the engine what arrived.
  while (!delivery.ready) {
    const chunk = connection.readSync();
    if (chunk === undefined) break;
    if (chunk === null) {
      // The peer closed before the handshake finished (or the connect was refused).
      return "failed";
    }
    (session as unknown as { data(chunk: Uint8Array): void }).data(chunk);
    delivery.ready = handshakeDone(session);
    if (session.ended) return step(delivery);
  }
  if (!delivery.ready) {
    // What the engine wrote and the OS did not take yet (the connect in progress).
    connection.writeSync([], never);
    return connection.failed ? "failed" : "pending";
  }
  if (session.flushForExit(never)) return "done";
  return connection.failed ? "failed" : "pending";
}

/**
 * Whether the endpoint's handshake can run without the event loop: CURVE needs
 * libsodium, which loads asynchronously; unless something loaded it before, the
 * handshake would wait for it forever here.
 */
function syncHandshake(endpoint: ConnectEndpoint): boolean {
  return (
    securityOf(endpoint.core).mechanism !== "curve" ||
    endpoint.core.runtime.security?.curveReady() === true
  );
}

/** A transport that can also connect synchronously (udp). */
interface SyncConnecter {
  connectSync?(address: string, options: object): DatagramConnection | undefined;
}

/**
 * A udp endpoint's messages: a sending socket opened now (`connectSync`), whose
 * session sends them all at once. False when the transport cannot open one.
 */
function sendDatagrams(endpoint: ConnectEndpoint): boolean {
  const transport = endpoint.transport as SyncConnecter;
  let connection: DatagramConnection | undefined;
  try {
    const options = endpoint.core.connectOptions(new AbortController().signal);
    connection = transport.connectSync?.(endpoint.address, options);
  } catch {
    return true; // a bad address: nothing can be sent
  }
  if (connection === undefined) return false;
  const session = endpoint._connectForExit(connection);
  if (session === undefined) {
    connection.close();
    return true;
  }
  session.flushForExit(never);
  session.closeForExit();
  return true;
}

/** Ends a delivery's connection (and its session) without waiting. */
function drop(delivery: Delivery): void {
  delivery.session?.closeForExit();
  delivery.connection?.destroy();
  delivery.session = undefined;
  delivery.connection = undefined;
}

/**
 * Delivers the queued messages of `endpoints` (connect endpoints whose messages
 * found no ready connection) over connections `io` opens synchronously, each
 * within `deadlineOf(endpoint)` (an `io.now()` time). Returns the endpoints it
 * could not open a connection for, whose messages are still queued.
 */
export function deliverForExit(
  endpoints: readonly ConnectEndpoint[],
  io: ExitIo,
  deadlineOf: (endpoint: ConnectEndpoint) => number,
): ConnectEndpoint[] {
  const unopened: ConnectEndpoint[] = [];
  let pending: Delivery[] = endpoints.map((endpoint) => ({
    endpoint,
    deadline: deadlineOf(endpoint),
    reconnect: Math.max(endpoint.core.options.reconnectInterval, 10),
    retryAt: Number.NEGATIVE_INFINITY,
    connection: undefined,
    session: undefined,
    opened: false,
    ready: false,
  }));
  while (pending.length > 0) {
    const now = io.now();
    let wake = Number.POSITIVE_INFINITY;
    const next: Delivery[] = [];
    for (const delivery of pending) {
      if (delivery.endpoint._exitState().closed || now >= delivery.deadline) {
        // Closed (the peer refused the handshake for good) or out of linger.
        drop(delivery);
        continue;
      }
      if ((delivery.endpoint.transport as { kind: string }).kind === "datagram") {
        // udp: no handshake, no peer to wait for; every datagram goes out now.
        if (!sendDatagrams(delivery.endpoint)) unopened.push(delivery.endpoint);
        continue;
      }
      if (delivery.session === undefined) {
        if (now < delivery.retryAt) {
          wake = Math.min(wake, delivery.retryAt);
          next.push(delivery);
          continue;
        }
        const connection = syncHandshake(delivery.endpoint)
          ? io.open(delivery.endpoint.address)
          : undefined;
        const session =
          connection === undefined ? undefined : delivery.endpoint._connectForExit(connection);
        if (session === undefined) {
          connection?.destroy();
          // Never opened: the binding's other ways may still deliver these.
          if (!delivery.opened) unopened.push(delivery.endpoint);
          continue;
        }
        delivery.opened = true;
        delivery.ready = false;
        delivery.connection = connection;
        delivery.session = session;
      }
      const result = step(delivery);
      if (result === "done") {
        delivery.session!.closeForExit();
        delivery.connection!.destroy();
        continue;
      }
      if (result === "failed") {
        // Refused, or closed by the peer before it had everything: connect again
        // after the reconnect interval, as the endpoint would have.
        drop(delivery);
        delivery.retryAt = now + delivery.reconnect;
        wake = Math.min(wake, delivery.retryAt);
      } else wake = Math.min(wake, now + POLL_MS);
      next.push(delivery);
    }
    pending = next;
    if (pending.length === 0) break;
    const until = Math.min(wake, ...pending.map((delivery) => delivery.deadline));
    const ms = until - io.now();
    if (ms > 0) io.sleep(Math.min(ms, POLL_MS));
  }
  return unopened;
}
