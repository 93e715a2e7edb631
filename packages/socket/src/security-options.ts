/**
 * The security option accessors of every socket, as zeromq.js names them.
 */
import { utf8Encode } from "@zmq/wire";
import { ZmqError } from "./errors";
import { curveKeyOption, curveKeyValue, type SecurityState, securityOf } from "./security";
import { coreOf, options, Socket } from "./socket";

function utf8Length(text: string): number {
  return utf8Encode(text).length;
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

const str = options.stringOrNull;

function plainCredential(value: unknown): string | null {
  const text = str(value);
  if (text !== null && utf8Length(text) > 255) throw new ZmqError("EINVAL");
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
        s[key] = curveKeyOption(v);
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
      // null is EINVAL, as zeromq.js (libzmq's setsockopt takes no empty value here).
      if (text === null || utf8Length(text) > 255) throw new ZmqError("EINVAL");
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
