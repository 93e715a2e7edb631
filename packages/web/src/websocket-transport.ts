/**
 * `ws://` and `wss://` over a WHATWG `WebSocket` (browsers, Deno, Bun, Node 22+).
 * The platform does the HTTP upgrade, the TLS and the RFC 6455 framing; what it
 * hands over is whole binary messages. A connection here is a `StreamConnection`
 * whose chunks are those messages, one chunk per message both ways; the ZWS
 * engine of websocket-engine.ts reads and writes them as such.
 *
 * A WHATWG `WebSocket` can only offer subprotocols that are HTTP tokens, and `/`
 * is not one, so the client offers bare `ZWS2.0` (no mechanism, routing ids
 * exchanged as first messages). It cannot listen: `bind` fails with
 * EPROTONOSUPPORT.
 */
import type {
  ConnectOptions,
  Listener,
  StreamConnection,
  StreamHandler,
  Transport,
} from "@zmq/transport";
import { TransportError } from "@zmq/transport";
import { ZWS_BARE } from "@zmq/wire";

/** The part of the WHATWG `WebSocket` this transport uses. */
export interface WebSocketLike {
  /** The transport sets `"arraybuffer"`, so binary messages arrive as `ArrayBuffer`s. */
  binaryType: string;
  /** The subprotocol the server accepted (empty until open). */
  readonly protocol: string;
  /** Bytes passed to `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Called once the connection is open. */
  onopen: ((event: unknown) => void) | null;
  /** Called with each message received; binary ones are `data`. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Called when the connection fails (a `close` event follows). */
  onerror: ((event: unknown) => void) | null;
  /** Called once when the connection is closed, with the close code and reason. */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Queues one binary message. */
  send(data: Uint8Array): void;
  /** Starts the closing handshake (`code` 1000 or 3000–4999). */
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` constructor (the global one by default). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Outgoing bytes buffered in the WebSocket above which `write` returns false. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;
/** How often a blocked writer polls `bufferedAmount` (the WebSocket has no drain event). */
const DRAIN_POLL_MS = 4;
const OPEN = 1;

function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/** Checks a ws/wss endpoint: `ws://host:port[/path]`. */
function parseEndpoint(scheme: string, endpoint: string, role: "bind" | "connect"): URL {
  if (role === "bind") {
    throw new TransportError(
      "EPROTONOSUPPORT",
      "a WHATWG WebSocket cannot listen: @zmq/web sockets only connect",
      endpoint,
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TransportError("EINVAL", `invalid ${scheme} endpoint`, endpoint);
  }
  if (url.protocol !== `${scheme}:` || url.hostname === "" || url.port === "" || url.hash !== "") {
    throw new TransportError(
      "EINVAL",
      `invalid ${scheme} endpoint (${scheme}://host:port[/path])`,
      endpoint,
    );
  }
  return url;
}

/** One WebSocket as a stream of whole messages. */
export class WebSocketStream implements StreamConnection {
  /** A byte-stream connection (its chunks are whole WebSocket messages). */
  readonly kind = "stream" as const;
  readonly localEndpoint = "";
  readonly remoteEndpoint: string;
  readonly remoteAddress: string;
  /** The subprotocol the server chose (`ZWS2.0`). */
  readonly protocol: string;
  readonly #socket: WebSocketLike;
  #handler: StreamHandler | undefined;
  /** Messages held while paused or before a handler is set (the WebSocket cannot push back). */
  readonly #held: Uint8Array[] = [];
  #paused = false;
  #delivering = false;
  #closed = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Wraps an open WebSocket; it takes over the socket's event handlers.
   * @param socket - the open WebSocket.
   * @param endpoint - the endpoint it was opened for (`remoteEndpoint`).
   * @param host - the peer's host name or address (`remoteAddress`).
   */
  constructor(socket: WebSocketLike, endpoint: string, host: string) {
    this.#socket = socket;
    this.remoteEndpoint = endpoint;
    this.remoteAddress = host;
    this.protocol = socket.protocol;
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      const clean = event.code === 1000 || event.code === 1005;
      this.#finish(
        clean
          ? undefined
          : new TransportError("ECONNRESET", `WebSocket closed (code ${event.code})`, endpoint),
      );
    };
  }

