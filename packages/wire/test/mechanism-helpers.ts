import type { Command } from "../src/command";
import {
  type PeerInfo,
  ZmtpConnection,
  type ZmtpConnectionHandler,
  type ZmtpConnectionOptions,
} from "../src/connection";
import type { WireError } from "../src/errors";

/**
 * The sans-I/O pair pump shared by the tests of @zmq/wire and @zmq/curve: two
 * connections joined by hand, each recording what it emits.
 */

/** Records every event a connection emits, including `wake`. */
export class Recorder implements ZmtpConnectionHandler {
  peer: PeerInfo | undefined;
  messages: Uint8Array[][] = [];
  commands: Command[] = [];
  errors: WireError[] = [];
  wakes = 0;
  /** `copy`: keep copies of the received frames rather than the frames themselves. */
  constructor(readonly copy = false) {}
  handshake(peer: PeerInfo): void {
    this.peer = peer;
  }
  message(frames: Uint8Array[]): boolean {
    this.messages.push(this.copy ? frames.map((f) => f.slice()) : frames);
    return true;
  }
  command(command: Command): void {
    this.commands.push(command);
  }
  error(error: WireError): void {
    this.errors.push(error);
  }
  wake(): void {
    this.wakes++;
  }
}

export interface Side {
  conn: ZmtpConnection;
  events: Recorder;
  /** Every byte this side wrote, in order. */
  wire: Uint8Array[];
}

/** A connection with its recorder; `copy` makes the recorder keep copies of received frames. */
export function side(options: ZmtpConnectionOptions, copy = false): Side {
  const events = new Recorder(copy);
  return { conn: new ZmtpConnection(events, options), events, wire: [] };
}

/** Moves output between two connections until neither has any (sync only). */
export function pump(a: Side, b: Side, now = 1): void {
  for (let i = 0; i < 100; i++) {
    let moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!from.conn.hasOutput) continue;
      for (const chunk of from.conn.takeOutput()) {
        from.wire.push(chunk);
        to.conn.receive(chunk, now);
      }
      moved = true;
    }
    if (!moved) return;
  }
}

/** Pumps, lets pending promises settle, pumps again, until quiet. */
export async function settle(a: Side, b: Side): Promise<void> {
  for (let i = 0; i < 20; i++) {
    pump(a, b);
    await new Promise((resolve) => setImmediate(resolve));
    if (!a.conn.hasOutput && !b.conn.hasOutput) return;
  }
}

export function connect(client: ZmtpConnectionOptions, server: ZmtpConnectionOptions) {
  const c = side(client);
  const s = side(server);
  c.conn.start(0);
  s.conn.start(0);
  return { c, s };
}

export const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
export const join = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));
