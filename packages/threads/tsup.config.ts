import { defineConfig } from "tsup";

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
  // Startup: no comments or indentation, and ASCII only (a file with any other
  // character is decoded and scanned as UTF-16), so \`require\` reads and parses
  // less. Names stay as written; the source map leads back to src/.
  minifyWhitespace: true,
  esbuildOptions(options) {
    options.charset = "ascii";
  },
});
