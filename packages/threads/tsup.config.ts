import { defineConfig } from "tsup";
import { startupOptions } from "../../tsup.shared";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  // The entries share their modules through a chunk: without it each entry had a copy
  // of the common code (two classes where there is one, and twice the load at startup).
  splitting: true,
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  ...startupOptions,
});
