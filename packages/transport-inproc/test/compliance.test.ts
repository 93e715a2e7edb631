import { transportSuite } from "@zmq/compliance";
import { InprocContext, InprocTransport } from "../src/index";

let n = 0;

transportSuite({
  name: "inproc",
  kind: "message",
  setup: () => ({
    transport: new InprocTransport({ context: new InprocContext() }),
    bindEndpoint: () => `inproc://suite-${n++}`,
    unboundEndpoint: () => `inproc://nobody-${n++}`,
    unbound: "pending",
    doubleBind: "EADDRINUSE",
  }),
});
