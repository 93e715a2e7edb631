/**
 * The ZAP client (RFC 27) a server-side mechanism calls: one request/reply
 * exchange with the handler bound at `inproc://zeromq.zap.01` in the socket's
 * context, over a short-lived DEALER (REQ-style: empty delimiter, then the
 * request frames). As libzmq: no handler bound → `undefined` (the mechanism
 * decides), and a reply that is not exactly [empty, "1.0", "1", status, text,
 * user id, metadata] with status 200/300/400/500 fails the handshake with a
 * `ZAP_*` protocol error.
 */
import {
  decodeZapReply,
  encodeZapRequest,
  ProtocolError,
  WireError,
  ZAP_ENDPOINT,
  type ZapClient,
} from "@zmq/wire";
import { threadsFor } from "./inproc";
import { SocketCore } from "./socket-core";

const ZAP_NAME = ZAP_ENDPOINT.slice("inproc://".length);

/** A ZAP client for the sockets of `core`'s context. */
export function zapClientFor(core: SocketCore): ZapClient {
  return async (request) => {
    // The handler may be bound in this thread or, in a context shared across
    // threads, in another one (libzmq: any thread of the context).
    if (
      !core.context._inproc.has(ZAP_NAME) &&
      threadsFor(core, ZAP_NAME)?.lookup(ZAP_NAME) === undefined
    ) {
      return undefined;
    }
    // (socket-core imports this module too; the cycle is harmless: both only
    // use each other when a handshake runs, long after loading.)
    const zap = new SocketCore("DEALER", core.context, {});
    try {
      zap.setPatternOption("linger", 0);
      const limit = core.options.handshakeInterval;
      zap.setOption("receiveTimeout", limit > 0 ? limit : -1);
      zap.connect(ZAP_ENDPOINT);
      await zap.send([new Uint8Array(0), ...encodeZapRequest(request)]);
      const frames = await zap.receive();
      if (frames.length === 0 || frames[0]!.length !== 0) {
        throw new WireError("EPROTO", "zap-failure", "ZAP reply without its empty delimiter", {
          protocolError: ProtocolError.ZAP_UNSPECIFIED,
        });
      }
      const reply = decodeZapReply(frames.slice(1));
      if (reply instanceof WireError) throw reply;
      return reply;
    } finally {
      zap.close();
    }
  };
}
