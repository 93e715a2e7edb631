import { defineConfig } from "tsup";
import { startupOptions } from "../../tsup.shared";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  ...startupOptions,
});
