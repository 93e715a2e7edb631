/**
 * @zmq/compliance — shared test suites for the @zmq contracts (private). A
 * transport proves itself by running `transportSuite` from its own test file:
 * lifecycles, resolved endpoints, error paths, 500 concurrent connections, and
 * and the stream connection tests.
 *
 * @example
 * ```ts
 * // packages/transport-foo/test/compliance.test.ts
 * import { transportSuite } from "@zmq/compliance";
 * import { foo } from "../src/index";
 *
 * transportSuite({
 *   name: "foo",
 *   kind: "stream",
 *   setup: () => ({
 *     transport: foo,
 *     bindEndpoint: () => "foo://*",
 *     unboundEndpoint: () => "foo://nobody-here",
 *     unbound: ["ECONNREFUSED"],
 *     doubleBind: "EADDRINUSE",
 *   }),
 * });
 * ```
 *
 * @packageDocumentation
 */
export { patternBytes, seededRandom, splitAtRandom } from "./random-bytes";
export { ResourceTracker } from "./resource-tracker";
export { StreamRecorder } from "./stream-recorder";
export {
  type AcceptQueue,
  type ConnectedPair,
  delay,
  expectTransportError,
  SuiteContext,
} from "./suite-context";
export type { TransportFixture, TransportSuiteOptions } from "./transport-fixture";
export { transportSuite } from "./transport-suite";
export { multicastUnavailable, udpPort } from "./udp-probe";
