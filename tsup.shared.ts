import type { Options } from "tsup";

/**
 * Build options every published package takes for startup time: no comments or
 * indentation, and ASCII only (a file with any other character is decoded and
 * scanned as UTF-16), so `require` reads and parses less. Names stay as written;
 * the source map leads back to src/. Spread into a package's `defineConfig`.
 */
export const startupOptions = {
  minifyWhitespace: true,
  esbuildOptions(options) {
    options.charset = "ascii";
  },
} satisfies Options;
