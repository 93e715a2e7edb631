/**
 * PLAIN (RFC 24), as libzmq runs it (`plain_client.cpp`, `plain_server.cpp`):
 *
 *   C: HELLO(username, password) → S: WELCOME | ERROR
 *   C: INITIATE(metadata)        → S: READY(metadata)
 *
 * Credentials travel in clear text. The server asks ZAP about every HELLO;
 * with no ZAP handler bound the handshake fails (libzmq 4.3), a 300 reply
 * disconnects silently and 400/500 send ERROR with the status.
 */
import { utf8Encode } from "./bytes";
import { decodeMetadata, encodeCommand } from "./command";
import { ProtocolError, WireError } from "./errors";
import type { Mechanism, MechanismContext, MechanismStep } from "./mechanism";
import {
  consultZap,
  noZapHandler,
  peerRefused,
  type ZapOptions,
  type ZapReply,
  zapResult,
} from "./zap";

/** The credentials of a {@link PlainClient}. */
export interface PlainClientOptions {
  /** ZMQ_PLAIN_USERNAME: at most 255 bytes of UTF-8. */
  username: string | Uint8Array;
  /** ZMQ_PLAIN_PASSWORD: at most 255 bytes of UTF-8. */
  password: string | Uint8Array;
}

/** A {@link PlainServer}'s ZAP settings: every HELLO is checked by the ZAP handler. */
export type PlainServerOptions = ZapOptions;

function protocol(
  reason: "unexpected-command" | "malformed-command" | "invalid-metadata",
  message: string,
  protocolError: number,
): MechanismStep {
  return { error: new WireError("EPROTO", reason, message, { protocolError }) };
}

const unexpected = (what: string) =>
  protocol(
    "unexpected-command",
    `unexpected ${what} in PLAIN handshake`,
    ProtocolError.ZMTP_UNEXPECTED_COMMAND,
  );

