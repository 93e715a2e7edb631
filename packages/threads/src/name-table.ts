import { ThreadsError } from "./threads-error";

/**
 * The process-wide state every thread shares: one SharedArrayBuffer (the
 * "root") holding a spin lock, the table of bound names, and the context
 * options as JSON. Every thread of the process must be handed the same root
 * (in Node, `@zmq/threads/node` passes it to workers as environment data).
 */

const MAGIC = 0x7a6d7174; // "zmqt"
const I_MAGIC = 0;
const I_LOCK = 1;
const I_NEXT_ID = 2;
const I_OPT_VERSION = 3;
const I_OPT_LENGTH = 4;
const I_SLOTS = 5;
const I_NAME_BYTES = 6;
const I_TAG = 7;
const OPTIONS_OFFSET = 64;
const OPTIONS_BYTES = 4096 - OPTIONS_OFFSET;
const SLOTS_OFFSET = 4096;
/** Ints at the head of a slot: state, owner, binding id, name length, then the owner's ancestors. */
const SLOT_INTS = 8;
/** Ancestors kept per slot (a worker dies with its parent). */
export const CHAIN_DEPTH = 4;

/** Sizes of a root. */
export interface RegistryRootOptions {
  /** How many names may be bound at once, process-wide. Default 256. */
  maxNames?: number;
  /** Longest inproc name, in UTF-8 bytes. Default 224. */
  maxNameBytes?: number;
}

/** Allocates a root. Make one per process and hand it to every thread's registry. */
export function createRegistryRoot(options: RegistryRootOptions = {}): SharedArrayBuffer {
  const slots = options.maxNames ?? 256;
  const nameBytes = options.maxNameBytes ?? 224;
  if (!Number.isInteger(slots) || slots < 1 || slots > 1 << 16) {
    throw new ThreadsError("EINVAL", `maxNames must be an integer in 1..65536, got ${slots}`);
  }
  if (!Number.isInteger(nameBytes) || nameBytes < 1 || nameBytes > 4096) {
    throw new ThreadsError(
      "EINVAL",
      `maxNameBytes must be an integer in 1..4096, got ${nameBytes}`,
    );
  }
  const slotBytes = SLOT_INTS * 4 + ((nameBytes + 3) & ~3);
  const sab = new SharedArrayBuffer(SLOTS_OFFSET + slots * slotBytes);
  const ints = new Int32Array(sab);
  ints[I_SLOTS] = slots;
  ints[I_NAME_BYTES] = nameBytes;
  ints[I_NEXT_ID] = 1;
  ints[I_TAG] = (Math.random() * 0x7fffffff) | 0;
  Atomics.store(ints, I_MAGIC, MAGIC);
  return sab;
}

/** One bound name as the table holds it. */
export interface NameEntry {
  owner: number;
  id: number;
  chain: number[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Typed access to a root. Every method that reads or changes the table takes the lock. */
export class NameTable {
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #slots: number;
  readonly #nameBytes: number;
  readonly #slotBytes: number;
  readonly #self: number;
  /** Threads known dead: their hold on the lock may be broken. */
  readonly dead = new Set<number>();

  constructor(root: SharedArrayBuffer, self: number) {
    this.#ints = new Int32Array(root);
    if (Atomics.load(this.#ints, I_MAGIC) !== MAGIC) {
      throw new ThreadsError("EINVAL", "not a registry root (use createRegistryRoot)");
    }
    this.#bytes = new Uint8Array(root);
    this.#slots = this.#ints[I_SLOTS]!;
    this.#nameBytes = this.#ints[I_NAME_BYTES]!;
    this.#slotBytes = SLOT_INTS * 4 + ((this.#nameBytes + 3) & ~3);
    this.#self = self;
  }

  /** A number shared by every thread using this root (names its broadcast channel). */
  get tag(): number {
    return this.#ints[I_TAG]!;
  }

  /** A fresh id, unique in the process. */
  nextId(): number {
    return Atomics.add(this.#ints, I_NEXT_ID, 1);
  }

  /** The name as stored, or an EINVAL when it is empty or too long. */
  encodeName(name: string): Uint8Array {
    const bytes = encoder.encode(name);
    if (bytes.byteLength === 0) throw new ThreadsError("EINVAL", "inproc name is empty");
    if (bytes.byteLength > this.#nameBytes) {
      throw new ThreadsError(
        "EINVAL",
        `inproc name is ${bytes.byteLength} bytes, over the shared table's ${this.#nameBytes}`,
      );
    }
    return bytes;
  }

  #lock(): void {
    const ints = this.#ints;
    const me = this.#self + 1;
    let spins = 0;
    for (;;) {
      const holder = Atomics.compareExchange(ints, I_LOCK, 0, me);
      if (holder === 0) return;
      // A thread terminated inside its (tiny) critical section leaves the lock held: break it.
      if (++spins % 4096 === 0 && this.dead.has(holder - 1)) {
        if (Atomics.compareExchange(ints, I_LOCK, holder, me) === holder) return;
      }
    }
  }

  #unlock(): void {
    Atomics.store(this.#ints, I_LOCK, 0);
  }

  #slotOffset(index: number): number {
    return SLOTS_OFFSET + index * this.#slotBytes;
  }

  #find(name: Uint8Array): number {
    const ints = this.#ints;
    const bytes = this.#bytes;
    outer: for (let i = 0; i < this.#slots; i++) {
      const base = this.#slotOffset(i);
      const at = base >> 2;
      if (ints[at] !== 1 || ints[at + 3] !== name.byteLength) continue;
      const start = base + SLOT_INTS * 4;
      for (let j = 0; j < name.byteLength; j++) if (bytes[start + j] !== name[j]) continue outer;
      return i;
    }
    return -1;
  }

  #entry(index: number): NameEntry {
    const at = this.#slotOffset(index) >> 2;
    const ints = this.#ints;
    const chain: number[] = [];
    for (let k = 0; k < CHAIN_DEPTH; k++) {
      const v = ints[at + 4 + k]!;
      if (v >= 0) chain.push(v);
    }
    return { owner: ints[at + 1]!, id: ints[at + 2]!, chain };
  }

