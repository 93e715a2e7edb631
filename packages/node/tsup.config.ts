import { defineConfig } from "tsup";
import { startupOptions } from "../../tsup.shared";

export default defineConfig({
  // exit-worker: the worker thread that delivers, at process end, what waited for a connection.
  entry: ["src/index.ts", "src/draft.ts", "src/exit-worker.ts"],
  format: ["esm", "cjs"],
  // One module instance per format: index and draft share their chunks (the default context,
  // the Node runtime) in CommonJS as in ESM, so `require("@zmq/node/draft")` is not a second copy.
  splitting: true,
  // Startup: the four transports (tcp, ipc, udp, ws), used only through this binding,
  // are compiled into its own chunk (from their sources), so loading it resolves, reads
  // and compiles five files fewer. The packages other code shares instances and
  // classes with (@zmq/socket's sockets and ZmqError, @zmq/transport's TransportError,
  // @zmq/threads' per-thread registry) stay packages of their own; bundling them also
  // renamed classes that share a name (@zmq/patterns' Dealer made @zmq/socket's
  // Dealer "Dealer2", visible in `name` and in V8's messages).
  noExternal: [/^@zmq\/transport-/],
  // CommonJS chunks by rollup (tree shaking on): tsup's other way (sucrase) rewrites
  // every `?.`, `??` and class field into helper calls.
  treeshake: true,
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  ...startupOptions,
  esbuildOptions(options) {
    startupOptions.esbuildOptions(options);
    // The bundled transports from their TypeScript sources (their exports' "@zmq/source").
    options.conditions = ["@zmq/source"];
  },
  // import.meta.url in the CommonJS build too (exit-relay.ts finds its worker's module with it).
  shims: true,
});
