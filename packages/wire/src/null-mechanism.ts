/**
 * The NULL mechanism (RFC 37): each side sends READY with its properties as
 * soon as the greeting is exchanged (libzmq does not wait for the peer's READY),
 * and the handshake is done when the peer's READY arrives. An ERROR from the
 * peer ends the handshake.
 *
 * With a ZAP domain set (libzmq: `ZMQ_ZAP_DOMAIN` non-empty) the local READY
 * waits for the ZAP handler's verdict; with no handler bound the handshake goes
 * on unless `zapEnforceDomain` is set. Without a domain ZAP is never consulted.
 */
import { decodeCommand, encodeCommand } from "./command";
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

/** No ZAP domain: what a mechanism made without options shares. */
const NO_ZAP: ZapOptions = Object.freeze({});

/** The NULL mechanism: no authentication, only READY both ways (see the module doc for ZAP). */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly transform = undefined;
  readonly #zap: ZapOptions;
  #done = false;
  #reply: ZapReply | undefined;

  /** `options`: the ZAP domain and handler, consulted only when a domain is set. */
  constructor(options: ZapOptions = NO_ZAP) {
    this.#zap = options;
  }

  start(context: MechanismContext): MechanismStep {
    const ready = (): MechanismStep => ({ send: [encodeCommand("READY", context.metadata)] });
    if (!this.#zap.zapDomain) return ready();
    const missing = () => (this.#zap.zapEnforceDomain ? noZapHandler("NULL") : ready());
    return consultZap(
      this.#zap,
      "NULL",
      [],
      (reply) => {
        this.#reply = reply;
        return ready();
      },
      missing,
    );
  }

  receive(body: Uint8Array): MechanismStep {
    const command = decodeCommand(body);
    if (command instanceof WireError) return { error: command };
    if (command.type === "error") return { error: peerRefused(command.reason) };
    if (command.type !== "ready" || this.#done) {
      const name = command.type === "other" ? command.name : command.type.toUpperCase();
      return {
        error: new WireError(
          "EPROTO",
          "unexpected-command",
          `unexpected ${name} during NULL handshake`,
          {
            protocolError: ProtocolError.ZMTP_UNEXPECTED_COMMAND,
          },
        ),
      };
    }
    this.#done = true;
    return { done: { metadata: command.metadata, ...zapResult(this.#reply) } };
  }
}
