import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

// The demo tests start several node processes each; on a loaded machine that
// alone can take longer than the shared 20 s, so the limit here is wider.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "guide", testTimeout: 60_000, hookTimeout: 60_000 } }),
);
