import { createRequire } from "node:module";

/** The fallback loader for Node.js versions before `process.getBuiltinModule` (20.16). */
let requireBuiltin: ((id: string) => unknown) | undefined;

/**
 * A getter for a Node.js built-in module that loads it on its first call, not at
 * import. `node:net`, `node:tls`, `node:dns`, `node:dgram` and `node:fs/promises`
 * together cost a script ~15 ms at startup (each is dozens of internal modules);
 * a transport needs its modules only once something binds or connects, and a
 * program that never uses `wss://` never pays for TLS. Synchronous, so a
 * `connect()` that must check its endpoint at once still can.
 *
 * @example
 * ```ts
 * const net = lazyBuiltin<typeof import("node:net")>("node:net");
 * net().isIP("127.0.0.1"); // 4 (node:net loaded here)
 * ```
 *
 * @param id - the module's `node:` name.
 * @returns a function returning the module, loaded the first time it is called.
 */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) loaded = loadBuiltin(id) as T;
    return loaded;
  };
}

function loadBuiltin(id: string): unknown {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (get !== undefined) return get.call(process, id);
  // Any absolute path serves as the base: a built-in is never looked up on disk.
  requireBuiltin ??= createRequire(process.execPath);
  return requireBuiltin(id);
}

/** `node:net`, loaded on first use. */
export const nodeNet: () => typeof import("node:net") = lazyBuiltin("node:net");
