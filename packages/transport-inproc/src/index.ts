/**
 * @zmq/transport-inproc — the inproc transport: `inproc://name` message pipes
 * inside one process. Messages (arrays of Uint8Array frames) are passed by
 * reference, with no codec and no copy. Names live in an `InprocContext`
 * (like a libzmq context; a default one is provided). Connect may come before
 * bind: it completes when the name is bound.
 *
 * @example
 * ```ts
 * import { inproc } from "@zmq/transport-inproc";
 *
 * const pending = inproc.connect("inproc://jobs"); // before the bind: waits
 * const listener = await inproc.bind("inproc://jobs");
 * listener.onConnection((server) => {
 *   if (server.kind !== "message") return;
 *   server.setHandler({
 *     message: (frames) => console.log(new TextDecoder().decode(frames[0])), // hello
 *     drain() {},
 *     close: () => void listener.close(),
 *   });
 * });
 * const client = await pending;
 * if (client.kind === "message") {
 *   client.send([new TextEncoder().encode("hello")]);
 *   client.close();
 * }
 * ```
 *
 * @packageDocumentation
 */
export { defaultInprocContext, InprocContext } from "./inproc-context";
export { InprocListener } from "./inproc-listener";
export { createInprocPipe, InprocPipeEnd } from "./inproc-pipe";
export {
  type InprocBindOptions,
  type InprocConnectOptions,
  type InprocOptions,
  InprocTransport,
  type InprocTransportOptions,
  inproc,
} from "./inproc-transport";
