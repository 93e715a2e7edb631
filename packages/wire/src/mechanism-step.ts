/**
 * What a connection does with one step of its security mechanism, shared by the
 * ZMTP connection and the ZWS engine: send the step's commands, fail on its
 * error, wait for an asynchronous step (ZAP), and on completion check the peer's
 * `Socket-Type` and describe the peer.
 */
import { utf8Decode } from "./bytes";
import type { PeerInfo } from "./connection";
import { ProtocolError, WireError } from "./errors";
import type { Mechanism, MechanismStep } from "./mechanism";
import { compatiblePeerType, type SocketTypeName } from "./socket-types";

/** The connection a step is applied to. */
export interface MechanismStepHost {
  /** This side's socket type, which the peer's must be compatible with. */
  readonly socketType: SocketTypeName;
  /** The mechanism in use (its name goes into the peer description). */
  readonly mechanism: Mechanism;
  /** The ZMTP version the peer speaks. */
  peerVersion(): { major: number; minor: number };
  /** Sends one handshake command body to the peer. */
  sendCommand(body: Uint8Array): void;
  /** Fails the connection with `error`. */
  fail(error: WireError): void;
  /**
   * The step is asynchronous: stop reading frames until `settle` is called with
   * its outcome (a rejection arrives as a step with an `error`).
   */
  wait(): void;
  /** The asynchronous step settled. */
  settle(step: MechanismStep): void;
  /** The handshake completed with `peer`. */
  ready(peer: PeerInfo): void;
}

/** The routing id of a peer that sent none (shared: nothing can be written to it). */
const NO_IDENTITY = new Uint8Array(0);

/** Applies `step` to `host`. */
export function applyMechanismStep(step: MechanismStep, host: MechanismStepHost): void {
  if (step.send) for (const body of step.send) host.sendCommand(body);
  if (step.error) {
    host.fail(step.error);
    return;
  }
  if (step.pending) {
    host.wait();
    step.pending.then(
      (next) => host.settle(next),
      (reason: unknown) => host.settle({ error: stepFailure(reason) }),
    );
    return;
  }
  if (!step.done) return;
  const { metadata, userId, zapMetadata } = step.done;
  const typeBytes = metadata.get("Socket-Type");
  if (typeBytes === undefined) {
    host.fail(
      new WireError("EPROTO", "invalid-metadata", "peer sent no Socket-Type", {
        protocolError: ProtocolError.ZMTP_INVALID_METADATA,
      }),
    );
    return;
  }
  const peerType = utf8Decode(typeBytes);
  const socketType = compatiblePeerType(host.socketType, peerType);
  if (socketType === undefined) {
    host.fail(
      new WireError(
        "EPROTO",
        "socket-type-mismatch",
        `a ${host.socketType} socket cannot talk to a ${peerType} peer`,
        { protocolError: ProtocolError.ZMTP_INVALID_METADATA },
      ),
    );
    return;
  }
  host.ready({
    socketType,
    routingId: metadata.get("Identity") ?? NO_IDENTITY,
    metadata,
    ...host.peerVersion(),
    mechanism: host.mechanism.name,
    ...(userId !== undefined && { userId }),
    ...(zapMetadata !== undefined && { zapMetadata }),
  });
}

/** A rejected asynchronous step as the error that fails the connection. */
function stepFailure(reason: unknown): WireError {
  if (reason instanceof WireError) return reason;
  return new WireError(
    "EPROTO",
    "peer-error",
    `handshake step failed: ${(reason as Error)?.message ?? String(reason)}`,
  );
}
