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
 *
 * MESSAGE boxes (the data phase, `sealFrameInto` / `openFrame`) go through an
 * own XSalsa20-Poly1305 compiled to WebAssembly with SIMD
 * (assembly/xsalsa20poly1305.ts): about 1.6x libsodium's build at 64 KiB. Where
 * the runtime has no WebAssembly SIMD they fall back to libsodium's heap.
 */
import type Sodium from "libsodium-wrappers";

let sodium: typeof Sodium;
let wasm: SodiumModule;
let loaded = false;
let loading: Promise<void> | undefined;

/** Loads libsodium's WebAssembly module and the SIMD MESSAGE cipher (once); resolves when usable. */
export function ready(): Promise<void> {
  loading ??= Promise.all([
    import("libsodium-wrappers").then(async (module) => {
      const lib = ((module as { default?: typeof Sodium }).default ?? module) as typeof Sodium;
      await lib.ready;
      return lib;
    }),
    loadSimd(),
  ]).then(([lib, box]) => {
    sodium = lib;
    wasm = (lib as unknown as { libsodium: SodiumModule }).libsodium;
    simd = box;
    loaded = true;
  });
  return loading;
}

/** True once `ready()` has resolved. */
export function isReady(): boolean {
  return loaded;
}

/** A Curve25519 key pair as raw bytes. */
export interface KeyPair {
  /** The 32-byte public key. */
  publicKey: Uint8Array;
  /** The 32-byte secret key. */
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

// ---- the MESSAGE hot path ----------------------------------------------------
//
// The wrappers above copy every argument into the WebAssembly heap (malloc), copy
// the result out into a new array and free: for a 64 KiB frame that is four
// copies and three 64 KiB allocations around the crypto. The two calls below copy
// once in and once out, straight into memory the caller allocated, through one
// module whose memory holds one chunk (16 KiB) of one message at a time
// (JavaScript is single threaded and the calls are synchronous). A larger
// message goes through chunk by chunk, so its copies and the cipher share data
// that is still in the CPU's cache and the module's memory never grows (before,
// a 1 MiB frame grew it to 1 MiB and every copy went through main memory).

/** The part of the WebAssembly JS API used here (the lib this package compiles against has none). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

/** The exports of assembly/xsalsa20poly1305.ts. */
interface SimdExports {
  memory: WasmMemory;
  dataOffset(): number;
  chunkSize(): number;
  begin(): void;
  update(length: number, sealing: number): void;
  sealEnd(): void;
  openEnd(): number;
  seal(length: number): void;
  open(length: number): number;
}

/** The SIMD cipher once loaded; undefined before, or where WebAssembly SIMD is missing. */
let simd: SimdExports | undefined;
let simdHeap = new Uint8Array(0);
/** Where the module takes a box's MAC; the data (one chunk) follows at + 16. */
let simdData = 0;
/** The largest chunk the module takes at once; a box's first chunk is 32 bytes shorter. */
let simdChunk = 0;
/** Force libsodium for MESSAGE boxes even where SIMD is there (tests compare both paths). */
let simdDisabled = false;

async function loadSimd(): Promise<SimdExports | undefined> {
  if (typeof WebAssembly !== "object") return undefined;
  // Imported here, not at the top: a bundle keeps the module's bytes in the lazy CURVE chunk.
  const { XSALSA20POLY1305_WASM } = await import("./xsalsa20poly1305-wasm");
  const binary = atob(XSALSA20POLY1305_WASM);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (!WebAssembly.validate(bytes)) return undefined; // no SIMD here: libsodium does it
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const exports = instance.exports as unknown as SimdExports;
  simdData = exports.dataOffset();
  simdChunk = exports.chunkSize();
  // One chunk always fits in the initial memory: it never grows, so this view stays valid.
  simdHeap = new Uint8Array(exports.memory.buffer);
  if (simdHeap.length < simdData + 16 + simdChunk) return undefined;
  return exports;
}

/**
 * Which implementation seals and opens MESSAGE boxes: "wasm-simd" (the own
 * SIMD module) or "libsodium". Passing one selects it (tests check that both
 * agree); "wasm-simd" only where it loaded.
 * @internal
 */
export function messageCipher(use?: "wasm-simd" | "libsodium"): "wasm-simd" | "libsodium" {
  if (use !== undefined) simdDisabled = use === "libsodium";
  return simd !== undefined && !simdDisabled ? "wasm-simd" : "libsodium";
}

/**
 * Seals `flags ‖ body` through the SIMD module into `out` at `at` (MAC ‖
 * ciphertext). A box of more than one chunk goes through chunk by chunk: each
 * piece of `body` is copied in, sealed and copied out to its place in `out`
 * while it is still in the CPU's cache, and the MAC goes in front at the end.
 */
function simdSeal(
  module: SimdExports,
  flags: number,
  body: Uint8Array,
  out: Uint8Array,
  at: number,
): void {
  const heap = simdHeap;
  const mac = simdData;
  const data = mac + 16;
  const total = body.length + 1;
  const first = simdChunk - 32;
  heap[data] = flags;
  if (total <= first) {
    heap.set(body, data + 1);
    module.seal(total);
    out.set(heap.subarray(mac, data + total), at);
    return;
  }
  heap.set(body.subarray(0, first - 1), data + 1);
  module.begin();
  module.update(first, 1);
  out.set(heap.subarray(data, data + first), at + 16);
  for (let done = first; done < total; ) {
    const n = Math.min(simdChunk, total - done);
    heap.set(body.subarray(done - 1, done - 1 + n), data);
    module.update(n, 1);
    out.set(heap.subarray(data, data + n), at + 16 + done);
    done += n;
  }
  module.sealEnd();
  out.set(heap.subarray(mac, data), at);
}

/**
 * Opens MAC ‖ ciphertext through the SIMD module; the plaintext after the
 * flags byte goes into `body` (`sealed.subarray(17)` itself when opening in
 * place: each chunk is read before its plaintext is written back to the same
 * bytes). Returns the flags byte, or -1 when the box does not authenticate
 * (`body` is then zeroed: unauthenticated plaintext never stays visible).
 */
function simdOpen(module: SimdExports, sealed: Uint8Array, body: Uint8Array): number {
  const heap = simdHeap;
  const mac = simdData;
  const data = mac + 16;
  const total = sealed.length - 16;
  const first = simdChunk - 32;
  if (total <= first) {
    heap.set(sealed, mac);
    if (module.open(total) !== 0) return -1;
    body.set(heap.subarray(data + 1, data + total));
    return heap[data]!;
  }
  heap.set(sealed.subarray(0, 16 + first), mac);
  module.begin();
  module.update(first, 0);
  const flags = heap[data]!;
  body.set(heap.subarray(data + 1, data + first));
  for (let done = first; done < total; ) {
    const n = Math.min(simdChunk, total - done);
    heap.set(sealed.subarray(16 + done, 16 + done + n), data);
    module.update(n, 0);
    body.set(heap.subarray(data, data + n), done - 1);
    done += n;
  }
  if (module.openEnd() !== 0) {
    body.fill(0);
    return -1;
  }
  return flags;
}

/** The parts of libsodium's Emscripten module the fallback path uses. */
interface SodiumModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  // 64-bit lengths are passed as (low, high) 32-bit halves.
  _crypto_box_easy_afternm(
    c: number,
    m: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
  _crypto_box_open_easy_afternm(
    m: number,
    c: number,
    lo: number,
    hi: number,
    n: number,
    k: number,
  ): number;
}

const KEY_AT = 0;
const NONCE_AT = 32;
const DATA_AT = 64;
/** libsodium scratch: key(32) nonce(24, padded to 32) input(capacity) output(capacity + 16). */
let scratch = 0;
let capacity = 0;

/** Makes room for `length` input bytes in libsodium's heap; returns the scratch base. */
function reserve(length: number): number {
  if (length > capacity) {
    if (scratch !== 0) {
      wasm.HEAPU8.fill(0, scratch, scratch + DATA_AT);
      wasm._free(scratch);
    }
    let size = Math.max(4096, capacity);
    while (size < length) size *= 2;
    scratch = wasm._malloc(DATA_AT + 2 * size + 16);
    if (scratch === 0) {
      capacity = 0;
      throw new RangeError(`cannot allocate ${length} bytes in the WebAssembly heap`);
    }
    capacity = size;
  }
  return scratch;
}

/**
 * Seals `flags ‖ body` under a precomputed key (crypto_box_easy_afternm) and
 * writes MAC ‖ ciphertext into `out` at `at` (`out` needs `body.length + 17`
 * bytes there).
 */
export function sealFrameInto(
  flags: number,
  body: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  out: Uint8Array,
  at: number,
): void {
  const length = body.length + 1;
  const module = simd;
  if (module !== undefined && !simdDisabled) {
    simdHeap.set(key, 0);
    simdHeap.set(nonce, 32);
    simdSeal(module, flags, body, out, at);
    return;
  }
  const base = reserve(length);
  const input = base + DATA_AT;
  const output = input + capacity;
  let heap = wasm.HEAPU8; // read after reserve(): malloc may grow (replace) the heap
  heap.set(key, base + KEY_AT);
  heap.set(nonce, base + NONCE_AT);
  heap[input] = flags;
  heap.set(body, input + 1);
  wasm._crypto_box_easy_afternm(output, input, length, 0, base + NONCE_AT, base + KEY_AT);
  heap = wasm.HEAPU8;
  out.set(heap.subarray(output, output + length + 16), at);
  heap.fill(0, base + KEY_AT, base + KEY_AT + 32);
}

/**
 * Opens MAC ‖ ciphertext under a precomputed key. On success returns the inner
 * flags byte and the rest of the plaintext in memory from `allocate`, or, with
 * `inPlace`, written over the end of `sealed` itself (its last `length - 17`
 * bytes; the caller must own `sealed`): no fresh allocation for a large frame.
 * Undefined when the box does not authenticate or holds no flags byte.
 */
export function openFrame(
  sealed: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  allocate: (size: number) => Uint8Array,
  inPlace = false,
): { flags: number; body: Uint8Array } | undefined {
  const length = sealed.length;
  if (length < 17) return undefined;
  const module = simd;
  if (module !== undefined && !simdDisabled) {
    simdHeap.set(key, 0);
    simdHeap.set(nonce, 32);
    const body = inPlace ? sealed.subarray(17) : allocate(length - 17);
    const flags = simdOpen(module, sealed, body);
    return flags < 0 ? undefined : { flags, body };
  }
  const base = reserve(length);
  const input = base + DATA_AT;
  const output = input + capacity;
  let heap = wasm.HEAPU8;
  heap.set(key, base + KEY_AT);
  heap.set(nonce, base + NONCE_AT);
  heap.set(sealed, input);
  const failed = wasm._crypto_box_open_easy_afternm(
    output,
    input,
    length,
    0,
    base + NONCE_AT,
    base + KEY_AT,
  );
  heap = wasm.HEAPU8;
  heap.fill(0, base + KEY_AT, base + KEY_AT + 32);
  if (failed !== 0) return undefined;
  const body = inPlace ? sealed.subarray(17) : allocate(length - 17);
  body.set(heap.subarray(output + 1, output + length - 16));
  return { flags: heap[output]!, body };
}
