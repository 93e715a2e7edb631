import { defineConfig } from "tsup";

export default defineConfig({
  // exit-worker: the worker thread that delivers, at process end, what waited for a connection.
  entry: ["src/index.ts", "src/draft.ts", "src/exit-worker.ts"],
  format: ["esm", "cjs"],
  // One module instance per format: index and draft share their chunks (the default context,
  // the Node runtime) in CommonJS as in ESM, so `require("@zmq/node/draft")` is not a second copy.
  splitting: true,
  treeshake: true,
  // Startup: the workspace packages this binding is made of are compiled into its
  // own files (from their sources), so `require("@zmq/node")` reads two files, not
  // twenty: per file Node resolves a package name through its exports map, reads,
  // wraps and compiles, and that, not the code, was most of the ~60-100 ms a short
  // script paid before its first line ran. @zmq/threads stays a package of its own:
  // its registry is per thread and shared with code that imports it directly
  // (`shareMemory` from `@zmq/threads/node`).
  noExternal: [/^@zmq\/(socket|wire|patterns|curve|transport)/],
  external: ["@zmq/threads", "@zmq/threads/node", "libsodium-wrappers"],
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // Startup: no comments or indentation, and ASCII only (a file with any other
  // character is decoded and scanned as UTF-16), so `require` reads and parses
  // less. Names stay as written; the source map leads back to src/.
  minifyWhitespace: true,
  esbuildOptions(options) {
    options.charset = "ascii";
    // The bundled packages from their TypeScript sources (their exports' "@zmq/source").
    options.conditions = ["@zmq/source"];
  },
  // import.meta.url in the CommonJS build too (exit-relay.ts finds its worker's module with it).
  shims: true,
});
