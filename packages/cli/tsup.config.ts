import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

// `zmq --version` prints the version this build was made from.
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

export default defineConfig({
  // src/bin.ts is the `zmq` executable: it keeps its `#!` line and tsup marks it executable.
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm", "cjs"],
  // The project tsconfig is composite (for `tsc -b`); tsup's dts pass builds a one-entry program.
  dts: { entry: "src/index.ts", compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: "node20",
  define: { __ZMQ_CLI_VERSION__: JSON.stringify(version) },
});
