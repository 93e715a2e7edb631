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
import { encodeMetadata, ZAP_ENDPOINT } from "@zmq/wire";
import { type Context, context as defaultContext } from "./context";
import { Router } from "./sockets";

/** A request as the handler sees it. */
export interface ZapHandlerRequest {
  version: string;
  requestId: Buffer;
  domain: string;
  address: string;
  /** The server socket's routing id (libzmq sends the local one). */
  identity: Buffer;
  mechanism: string;
  /** NULL: none; PLAIN: username, password; CURVE: the client's 32-byte public key. */
  credentials: Buffer[];
}

export interface ZapHandlerReply {
  status: 200 | 300 | 400 | 500 | "200" | "300" | "400" | "500";
  statusText?: string;
  /** Becomes the peer's `User-Id` property. */
  userId?: string;
  /** Extra properties for the peer (ZMTP metadata). */
  metadata?: Record<string, string>;
}

export interface ZapHandler {
  close(): void;
}

export async function zapHandler(
  handle: (request: ZapHandlerRequest) => ZapHandlerReply | Promise<ZapHandlerReply>,
  options: { context?: Context } = {},
): Promise<ZapHandler> {
  const router = new Router({ context: options.context ?? defaultContext, linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  void (async () => {
    for await (const frames of router) {
      const [id, , version, requestId, domain, address, identity, mechanism, ...credentials] =
        frames;
      if (id === undefined || requestId === undefined) continue;
      let reply: ZapHandlerReply;
      try {
        reply = await handle({
          version: String(version ?? ""),
          requestId,
          domain: String(domain ?? ""),
          address: String(address ?? ""),
          identity: identity ?? Buffer.alloc(0),
          mechanism: String(mechanism ?? ""),
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
        Buffer.from(encodeMetadata(Object.entries(reply.metadata ?? {}))),
      ]);
    }
  })().catch(() => {});
  return { close: () => router.close() };
}
