/**
 * `curveKeyPair()`, as zeromq.js: a new CURVE (X25519) key pair as two
 * 40-character Z85 strings. Uses `node:crypto`, so it is synchronous and needs
 * no WebAssembly load.
 */
import { generateKeyPairSync } from "node:crypto";
import { z85Encode } from "@zmq/wire";

export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pub = publicKey.export({ format: "jwk" }).x;
  const sec = privateKey.export({ format: "jwk" }).d;
  if (pub === undefined || sec === undefined) throw new Error("x25519 key export failed");
  return {
    publicKey: z85Encode(Buffer.from(pub, "base64url")),
    secretKey: z85Encode(Buffer.from(sec, "base64url")),
  };
}
