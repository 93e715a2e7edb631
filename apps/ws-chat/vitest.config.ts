import { defineProject, mergeConfig } from "vitest/config";
import { shared } from "../../vitest.shared";

// The test's browser-side client is @zmq/web on Node's WebSocket (behind a flag on Node 20).
export default mergeConfig(
  shared,
  defineProject({ test: { name: "ws-chat", execArgv: ["--experimental-websocket"] } }),
);
