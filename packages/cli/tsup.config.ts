import { defineConfig } from "tsup";

export default defineConfig({
  // src/bin.ts is the `zmq` executable: it keeps its `#!` line and tsup marks it executable.
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm", "cjs"],
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { entry: "src/index.ts", compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
