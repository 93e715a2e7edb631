/**
 * Jupyter messaging protocol v5.3 on ZeroMQ: how a message becomes frames and
 * back. On the wire a message is
 *
 *   [routing ids / topic ..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
 *
 * with the four dicts as UTF-8 JSON, and the signature the hex HMAC (here
 * SHA-256, with the connection file's key) of those four frames in order. A
 * message whose signature does not match is not from someone holding the key,
 * and is dropped.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  /** Frames before the delimiter: routing ids, or the IOPub topic. */
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Thrown (and counted by the client) for frames that are not a valid, signed message. */
export class InvalidMessageError extends Error {
  override readonly name = "InvalidMessageError";
}

export class Signer {
  readonly #key: Buffer;

  constructor(key: string) {
    this.#key = Buffer.from(key, "utf8");
  }

  /** The hex HMAC-SHA256 of the four JSON frames. An empty key means "unsigned" (""). */
  sign(frames: readonly Buffer[]): string {
    if (this.#key.length === 0) return "";
    const hmac = createHmac("sha256", this.#key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    const expected = Buffer.from(this.sign(frames), "utf8");
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

export function newHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    session,
    username: "zmq-ts",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Frames for `message` (identities first), signed with `signer`. */
export function serialize(
  signer: Signer,
  message: Omit<JupyterMessage<unknown>, "identities" | "buffers"> &
    Partial<Pick<JupyterMessage, "identities" | "buffers">>,
): Buffer[] {
  const json = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [
    ...(message.identities ?? []),
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(json)),
    ...json,
    ...(message.buffers ?? []),
  ];
}

/** Parses and checks frames; throws InvalidMessageError for a bad signature or shape. */
export function deserialize<C = Record<string, unknown>>(
  signer: Signer,
  frames: readonly Buffer[],
): JupyterMessage<C> {
  const at = frames.findIndex((frame) => frame.length === 9 && frame.toString() === DELIMITER);
  if (at < 0) throw new InvalidMessageError("no <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new InvalidMessageError("too few frames after the delimiter");
  const signature = frames[at + 1]!;
  const json = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, json)) throw new InvalidMessageError("invalid signature");
  const [header, parent, metadata, content] = json.map((frame) => {
    try {
      return JSON.parse(frame.toString("utf8"));
    } catch {
      throw new InvalidMessageError("a message part is not JSON");
    }
  });
  return {
    identities: frames.slice(0, at),
    header,
    parent_header: parent,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}
