import { defineConfig } from "vitest/config";

/**
 * Shared vitest settings for every workspace project. Workspace packages are
 * resolved through the `@zmq/source` export condition, so tests run against
 * `src/` and never need a build first.
 */
export const shared = defineConfig({
  resolve: { conditions: ["@zmq/source"] },
  ssr: { resolve: { conditions: ["@zmq/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
