import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

export default mergeConfig(
  shared,
  defineProject({ test: { name: "browser", testTimeout: 30_000, hookTimeout: 60_000 } }),
);
