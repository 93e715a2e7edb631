/**
 * The NULL mechanism (RFC 37): each side sends READY with its properties as
 * soon as the greeting is exchanged (libzmq does not wait for the peer's READY),
 * and the handshake is done when the peer's READY arrives. An ERROR from the
 * peer ends the handshake.
 */
import { decodeCommand, encodeCommand } from "./command";
import { ProtocolError, WireError } from "./errors";
import type { Mechanism, MechanismContext, MechanismStep } from "./mechanism";

export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly transform = undefined;
  #done = false;

  start(context: MechanismContext): MechanismStep {
    return { send: [encodeCommand("READY", context.metadata)] };
  }

  receive(body: Uint8Array): MechanismStep {
    const command = decodeCommand(body);
    if (command instanceof WireError) return { error: command };
    if (command.type === "error") {
      return {
        error: new WireError(
          "EPROTO",
          "peer-error",
          `peer refused the handshake: ${command.reason}`,
        ),
      };
    }
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
    return { done: { metadata: command.metadata } };
  }
}