/** True when `body` starts with the length-prefixed command name `name`. */
export function isCommand(body: Uint8Array, name: string): boolean {
  if (body.length < 1 + name.length || body[0] !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (body[1 + i] !== name.charCodeAt(i)) return false;
  return true;
}

function commandName(body: Uint8Array): string {
  const length = body[0] ?? 0;
  let name = "";
  for (let i = 1; i <= length && i < body.length; i++) name += String.fromCharCode(body[i]!);
  return name || "empty command";
}

/** Parses ERROR's `reason-len reason` (the length byte at `at`); undefined when malformed. */
export function errorReason(body: Uint8Array, at = 6): string | undefined {
  if (body.length < at + 1) return undefined;
  const length = body[at]!;
  if (length > body.length - at - 1) return undefined;
  let reason = "";
  for (let i = 0; i < length; i++) reason += String.fromCharCode(body[at + 1 + i]!);
  return reason;
}

/**
 * [!] libzmq's PLAIN sends ERROR as `5e "RROR" len reason`: its `"\x05ERROR"`
 * literal (plain_common.hpp) parses as the hex escape `\x05E` = 0x5e followed by
 * "RROR", so the name-length byte is lost. libzmq's PLAIN client only knows this
 * form. Our PLAIN server sends it (so libzmq clients see the ZAP status) and our
 * client accepts both forms.
 */
export function encodeLibzmqPlainError(reason: string): Uint8Array {
  const out = new Uint8Array(6 + reason.length);
  out.set([0x5e, 0x52, 0x52, 0x4f, 0x52], 0);
  out[5] = reason.length;
  for (let i = 0; i < reason.length; i++) out[6 + i] = reason.charCodeAt(i) & 0xff;
  return out;
}

function isLibzmqPlainError(body: Uint8Array): boolean {
  return (
    body.length >= 5 &&
    body[0] === 0x5e &&
    body[1] === 0x52 &&
    body[2] === 0x52 &&
    body[3] === 0x4f &&
    body[4] === 0x52
  );
}

function receivedError(body: Uint8Array): MechanismStep {
  const reason = errorReason(body, isLibzmqPlainError(body) ? 5 : 6);
  if (reason === undefined) {
    return protocol(
      "malformed-command",
      "malformed ERROR",
      ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
    );
  }
  return { error: peerRefused(reason) };
}

function bytesOf(value: string | Uint8Array, what: string): Uint8Array {
  const bytes = typeof value === "string" ? utf8Encode(value) : value;
  if (bytes.length > 255) {
    throw new WireError("EINVAL", "invalid-argument", `PLAIN ${what} is longer than 255 bytes`);
  }
  return bytes;
}

/** `HELLO ulen username plen password`. Throws EINVAL when a field exceeds 255 bytes. */
export function encodePlainHello(
  username: string | Uint8Array,
  password: string | Uint8Array,
): Uint8Array {
  const user = bytesOf(username, "username");
  const pass = bytesOf(password, "password");
  const data = new Uint8Array(2 + user.length + pass.length);
  data[0] = user.length;
  data.set(user, 1);
  data[1 + user.length] = pass.length;
  data.set(pass, 2 + user.length);
  return encodeCommand("HELLO", data);
}

type ClientState = "welcome" | "ready" | "done" | "failed";

/**
 * The PLAIN client (RFC 24): sends HELLO with the user name and password, then
 * INITIATE with its properties after WELCOME; done on the server's READY.
 */
export class PlainClient implements Mechanism {
  readonly name = "PLAIN";
  readonly transform = undefined;
  readonly #hello: Uint8Array;
  #state: ClientState = "welcome";
  #metadata: Uint8Array = new Uint8Array(0);

  /** @throws WireError `EINVAL` when the user name or password is over 255 bytes. */
  constructor(options: PlainClientOptions) {
    this.#hello = encodePlainHello(options.username, options.password);
  }

  start(context: MechanismContext): MechanismStep {
    this.#metadata = context.metadata;
    return { send: [this.#hello] };
  }

  receive(body: Uint8Array): MechanismStep {
    const step = this.#receive(body);
    if (step.error) this.#state = "failed";
    return step;
  }

  #receive(body: Uint8Array): MechanismStep {
    if (isCommand(body, "WELCOME")) {
      if (this.#state !== "welcome") return unexpected("WELCOME");
      if (body.length !== 8) {
        return protocol(
          "malformed-command",
          "WELCOME with data",
          ProtocolError.ZMTP_MALFORMED_COMMAND_WELCOME,
        );
      }
      this.#state = "ready";
      return { send: [encodeCommand("INITIATE", this.#metadata)] };
    }
    if (isCommand(body, "READY")) {
      if (this.#state !== "ready") return unexpected("READY");
      const metadata = decodeMetadata(body.subarray(6));
      if (metadata instanceof WireError) {
        return protocol("invalid-metadata", metadata.message, ProtocolError.ZMTP_INVALID_METADATA);
      }
      this.#state = "done";
      return { done: { metadata } };
    }
    if (isCommand(body, "ERROR") || isLibzmqPlainError(body)) {
      if (this.#state !== "welcome" && this.#state !== "ready") return unexpected("ERROR");
      return receivedError(body);
    }
    return unexpected(commandName(body));
  }
}

type ServerState = "hello" | "zap" | "initiate" | "done" | "failed";

/**
 * The PLAIN server (RFC 24): asks the ZAP handler about each HELLO, answers
 * WELCOME (or an ERROR with the handler's status text), then READY after the
 * client's INITIATE. Without a ZAP handler it refuses, as libzmq does.
 */
export class PlainServer implements Mechanism {
  readonly name = "PLAIN";
  readonly transform = undefined;
  readonly #zap: ZapOptions;
  #state: ServerState = "hello";
  #metadata: Uint8Array = new Uint8Array(0);
  #reply: ZapReply | undefined;

  /** A server with the ZAP settings in `options`. */
  constructor(options: PlainServerOptions = {}) {
    this.#zap = options;
  }

  start(context: MechanismContext): MechanismStep {
    this.#metadata = context.metadata;
    return {};
  }

  receive(body: Uint8Array): MechanismStep {
    const step = this.#receive(body);
    if (step.error) this.#state = "failed";
    return step;
  }

  #receive(body: Uint8Array): MechanismStep {
    if (this.#state === "hello") {
      if (!isCommand(body, "HELLO")) return unexpected(commandName(body));
      const credentials = parseHello(body);
      if (credentials === undefined) {
        return protocol(
          "malformed-command",
          "malformed HELLO",
          ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
        );
      }
      this.#state = "zap";
      return consultZap(
        this.#zap,
        "PLAIN",
        credentials,
        (reply) => {
          this.#reply = reply;
          this.#state = "initiate";
          return { send: [encodeCommand("WELCOME")] };
        },
        () => noZapHandler("PLAIN"),
        encodeLibzmqPlainError,
      );
    }
    if (this.#state === "initiate") {
      if (!isCommand(body, "INITIATE")) return unexpected(commandName(body));
      const metadata = decodeMetadata(body.subarray(9));
      if (metadata instanceof WireError) {
        return protocol("invalid-metadata", metadata.message, ProtocolError.ZMTP_INVALID_METADATA);
      }
      this.#state = "done";
      return {
        send: [encodeCommand("READY", this.#metadata)],
        done: { metadata, ...zapResult(this.#reply) },
      };
    }
    return unexpected(commandName(body));
  }
}

/** `[username, password]` from a HELLO body, or undefined when malformed (libzmq's checks). */
function parseHello(body: Uint8Array): Uint8Array[] | undefined {
  let at = 6;
  if (at >= body.length) return undefined;
  const userLength = body[at++]!;
  if (body.length - at < userLength) return undefined;
  const user = body.subarray(at, at + userLength);
  at += userLength;
  if (at >= body.length) return undefined;
  const passLength = body[at++]!;
  if (body.length - at !== passLength) return undefined;
  return [user, body.subarray(at, at + passLength)];
}
