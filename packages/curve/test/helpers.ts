import type { ZmtpConnectionOptions } from "@zmq/wire";
import { type Side, side as wireSide } from "../../wire/test/mechanism-helpers";

export { pump, Recorder, type Side, settle } from "../../wire/test/mechanism-helpers";

/** A connection with its recorder, which keeps copies of the received frames. */
export function side(options: ZmtpConnectionOptions): Side {
  return wireSide(options, true);
}

export const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
export const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
export const join = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

/** Splits a byte stream of ZMTP frames into [flags, body] pairs. */
export function frames(stream: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  let at = 0;
  while (at < stream.length) {
    const flags = stream[at]!;
    let size: number;
    if (flags & 2) {
      size = Number(new DataView(stream.buffer, stream.byteOffset + at + 1, 8).getBigUint64(0));
      at += 9;
    } else {
      size = stream[at + 1]!;
      at += 2;
    }
    out.push([flags, stream.subarray(at, at + size)]);
    at += size;
  }
  return out;
}

/** Encodes one frame. */
export function frame(flags: number, body: Uint8Array): Uint8Array {
  if (body.length > 255) {
    const head = new Uint8Array(9);
    head[0] = flags | 2;
    new DataView(head.buffer).setBigUint64(1, BigInt(body.length));
    return join([head, body]);
  }
  return join([Uint8Array.of(flags, body.length), body]);
}
