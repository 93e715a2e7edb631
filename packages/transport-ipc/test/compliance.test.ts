import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transportSuite } from "@zmq/compliance";
import { ipc } from "../src/index";

let dir = "";
let n = 0;

transportSuite({
  name: "ipc",
  kind: "stream",
  setup: async () => {
    dir = await mkdtemp(join(tmpdir(), "zmq-ipc-suite-"));
    return {
      transport: ipc,
      bindEndpoint: () => (n++ % 2 === 0 ? "ipc://*" : `ipc://${dir}/s${n}.sock`),
      unboundEndpoint: () => `ipc://${dir}/nobody-${n++}.sock`,
      unbound: ["ENOENT"],
      doubleBind: "takeover",
      malformedBind: [`ipc://${"x".repeat(200)}`, "ipc://@"],
      malformedConnect: ["ipc://*", `ipc://${"x".repeat(200)}`],
      malformedCodes: ["EINVAL", "ENAMETOOLONG"],
      // 500 connects issued in one tick overflow libzmq's default backlog of 100 (EAGAIN).
      bindOptions: { backlog: 1024 },
    };
  },
  teardown: () => rm(dir, { recursive: true, force: true }),
});