  /** Who holds `name`, if anyone. */
  lookup(name: Uint8Array): NameEntry | undefined {
    this.#lock();
    try {
      const index = this.#find(name);
      return index < 0 ? undefined : this.#entry(index);
    } finally {
      this.#unlock();
    }
  }

  /** Claims `name` for `owner` (chain: its ancestors) and returns the binding id. */
  claim(name: Uint8Array, owner: number, chain: readonly number[]): number {
    this.#lock();
    try {
      if (this.#find(name) >= 0) {
        throw new ThreadsError("EADDRINUSE", `inproc name already bound: ${decoder.decode(name)}`);
      }
      const ints = this.#ints;
      for (let i = 0; i < this.#slots; i++) {
        const base = this.#slotOffset(i);
        const at = base >> 2;
        if (ints[at] === 1) continue;
        const id = this.nextId();
        ints[at + 1] = owner;
        ints[at + 2] = id;
        ints[at + 3] = name.byteLength;
        for (let k = 0; k < CHAIN_DEPTH; k++) ints[at + 4 + k] = chain[k] ?? -1;
        this.#bytes.set(name, base + SLOT_INTS * 4);
        Atomics.store(ints, at, 1);
        return id;
      }
      throw new ThreadsError(
        "ENOMEM",
        `the shared inproc name table is full (${this.#slots} names)`,
      );
    } finally {
      this.#unlock();
    }
  }

  /** Frees binding `id` if it still holds a slot. */
  release(id: number): void {
    this.#lock();
    try {
      const ints = this.#ints;
      for (let i = 0; i < this.#slots; i++) {
        const at = this.#slotOffset(i) >> 2;
        if (ints[at] === 1 && ints[at + 2] === id) ints[at] = 0;
      }
    } finally {
      this.#unlock();
    }
  }

  /** Frees every name held by `thread` or by a thread it started (directly or below). */
  releaseThread(thread: number): void {
    this.#lock();
    try {
      const ints = this.#ints;
      for (let i = 0; i < this.#slots; i++) {
        const at = this.#slotOffset(i) >> 2;
        if (ints[at] !== 1) continue;
        let hit = ints[at + 1] === thread;
        for (let k = 0; k < CHAIN_DEPTH && !hit; k++) hit = ints[at + 4 + k] === thread;
        if (hit) ints[at] = 0;
      }
    } finally {
      this.#unlock();
    }
  }

  /** The context options as last stored, and their version. */
  readOptions(): { version: number; options: Record<string, unknown> } {
    this.#lock();
    try {
      const version = this.#ints[I_OPT_VERSION]!;
      const length = this.#ints[I_OPT_LENGTH]!;
      if (length === 0) return { version, options: {} };
      const text = decoder.decode(this.#bytes.slice(OPTIONS_OFFSET, OPTIONS_OFFSET + length));
      return { version, options: JSON.parse(text) as Record<string, unknown> };
    } finally {
      this.#unlock();
    }
  }

  /** The options version (cheap; changes on every write). */
  get optionsVersion(): number {
    return Atomics.load(this.#ints, I_OPT_VERSION);
  }

  /** Stores `update` merged into the current options. */
  writeOptions(update: Record<string, unknown>): void {
    this.#lock();
    try {
      const length = this.#ints[I_OPT_LENGTH]!;
      const current =
        length === 0
          ? {}
          : (JSON.parse(
              decoder.decode(this.#bytes.slice(OPTIONS_OFFSET, OPTIONS_OFFSET + length)),
            ) as Record<string, unknown>);
      const bytes = encoder.encode(JSON.stringify({ ...current, ...update }));
      if (bytes.byteLength > OPTIONS_BYTES) {
        throw new ThreadsError("ENOMEM", `context options over ${OPTIONS_BYTES} bytes of JSON`);
      }
      this.#bytes.set(bytes, OPTIONS_OFFSET);
      this.#ints[I_OPT_LENGTH] = bytes.byteLength;
      Atomics.add(this.#ints, I_OPT_VERSION, 1);
    } finally {
      this.#unlock();
    }
  }
}
