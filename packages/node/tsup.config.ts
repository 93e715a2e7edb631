import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/draft.ts"],
  format: ["esm", "cjs"],
  // One module instance per format: index and draft share their chunks (the default context,
  // the Node runtime) in CommonJS as in ESM, so `require("@zmq/node/draft")` is not a second copy.
  splitting: true,
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
