/**
 * Measures the candidates for CURVE's crypto, in one process:
 *
 * - MESSAGE box + unbox with a precomputed key (XSalsa20-Poly1305 secretbox,
 *   what `crypto_box_afternm` is) at 16 B and 64 KiB;
 * - key agreement (`crypto_box_beforenm` = HSalsa20 over X25519);
 * - key pair generation.
 *
 * Run: `pnpm --filter @zmq/curve bench`. Numbers go in README.md.
 */
import crypto from "node:crypto";
import { hsalsa, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { x25519 } from "@noble/curves/ed25519.js";
import sodium from "libsodium-wrappers";
import nacl from "tweetnacl";
import { messageCipher, openFrame, ready, sealFrameInto } from "../src/nacl";
import { secretboxOpenInto, secretboxSeal, secretboxSealInto } from "./js-xsalsa20poly1305";

await sodium.ready;
await ready();

/** CPU time of this process (µs → ms): a shared machine moves it far less than wall time. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Operations per CPU second (`batch` calls between clock reads). */
function rate(fn: () => void, minMs: number, batch = 20): number {
  for (let i = 0; i < Math.max(3, batch); i++) fn();
  let n = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    elapsed = cpuMs() - t0;
  } while (elapsed < minMs);
  return n / (elapsed / 1000);
}

// The pure-JS candidate must agree with tweetnacl byte for byte before it is timed.
for (let length = 0; length < 1200; length += 7) {
  const k = new Uint8Array(crypto.randomBytes(32));
  const n = new Uint8Array(crypto.randomBytes(24));
  const m = new Uint8Array(crypto.randomBytes(length));
  const sealed = nacl.secretbox(m, n, k);
  if (!Buffer.from(secretboxSeal(m, n, k)).equals(Buffer.from(sealed))) {
    throw new Error(`own JS secretbox disagrees with tweetnacl at ${length} B`);
  }
  const back = new Uint8Array(length);
  if (!secretboxOpenInto(sealed, n, k, back, 0) || !Buffer.from(back).equals(Buffer.from(m))) {
    throw new Error(`own JS secretbox open fails at ${length} B`);
  }
  const flip = length % sealed.length;
  sealed[flip] = sealed[flip]! ^ 1;
  if (secretboxOpenInto(sealed, n, k, back, 0)) throw new Error("own JS accepted a forgery");
}

const key = crypto.randomBytes(32);
const nonce = crypto.randomBytes(24);
console.log("| operation | size | candidate | ops per CPU-s | MiB per CPU-s |");
console.log("| --- | ---: | --- | ---: | ---: |");
const only = process.argv.includes("--message-only");
for (const size of [16, 1024, 65536, 1 << 20]) {
  const message = new Uint8Array(crypto.randomBytes(size + 1)); // + the flags byte
  const out = new Uint8Array(size + 17);
  const plain = new Uint8Array(size + 1);
  const sealedOnce = nacl.secretbox(message, nonce, key);
  const heapPath = () => {
    sealFrameInto(message[0]!, message.subarray(1), nonce, key, out, 0);
    if (!openFrame(sealedOnce, nonce, key, (n) => plain.subarray(0, n))) throw new Error("open");
  };
  const candidates: Record<string, () => void> = {
    "own SIMD WebAssembly, copies in and out (what @zmq/curve runs)": () => {
      messageCipher("wasm-simd");
      heapPath();
    },
    "libsodium WASM, in its heap (the fallback)": () => {
      messageCipher("libsodium");
      heapPath();
      messageCipher("wasm-simd");
    },
    "own pure JS (bench/js-xsalsa20poly1305.ts)": () => {
      secretboxSealInto(message, nonce, key, out, 0);
      if (!secretboxOpenInto(sealedOnce, nonce, key, plain, 0)) throw new Error("open");
    },
    "libsodium-wrappers 0.8.4 (WASM)": () => {
      const sealed = sodium.crypto_box_easy_afternm(message, nonce, key);
      sodium.crypto_box_open_easy_afternm(sealed, nonce, key);
    },
    "tweetnacl 1.0.3 (JS)": () => {
      const sealed = nacl.secretbox(message, nonce, key);
      nacl.secretbox.open(sealed, nonce, key);
    },
    "@noble/ciphers 2.4.0 (JS)": () => {
      const sealed = xsalsa20poly1305(key, nonce).encrypt(message);
      xsalsa20poly1305(key, nonce).decrypt(sealed);
    },
  };
  for (const [name, fn] of Object.entries(candidates)) {
    const ops = rate(fn, 700, size >= 1 << 20 ? 2 : 20);
    console.log(
      `| box+unbox | ${size} B | ${name} | ${ops.toFixed(0)} | ${((ops * size) / 2 ** 20).toFixed(1)} |`,
    );
  }
}
if (only) process.exit(0);

const a = nacl.box.keyPair();
const b = nacl.box.keyPair();
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
function hsalsaKey(shared: Uint8Array): Uint8Array {
  const k = new Uint32Array(8);
  const o = new Uint32Array(8);
  const view = new DataView(shared.buffer, shared.byteOffset, 32);
  for (let i = 0; i < 8; i++) k[i] = view.getUint32(i * 4, true);
  hsalsa(SIGMA, k, new Uint32Array(4), o);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, o[i]!, true);
  return out;
}
const PKCS8 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI = Buffer.from("302a300506032b656e032100", "hex");
const nodeBefore = (pk: Uint8Array, sk: Uint8Array) =>
  hsalsaKey(
    crypto.diffieHellman({
      privateKey: crypto.createPrivateKey({
        key: Buffer.concat([PKCS8, sk]),
        format: "der",
        type: "pkcs8",
      }),
      publicKey: crypto.createPublicKey({
        key: Buffer.concat([SPKI, pk]),
        format: "der",
        type: "spki",
      }),
    }),
  );
const reference = Buffer.from(nacl.box.before(b.publicKey, a.secretKey));
for (const [name, fn] of Object.entries({
  "libsodium-wrappers crypto_box_beforenm": () =>
    sodium.crypto_box_beforenm(b.publicKey, a.secretKey),
  "tweetnacl box.before": () => nacl.box.before(b.publicKey, a.secretKey),
  "@noble/curves 2.4.0 x25519 + hsalsa": () =>
    hsalsaKey(x25519.getSharedSecret(a.secretKey, b.publicKey)),
  "node:crypto X25519 + @noble hsalsa": () => nodeBefore(b.publicKey, a.secretKey),
})) {
  if (!reference.equals(Buffer.from(fn()))) throw new Error(`${name} disagrees with tweetnacl`);
  console.log(`| beforenm | – | ${name} | ${rate(fn, 400).toFixed(0)} | – |`);
}
for (const [name, fn] of Object.entries({
  "libsodium-wrappers crypto_box_keypair": () => sodium.crypto_box_keypair(),
  "tweetnacl box.keyPair": () => nacl.box.keyPair(),
  "node:crypto generateKeyPairSync x25519": () => crypto.generateKeyPairSync("x25519"),
})) {
  console.log(`| key pair | – | ${name} | ${rate(fn, 400).toFixed(0)} | – |`);
}
