/** @zmq/node against Debian's pyzmq (libzmq 4.3.4), in a separate /usr/bin/python3 process. */
import { describe, it } from "vitest";
import { pyzmqUnavailable } from "./harness";
import { defineInteropSuite } from "./suite";

const unavailable = pyzmqUnavailable();
if (unavailable === undefined) {
  defineInteropSuite("pyzmq");
} else {
  console.warn(`interop: skipping the pyzmq half: ${unavailable}`);
  describe.skip("pyzmq", () => {
    it.skip(unavailable, () => {});
  });
}
