import {
  type Command,
  type PeerInfo,
  type WireError,
  ZmtpConnection,
  type ZmtpConnectionHandler,
  type ZmtpConnectionOptions,
} from "@zmq/wire";

export class Recorder implements ZmtpConnectionHandler {
  peer: PeerInfo | undefined;
  messages: Uint8Array[][] = [];
  commands: Command[] = [];
  errors: WireError[] = [];
  handshake(peer: PeerInfo): void {
    this.peer = peer;
  }
  message(frames: Uint8Array[]): boolean {
    this.messages.push(frames.map((f) => f.slice()));
    return true;
  }
  command(command: Command): void {
    this.commands.push(command);
  }
  error(error: WireError): void {
    this.errors.push(error);
  }
}

export interface Side {
  conn: ZmtpConnection;
  events: Recorder;
  /** Every chunk written, in order (index 0 is the greeting). */
  wire: Uint8Array[];
}

export function side(options: ZmtpConnectionOptions): Side {
  const events = new Recorder();
  return { conn: new ZmtpConnection(events, options), events, wire: [] };
}

export function pump(a: Side, b: Side): void {
  for (let i = 0; i < 100; i++) {
    let moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!from.conn.hasOutput) continue;
      for (const chunk of from.conn.takeOutput()) {
        from.wire.push(chunk);
        to.conn.receive(chunk, 1);
      }
      moved = true;
    }
    if (!moved) return;
  }
}

export async function settle(a: Side, b: Side): Promise<void> {
  for (let i = 0; i < 20; i++) {
    pump(a, b);
    await new Promise((resolve) => setImmediate(resolve));
    if (!a.conn.hasOutput && !b.conn.hasOutput) return;
  }
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
