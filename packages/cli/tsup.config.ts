import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
    dts: { compilerOptions: { composite: false } },
    sourcemap: true,
    clean: true,
    target: "node20",
  },
  {
    // The `zmq` executable: ESM only, keeps its `#!` line (tsup marks it executable).
    entry: ["src/bin.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "node20",
  },
]);
