import { spawnSync } from "node:child_process";
import { python } from "../src/lib/processes";

/**
 * Whether Debian's Python can import `module`. In CI (CI=true) a missing module
 * is a failure, not a skip: the pyzmq counterparts are what these tests prove.
 */
export function requirePython(module: string): boolean {
  const ok = spawnSync(python, ["-c", `import ${module}`]).status === 0;
  if (!ok && process.env.CI === "true") {
    throw new Error(`${python} cannot import ${module}: install the Debian package (see .ci/run)`);
  }
  return ok;
}
