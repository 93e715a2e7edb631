/**
 * Per-socket security options (ZMQ_PLAIN_*, ZMQ_CURVE_*, ZMQ_ZAP_*) and the
 * mechanism each new tcp/ipc connection runs. As libzmq (`options.cpp`), the
 * last option set picks the mechanism and role:
 *
 * - `plainServer = true` → PLAIN server; `plainUsername`/`plainPassword` → PLAIN client
 *   (null or "" → back to NULL);
 * - `curveServer = true` → CURVE server; `curveServerKey` → CURVE client;
 *   `curvePublicKey`/`curveSecretKey` → CURVE, role unchanged;
 * - `curveServer = false` / `plainServer = false` → NULL.
 *
 * Server-side mechanisms ask ZAP through `zapClientFor` (see zap.ts).
 */
import { decodeCurveKey, encodeCurveKey } from "@zmq/curve";
import type { Mechanism } from "@zmq/wire";
import { ZmqError } from "./errors";
import type { SocketCore } from "./socket-core";

export type SecurityMechanism = null | "plain" | "curve";

export interface SecurityState {
  mechanism: SecurityMechanism;
  asServer: boolean;
  plainUsername: string | null;
  plainPassword: string | null;
  curvePublicKey: Uint8Array | null;
  curveSecretKey: Uint8Array | null;
  curveServerKey: Uint8Array | null;
  zapDomain: string | null;
  zapEnforceDomain: boolean;
}

const states = new WeakMap<SocketCore, SecurityState>();

export function securityOf(core: SocketCore): SecurityState {
  let state = states.get(core);
  if (state === undefined) {
    state = {
      mechanism: null,
      asServer: false,
      plainUsername: null,
      plainPassword: null,
      curvePublicKey: null,
      curveSecretKey: null,
      curveServerKey: null,
      zapDomain: null,
      zapEnforceDomain: false,
    };
    states.set(core, state);
  }
  return state;
}

/** ZMQ_MECHANISM as zeromq.js reports it. */
export function securityMechanism(core: SocketCore): SecurityMechanism {
  return states.get(core)?.mechanism ?? null;
}

/** A CURVE key option value: 40 Z85 characters or 32 bytes; EINVAL otherwise. */
export function curveKeyOption(value: unknown): Uint8Array {
  // As zeromq.js (libzmq's setsockopt): EINVAL with libzmq's text; ours explains in `cause`.
  if (value === null) {
    throw new ZmqError("EINVAL", undefined, undefined, {
      cause: new Error("a CURVE key cannot be unset (null)"),
    });
  }
  if (typeof value !== "string" && !(value instanceof Uint8Array)) {
    throw new TypeError("Option value must be a string or buffer");
  }
  try {
    return decodeCurveKey(value);
  } catch {
    throw new ZmqError("EINVAL", undefined, undefined, {
      cause: new Error("a CURVE key must be 40 Z85 characters or 32 bytes"),
    });
  }
}

export function curveKeyValue(key: Uint8Array | null): string | null {
  return key === null ? null : encodeCurveKey(key);
}

/**
 * Builds the mechanism for one new connection, or undefined for plain NULL. The
 * mechanisms come from the runtime (`Runtime.security`): without them (a
 * browser, where no mechanism can be negotiated) every connection is NULL.
 */
export function mechanismFor(core: SocketCore, peerAddress: string): Mechanism | undefined {
  const state = states.get(core);
  if (state === undefined) return undefined;
  return core.runtime.security?.build(core, state, peerAddress);
}

/** What `sessionOptions()` adds for security. */
export function securitySessionOptions(core: SocketCore): {
  mechanism?: (peerAddress: string) => Mechanism | undefined;
  asServer?: boolean;
} {
  const state = states.get(core);
  if (state === undefined) return {};
  return {
    mechanism: (peerAddress) => mechanismFor(core, peerAddress),
    asServer: state.mechanism !== null && state.asServer,
  };
}
