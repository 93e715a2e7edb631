import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

// The end-to-end tests start processes (ours, pyzmq, zeromq.js); on a loaded machine a test can
// take several times its usual few seconds.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "cli", testTimeout: 60_000, hookTimeout: 60_000 } }),
);
