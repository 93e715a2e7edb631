import { defineConfig } from "tsup";
import { startupOptions } from "../../tsup.shared";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // The dts bundler rejects `composite` projects (TS6307); emit types without it.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  ...startupOptions,
});
