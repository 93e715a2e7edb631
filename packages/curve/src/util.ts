/** Small helpers shared by the CURVE client and server. */
import { type MechanismStep, ProtocolError, WireError } from "@zmq/wire";

export function fail(
  reason: WireError["reason"],
  message: string,
  protocolError: number,
): MechanismStep {
  return { error: new WireError("EPROTO", reason, message, { protocolError }) };
}

export function commandName(body: Uint8Array): string {
  const length = body[0] ?? 0;
  let name = "";
  for (let i = 1; i <= length && i < body.length; i++) name += String.fromCharCode(body[i]!);
  return name || "empty command";
}

export const unexpected = (what: string) =>
  fail(
    "unexpected-command",
    `unexpected ${what} in CURVE handshake`,
    ProtocolError.ZMTP_UNEXPECTED_COMMAND,
  );

export function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
