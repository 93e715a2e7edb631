/**
 * A ZAP handler (RFC 27) in a few lines: `zapHandler(fn)` binds a ROUTER at
 * `inproc://zeromq.zap.01` in a context (the default one unless given) and
 * answers every request with what `fn` returns. A libzmq-style handler bound by
 * hand (a Reply or Router on that endpoint) works the same way.
 *
 * ```ts
 * const zap = await zapHandler(({ mechanism, credentials }) =>
 *   mechanism === "PLAIN" && credentials[0]?.toString() === "admin"
 *     ? { status: 200, userId: "admin" }
 *     : { status: 400, statusText: "no" },
 * );
 * // … PLAIN/CURVE servers in this context now ask it …
 * zap.close();
 * ```
 */
import { encodeMetadata, utf8Decode, ZAP_ENDPOINT } from "@zmq/wire";
import { type Context, getDefaultContext } from "./context";
import type { Message } from "./message";
import { Router } from "./sockets";

/** A request as the handler sees it. */
export interface ZapHandlerRequest {
  /** The ZAP version, `"1.0"`. */
  version: string;
  /** Opaque id of the request, echoed in the reply. */
  requestId: Message;
  /** The server socket's `zapDomain` (ZMQ_ZAP_DOMAIN). */
  domain: string;
  /** The peer's address (an IP address for tcp). */
  address: string;
  /** The server socket's routing id (libzmq sends the local one). */
  identity: Message;
  /** `"NULL"`, `"PLAIN"` or `"CURVE"`. */
  mechanism: string;
  /** NULL: none; PLAIN: username, password; CURVE: the client's 32-byte public key. */
  credentials: Message[];
}

/** What the handler answers (RFC 27). */
export interface ZapHandlerReply {
  /** 200 accepts; 300 (temporary failure), 400 (denied) and 500 (internal error) reject. */
  status: 200 | 300 | 400 | 500 | "200" | "300" | "400" | "500";
  /** Text sent with the status, for logs. */
  statusText?: string;
  /** Becomes the peer's `User-Id` property. */
  userId?: string;
  /** Extra properties for the peer (ZMTP metadata). */
  metadata?: Record<string, string>;
}

/** A running handler, as `zapHandler` returns it. */
export interface ZapHandler {
  /** Stops answering and unbinds `inproc://zeromq.zap.01`. */
  close(): void;
}

function text(frame: Uint8Array | undefined): string {
  return frame === undefined ? "" : utf8Decode(frame);
}

/** An empty frame of the runtime's frame type. */
function empty(router: Router): Message {
  return router.context._runtime.toMessage([new Uint8Array(0)])[0] as Message;
}

/**
 * Installs a ZAP handler in `options.context` (the default context unless
 * given): binds `inproc://zeromq.zap.01` and answers each request with what
 * `handle` returns. PLAIN and CURVE servers (and NULL ones with a `zapDomain`)
 * of that context then ask it on every handshake.
 */
export async function zapHandler(
  handle: (request: ZapHandlerRequest) => ZapHandlerReply | Promise<ZapHandlerReply>,
  options: { context?: Context } = {},
): Promise<ZapHandler> {
  const router = new Router({ context: options.context ?? getDefaultContext(), linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  void (async () => {
    for await (const frames of router) {
      const [id, , version, requestId, domain, address, identity, mechanism, ...credentials] =
        frames;
      if (id === undefined || requestId === undefined) continue;
      let reply: ZapHandlerReply;
      try {
        reply = await handle({
          version: text(version),
          requestId,
          domain: text(domain),
          address: text(address),
          identity: identity ?? empty(router),
          mechanism: text(mechanism),
          credentials,
        });
      } catch (error) {
        reply = { status: 500, statusText: (error as Error).message ?? "handler failed" };
      }
      if (router.closed) return;
      await router.send([
        id,
        "",
        "1.0",
        requestId,
        String(reply.status),
        reply.statusText ?? "",
        reply.userId ?? "",
        encodeMetadata(Object.entries(reply.metadata ?? {})),
      ]);
    }
  })().catch(() => {});
  return { close: () => router.close() };
}
