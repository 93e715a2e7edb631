import { defineConfig } from "tsup";

export default defineConfig({
  // exit-worker: the worker thread that delivers, at process end, what waited for a connection.
  entry: ["src/index.ts", "src/draft.ts", "src/exit-worker.ts"],
  format: ["esm", "cjs"],
  // One module instance per format: index and draft share their chunks (the default context,
  // the Node runtime) in CommonJS as in ESM, so `require("@zmq/node/draft")` is not a second copy.
  splitting: true,
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // import.meta.url in the CommonJS build too (exit-relay.ts finds its worker's module with it).
  shims: true,
});
