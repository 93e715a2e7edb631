/**
 * The security mechanisms a tcp/ipc connection can run (PLAIN, CURVE, NULL with
 * ZAP), built from a socket's security options. A runtime that connects over
 * byte streams (Node) hands this to the socket layer as its `security`; a
 * browser cannot negotiate any mechanism (bare `ZWS2.0`), so its bundle leaves
 * CURVE, PLAIN and ZAP out by not naming this module.
 */
import { CurveClient, CurveServer, isReady } from "@zmq/curve";
import {
  type Allocate,
  type Mechanism,
  NullMechanism,
  PlainClient,
  PlainServer,
  type ZapOptions,
} from "@zmq/wire";
import type { SecurityState } from "./security";
import type { SocketCore } from "./socket-core";
import { zapClientFor } from "./zap";

const ZERO_KEY = new Uint8Array(32);

/** The runtime's memory for the frames a CURVE connection decrypts, if it has its own. */
function allocator(core: SocketCore): { allocate?: Allocate } {
  const make = core.runtime.frameAllocator;
  return make === undefined ? {} : { allocate: make() };
}

/** Builds the mechanism for one new connection, or undefined for plain NULL. */
function build(core: SocketCore, state: SecurityState, peerAddress: string): Mechanism | undefined {
  const zap = (): ZapOptions => ({
    zap: zapClientFor(core),
    zapDomain: state.zapDomain ?? "",
    zapEnforceDomain: state.zapEnforceDomain,
    peerAddress,
    routingId: core.routingId,
  });
  switch (state.mechanism) {
    case "plain":
      return state.asServer
        ? new PlainServer(zap())
        : new PlainClient({
            username: state.plainUsername ?? "",
            password: state.plainPassword ?? "",
          });
    case "curve":
      return state.asServer
        ? new CurveServer({
            secretKey: state.curveSecretKey ?? ZERO_KEY,
            ...allocator(core),
            ...zap(),
          })
        : new CurveClient({
            ...allocator(core),
            serverKey: state.curveServerKey ?? ZERO_KEY,
            publicKey: state.curvePublicKey ?? ZERO_KEY,
            secretKey: state.curveSecretKey ?? ZERO_KEY,
          });
    default:
      return state.zapDomain ? new NullMechanism(zap()) : undefined;
  }
}

/**
 * What a runtime's `security` is.
 * @internal
 */
export interface SecurityMechanisms {
  /** The mechanism for one new connection of `core`, or undefined for plain NULL. */
  build(core: SocketCore, state: SecurityState, peerAddress: string): Mechanism | undefined;
  /** Whether CURVE's cipher has loaded (a synchronous handshake at exit needs it). */
  curveReady(): boolean;
}

/**
 * PLAIN, CURVE and ZAP for a runtime's `security` (the Node runtime's).
 * @internal
 */
export const securityMechanisms: SecurityMechanisms = { build, curveReady: isReady };
