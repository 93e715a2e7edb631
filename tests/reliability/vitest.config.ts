import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

// One scenario file at a time: they measure CPU, RSS and timing of child processes,
// and the machine has few cores. SOAK=1 runs them at full size (minutes each).
const soak = process.env.SOAK === "1";

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: "reliability",
      testTimeout: soak ? 1_800_000 : 60_000,
      hookTimeout: 60_000,
      fileParallelism: false,
    },
  }),
);
