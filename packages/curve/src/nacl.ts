/**
 * The NaCl primitives CURVE needs, over libsodium compiled to WebAssembly
 * (`libsodium-wrappers`): `crypto_box` (X25519 + XSalsa20-Poly1305), its
 * precomputed `beforenm`/`afternm` form, `crypto_secretbox` for cookies, key
 * pairs and random bytes. Boxes use the "easy" layout, MAC(16) ‖ ciphertext,
 * which is what travels on the wire. The module must be loaded before use:
 * `await ready()` (mechanisms do this themselves through a pending step).
 * It is loaded on first use, not on import: merely loading libsodium's
 * WebAssembly into a process measurably slows large-message throughput there
 * (64 KiB tcp PUSH/PULL fell to about a third), so a process that never uses
 * CURVE should never load it.
 * Chosen by measurement; see bench/crypto.ts and the README.
 */
import type Sodium from "libsodium-wrappers";

let sodium: typeof Sodium;
let loaded = false;
let loading: Promise<void> | undefined;

/** Loads libsodium's WebAssembly module (once); resolves when it is usable. */
export function ready(): Promise<void> {
  loading ??= import("libsodium-wrappers").then(async (module) => {
    const lib = ((module as { default?: typeof Sodium }).default ?? module) as typeof Sodium;
    await lib.ready;
    sodium = lib;
    loaded = true;
  });
  return loading;
}

/** True once `ready()` has resolved. */
export function isReady(): boolean {
  return loaded;
}

export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function boxKeyPair(): KeyPair {
  const pair = sodium.crypto_box_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

/** X25519 public key for a secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return sodium.crypto_scalarmult_base(secretKey);
}

export function randomBytes(length: number): Uint8Array {
  return sodium.randombytes_buf(length);
}

/** `crypto_box_easy`: MAC ‖ ciphertext. */
export function box(
  message: Uint8Array,
  nonce: Uint8Array,
  to: Uint8Array,
  from: Uint8Array,
): Uint8Array {
  return sodium.crypto_box_easy(message, nonce, to, from);
}

/** Opens a box; undefined when it does not authenticate. */
export function boxOpen(
  sealed: Uint8Array,
  nonce: Uint8Array,
  from: Uint8Array,
  to: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  try {
    return sodium.crypto_box_open_easy(sealed, nonce, from, to);
  } catch {
    return undefined;
  }
}

/** `crypto_box_beforenm`: the precomputed key for one peer. */
export function beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_beforenm(publicKey, secretKey);
}

export function boxAfter(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return sodium.crypto_box_easy_afternm(message, nonce, key);
}

export function boxOpenAfter(
  sealed: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  try {
    return sodium.crypto_box_open_easy_afternm(sealed, nonce, key);
  } catch {
    return undefined;
  }
}

export function secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return sodium.crypto_secretbox_easy(message, nonce, key);
}

export function secretboxOpen(
  sealed: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  try {
    return sodium.crypto_secretbox_open_easy(sealed, nonce, key);
  } catch {
    return undefined;
  }
}

/** Overwrites secret material. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}
