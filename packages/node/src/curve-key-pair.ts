/**
 * `curveKeyPair()`, as zeromq.js: a new CURVE (X25519) key pair as two
 * 40-character Z85 strings. Uses `node:crypto`, so it is synchronous and needs
 * no WebAssembly load.
 */
import { lazyBuiltin } from "@zmq/transport/node";
import { z85Encode } from "@zmq/wire";

/** node:crypto (~2 ms at startup) is loaded by the first call. */
const crypto = lazyBuiltin<typeof import("node:crypto")>("node:crypto");

/**
 * A new CURVE key pair (X25519) from the system's random source, Z85-encoded:
 * give `publicKey` to peers (a server's is their `curveServerKey`) and keep
 * `secretKey` for this socket's `curveSecretKey`.
 */
export function curveKeyPair(): {
  /** The 32-byte public key as 40 Z85 characters. */
  publicKey: string;
  /** The 32-byte secret key as 40 Z85 characters. */
  secretKey: string;
} {
  const { publicKey, privateKey } = crypto().generateKeyPairSync("x25519");
  const pub = publicKey.export({ format: "jwk" }).x;
  const sec = privateKey.export({ format: "jwk" }).d;
  if (pub === undefined || sec === undefined) throw new Error("x25519 key export failed");
  return {
    publicKey: z85Encode(Buffer.from(pub, "base64url")),
    secretKey: z85Encode(Buffer.from(sec, "base64url")),
  };
}
