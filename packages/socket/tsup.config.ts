import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // The dts bundler rejects `composite` projects (TS6307); emit types without it.
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // Startup: no comments or indentation, and ASCII only (a file with any other
  // character is decoded and scanned as UTF-16), so \`require\` reads and parses
  // less. Names stay as written; the source map leads back to src/.
  minifyWhitespace: true,
  esbuildOptions(options) {
    options.charset = "ascii";
  },
});
