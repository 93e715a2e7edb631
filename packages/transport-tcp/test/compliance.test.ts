import { transportSuite } from "@zmq/compliance";
import { tcp } from "../src/index";

transportSuite({
  name: "tcp",
  kind: "stream",
  setup: () => ({
    transport: tcp,
    bindEndpoint: () => "tcp://127.0.0.1:*",
    unboundEndpoint: () => "tcp://127.0.0.1:1",
    unbound: ["ECONNREFUSED"],
    doubleBind: "EADDRINUSE",
    // 500 connects issued in one tick overflow libzmq's default backlog of 100.
    bindOptions: { backlog: 1024 },
    malformedBind: ["tcp://127.0.0.1", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:x", "tcp://a;b:1"],
    malformedConnect: ["tcp://*:5555", "tcp://127.0.0.1:0", "tcp://127.0.0.1:*", "tcp://[::1:5"],
  }),
});