  setHandler(handler: StreamHandler): void {
    this.#handler = handler;
    this.#deliver();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed || this.#socket.readyState !== OPEN) return false;
    for (const chunk of chunks) this.#socket.send(chunk);
    if (this.#socket.bufferedAmount < WRITE_HIGH_WATER_MARK) return true;
    this.#pollDrain();
    return false;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#deliver();
  }

  end(): void {
    this.#close(1000);
  }

  destroy(error?: TransportError): void {
    this.#close(1000);
    this.#finish(error);
  }

  #close(code: number): void {
    try {
      this.#socket.close(code);
    } catch {
      // Already closing.
    }
  }

  #onMessage(data: unknown): void {
    if (this.#closed) return;
    let chunk: Uint8Array;
    if (data instanceof ArrayBuffer) chunk = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) {
      chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else {
      // A text message (or a Blob: binaryType was not honoured): not ZWS.
      this.#close(1003);
      this.#finish(
        new TransportError(
          "ECONNRESET",
          "the peer sent a non-binary WebSocket message",
          this.remoteEndpoint,
        ),
      );
      return;
    }
    this.#held.push(chunk);
    this.#deliver();
  }

  #deliver(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (
        !this.#paused &&
        !this.#closed &&
        this.#handler !== undefined &&
        this.#held.length > 0
      ) {
        this.#handler.data(this.#held.shift()!);
      }
    } finally {
      this.#delivering = false;
    }
  }

  #pollDrain(): void {
    if (this.#drainTimer !== undefined) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      if (this.#closed) return;
      if (this.#socket.bufferedAmount >= WRITE_HIGH_WATER_MARK) this.#pollDrain();
      else this.#handler?.drain();
    }, DRAIN_POLL_MS);
  }

  #finish(error?: TransportError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held.length = 0;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    const socket = this.#socket;
    socket.onmessage = null;
    socket.onclose = null;
    this.#handler?.close(error);
  }
}

/** The `ws` or `wss` transport over a WHATWG `WebSocket`. */
export class WebSocketTransport implements Transport<StreamConnection> {
  readonly scheme: "ws" | "wss";
  readonly kind = "stream" as const;
  readonly #WebSocket: WebSocketConstructor | undefined;

  /**
   * A transport for one scheme. Without a WebSocket class (none given and no
   * global one) it still checks endpoints, and each connect fails with
   * EPROTONOSUPPORT.
   * @param scheme - `"ws"` or `"wss"`.
   * @param WebSocket - the class to open connections with; the global `WebSocket` by default.
   */
  constructor(
    scheme: "ws" | "wss",
    WebSocket: WebSocketConstructor | undefined = globalWebSocket(),
  ) {
    this.scheme = scheme;
    this.#WebSocket = WebSocket;
  }

  checkEndpoint(endpoint: string, role: "bind" | "connect"): void {
    parseEndpoint(this.scheme, endpoint, role);
  }

  bind(endpoint: string): Promise<Listener<StreamConnection>> {
    return Promise.reject(
      new TransportError(
        "EPROTONOSUPPORT",
        "a WHATWG WebSocket cannot listen: @zmq/web sockets only connect",
        endpoint,
      ),
    );
  }

  connect(endpoint: string, options: ConnectOptions = {}): Promise<StreamConnection> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = parseEndpoint(this.scheme, endpoint, "connect");
      } catch (error) {
        reject(error);
        return;
      }
      const WebSocket = this.#WebSocket;
      if (WebSocket === undefined) {
        reject(new TransportError("EPROTONOSUPPORT", "no WebSocket in this runtime", endpoint));
        return;
      }
      const signal = options.signal;
      if (signal?.aborted) {
        reject(new TransportError("ECANCELED", "connect aborted", endpoint));
        return;
      }
      let socket: WebSocketLike;
      try {
        socket = new WebSocket(url.href, [ZWS_BARE]);
      } catch (error) {
        reject(new TransportError("EINVAL", `cannot open WebSocket: ${String(error)}`, endpoint));
        return;
      }
      socket.binaryType = "arraybuffer";
      let settled = false;
      const onAbort = (): void => {
        fail(new TransportError("ECANCELED", "connect aborted", endpoint));
      };
      const fail = (error: TransportError): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        socket.onopen = socket.onerror = socket.onclose = null;
        try {
          socket.close();
        } catch {}
        reject(error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      socket.onerror = () => {
        fail(new TransportError("ECONNREFUSED", "WebSocket connection failed", endpoint));
      };
      socket.onclose = () => {
        fail(new TransportError("ECONNREFUSED", "WebSocket closed before opening", endpoint));
      };
      socket.onopen = () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        socket.onopen = null;
        resolve(new WebSocketStream(socket, endpoint, url.hostname));
      };
    });
  }
}
