/**
 * `ZmtpConnection.written`: how a frame transform that reuses the memory of
 * frames it encoded (CURVE's sealed MESSAGE frames) hears that the chunks it
 * handed out were written.
 */
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../src/bytes";
import { encodeCommand } from "../src/command";
import type {
  FrameTransform,
  Mechanism,
  MechanismContext,
  MechanismStep,
  TransformedFrame,
} from "../src/mechanism";
import { join, side } from "./mechanism-helpers";

/** Passes frames through unchanged and records what it is told was written. */
class Recycling implements FrameTransform {
  released: Uint8Array[][] = [];
  encode(body: Uint8Array, flags: number): TransformedFrame {
    return { body, flags };
  }
  decode(body: Uint8Array, flags: number): TransformedFrame {
    return { body, flags };
  }
  release(chunks: readonly Uint8Array[]): void {
    this.released.push([...chunks]);
  }
}

/** NULL's handshake, with a transform once it is done. */
class WithTransform implements Mechanism {
  readonly name = "NULL";
  transform: FrameTransform | undefined = undefined;
  constructor(readonly after: FrameTransform) {}
  start(context: MechanismContext): MechanismStep {
    return { send: [encodeCommand("READY", context.metadata)] };
  }
  receive(): MechanismStep {
    this.transform = this.after;
    return { done: { metadata: new Map([["Socket-Type", utf8Encode("DEALER")]]) } };
  }
}

const READY_DEALER = encodeCommand(
  "READY",
  join([
    Uint8Array.of(11),
    utf8Encode("Socket-Type"),
    Uint8Array.of(0, 0, 0, 6),
    utf8Encode("DEALER"),
  ]),
);

function ready(mechanism?: Mechanism) {
  const s = side({ socketType: "DEALER", ...(mechanism && { mechanism }) });
  const other = side({ socketType: "DEALER" });
  other.conn.start(0);
  s.conn.start(0);
  s.conn.takeOutput();
  const readyFrame = join([Uint8Array.of(4, READY_DEALER.length), READY_DEALER]);
  s.conn.receive(join([join(other.conn.takeOutput()), readyFrame]), 1);
  expect(s.conn.state).toBe("ready");
  return s;
}

describe("ZmtpConnection.written", () => {
  it("is undefined without a transform (NULL): there is nothing to report", () => {
    const s = ready();
    expect(s.conn.written).toBeUndefined();
  });

  it("passes written chunks to a transform that releases memory, until the connection closes", () => {
    const transform = new Recycling();
    const s = ready(new WithTransform(transform));
    expect(s.conn.written).toBeTypeOf("function");
    const big = new Uint8Array(40_000).fill(7);
    s.conn.send([big]);
    const out = s.conn.takeOutput();
    expect(out).toContain(big); // a large body goes out by reference
    s.conn.written!(out);
    expect(transform.released).toEqual([out]);
    s.conn.close();
    s.conn.written!(out);
    expect(transform.released.length).toBe(1);
  });
});
