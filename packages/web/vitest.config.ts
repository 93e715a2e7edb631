import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

// Node 20 has a WHATWG WebSocket only behind a flag (Node 22 has it by default).
export default mergeConfig(
  shared,
  defineProject({ test: { name: "web", execArgv: ["--experimental-websocket"] } }),
);
