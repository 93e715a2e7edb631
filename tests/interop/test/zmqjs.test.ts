/** @zmq/node against libzmq 4.3.5 from the `zeromq` npm package, in a separate node process. */
import { defineInteropSuite } from "./suite";

defineInteropSuite("zmqjs");
