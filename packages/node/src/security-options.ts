/**
 * The security option accessors of every socket, as zeromq.js names them.
 */
import { ZmqError } from "./errors";
import { curveKeyOption, curveKeyValue, type SecurityState, securityOf } from "./security";
import { coreOf, options, Socket } from "./socket";

declare module "./socket" {
  interface Socket {
    /** ZMQ_PLAIN_SERVER: act as PLAIN server (needs a ZAP handler, as libzmq). */
    plainServer: boolean;
    /** ZMQ_PLAIN_USERNAME: PLAIN client user name; setting it selects PLAIN. */
    plainUsername: string | null;
    /** ZMQ_PLAIN_PASSWORD: PLAIN client password; setting it selects PLAIN. */
    plainPassword: string | null;
    /** ZMQ_CURVE_SERVER: act as CURVE server (needs `curveSecretKey`). */
    curveServer: boolean;
    /** ZMQ_CURVE_PUBLICKEY: long-term public key (40 Z85 characters or 32 bytes; reads as Z85). */
    curvePublicKey: string | null;
    /** ZMQ_CURVE_SECRETKEY: long-term secret key (40 Z85 characters or 32 bytes; reads as Z85). */
    curveSecretKey: string | null;
    /** ZMQ_CURVE_SERVERKEY: the server's public key, set on CURVE clients; selects the client role. */
    curveServerKey: string | null;
    /** ZMQ_ZAP_DOMAIN: the ZAP domain; with NULL security, ZAP is consulted only when set. */
    zapDomain: string | null;
    /** ZMQ_ZAP_ENFORCE_DOMAIN: fail handshakes that need ZAP when no handler is bound. */
    zapEnforceDomain: boolean;
  }
}

type Setter = (state: SecurityState, value: unknown) => void;

function accessor(name: string, get: (state: SecurityState) => unknown, set: Setter): void {
  options.define([Socket], name, {
    get(this: Socket) {
      return get(securityOf(coreOf(this)));
    },
    set(this: Socket, value: unknown) {
      const core = coreOf(this);
      if (core.closed) throw new ZmqError("EBADF");
      set(securityOf(core), value);
    },
  });
}

function str(value: unknown): string | null {
  if (value !== null && typeof value !== "string") {
    throw new TypeError("Option value must be a string");
  }
  return value;
}

function plainCredential(value: unknown): string | null {
  const text = str(value);
  if (text !== null && Buffer.byteLength(text) > 255) throw new ZmqError("EINVAL");
  return text;
}

export function defineSecurityOptions(): void {
  accessor(
    "plainServer",
    (s) => s.mechanism === "plain" && s.asServer,
    (s, v) => {
      const on = options.bool(v);
      s.asServer = on;
      s.mechanism = on ? "plain" : null;
    },
  );
  for (const key of ["plainUsername", "plainPassword"] as const) {
    accessor(
      key,
      (s) => s[key],
      (s, v) => {
        const text = plainCredential(v);
        s[key] = text;
        if (text === null || text === "") {
          s.mechanism = null;
        } else {
          s.asServer = false;
          s.mechanism = "plain";
        }
      },
    );
  }
  accessor(
    "curveServer",
    (s) => s.mechanism === "curve" && s.asServer,
    (s, v) => {
      const on = options.bool(v);
      s.asServer = on;
      s.mechanism = on ? "curve" : null;
    },
  );
  for (const key of ["curvePublicKey", "curveSecretKey", "curveServerKey"] as const) {
    accessor(
      key,
      (s) => curveKeyValue(s[key]),
      (s, v) => {
        const decoded = curveKeyOption(v);
        s[key] = decoded;
        if (decoded === null) return;
        s.mechanism = "curve";
        if (key === "curveServerKey") s.asServer = false;
      },
    );
  }
  accessor(
    "zapDomain",
    (s) => s.zapDomain,
    (s, v) => {
      const text = str(v);
      if (text !== null && Buffer.byteLength(text) > 255) throw new ZmqError("EINVAL");
      s.zapDomain = text;
    },
  );
  accessor(
    "zapEnforceDomain",
    (s) => s.zapEnforceDomain,
    (s, v) => {
      s.zapEnforceDomain = options.bool(v);
    },
  );
}
