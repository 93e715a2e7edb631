/**
 * `@zmq/curve`: the CURVE security mechanism (RFC 25 ZMTP-CURVE over RFC 26
 * CurveZMQ) for `@zmq/wire` connections, byte-compatible with libzmq. Client
 * and server implement wire's `Mechanism`; after the handshake every frame and
 * command travels in a `MESSAGE` box. Crypto is NaCl `crypto_box`
 * (X25519 + XSalsa20-Poly1305) from libsodium compiled to WebAssembly: no
 * native addon.
 *
 * @example
 * ```ts
 * import { CurveClient, CurveServer, encodeCurveKey, generateKeyPair, ready } from "@zmq/curve";
 * import { ZmtpConnection } from "@zmq/wire";
 *
 * await ready();
 * const server = generateKeyPair();
 * const client = generateKeyPair();
 * console.log(encodeCurveKey(server.publicKey)); // 40 Z85 characters
 *
 * const log = (name: string) => ({
 *   handshake: () => console.log(name, "secure"),
 *   message: (frames: Uint8Array[]) => console.log(name, new TextDecoder().decode(frames[0])),
 *   error: (error: Error) => console.log(name, error.message),
 * });
 * const a = new ZmtpConnection(log("client"), {
 *   socketType: "DEALER",
 *   mechanism: new CurveClient({ serverKey: server.publicKey, ...client }),
 * });
 * const b = new ZmtpConnection(log("server"), {
 *   socketType: "ROUTER",
 *   asServer: true,
 *   mechanism: new CurveServer({ secretKey: server.secretKey }),
 * });
 * a.start(0);
 * b.start(0);
 * for (let i = 0; i < 8; i++) {
 *   for (const chunk of a.takeOutput()) b.receive(chunk, 0);
 *   for (const chunk of b.takeOutput()) a.receive(chunk, 0);
 * }
 * a.send([new TextEncoder().encode("hello")]);
 * for (const chunk of a.takeOutput()) b.receive(chunk, 0); // server hello
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/curve
 */
export { CurveClient, type CurveClientOptions } from "./curve-client";
export { CurveCodec } from "./curve-codec";
export { CurveServer, type CurveServerOptions } from "./curve-server";
export { decodeCurveKey, encodeCurveKey } from "./keys";
export { isReady, type KeyPair, publicKeyOf, ready } from "./nacl";

import { boxKeyPair, type KeyPair } from "./nacl";

/** A fresh long-term key pair (requires `await ready()`). */
export function generateKeyPair(): KeyPair {
  return boxKeyPair();
}
