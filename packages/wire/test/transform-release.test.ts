/**
 * `ZmtpConnection.written`: how a frame transform that reuses the memory of
 * frames it encoded (CURVE's sealed MESSAGE frames) hears that the chunks it
 * handed out were written.
 */
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../src/bytes";
import { encodeCommand } from "../src/command";
import { FrameFlags } from "../src/frame";
import { FrameDecoder } from "../src/frame-decoder";
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

/** Carries the plain flags in a first body byte; can write its output in place. */
class InPlace implements FrameTransform {
  into = 0;
  encoded = 0;
  encodedLength(length: number): number {
    return length + 1;
  }
  encodeInto(body: Uint8Array, flags: number, target: Uint8Array): void {
    this.into++;
    expect(target.length).toBe(body.length + 1);
    target[0] = flags;
    target.set(body, 1);
  }
  encode(body: Uint8Array, flags: number): TransformedFrame {
    this.encoded++;
    const out = new Uint8Array(body.length + 1);
    out[0] = flags;
    out.set(body, 1);
    return { body: out, flags: 0 };
  }
  decode(body: Uint8Array): TransformedFrame {
    return { body: body.subarray(1), flags: body[0]! };
  }
}

describe("FrameTransform.encodeInto", () => {
  it("seals frames the encoder would copy straight into its slab, larger ones through encode", () => {
    const transform = new InPlace();
    const s = ready(new WithTransform(transform));
    s.conn.takeOutput(); // the handshake's READY
    // 16,383 encoded bytes stay under the 16 KiB copy threshold; 16,384 do not.
    const sizes = [0, 1, 254, 255, 16_382, 16_383, 40_000, 7];
    s.conn.send(sizes.map((n) => new Uint8Array(n).fill(n & 0xff)));
    s.conn.sendCommand(encodeCommand("PING", Uint8Array.of(0, 0)));
    expect(transform.into).toBe(sizes.length - 2 + 1);
    expect(transform.encoded).toBe(2);
    // The bytes on the wire: every frame a plain one (flags 00 / 02) carrying flags ‖ body.
    const receiver = new InPlace();
    const got: [number, Uint8Array][] = [];
    const decoder = new FrameDecoder((body, flags) => {
      got.push([flags, body.slice()]);
    });
    decoder.push(join(s.conn.takeOutput()));
    expect(got.map(([flags]) => flags)).toEqual(new Array(sizes.length + 1).fill(0));
    const plain = got.map(([, body]) => receiver.decode(body));
    expect(plain.map((f) => f.flags)).toEqual([
      ...new Array(sizes.length - 1).fill(FrameFlags.MORE),
      0,
      FrameFlags.COMMAND,
    ]);
    expect(plain.slice(0, -1).map((f) => f.body.length)).toEqual(sizes);
    sizes.forEach((n, i) => {
      expect(plain[i]!.body.every((b) => b === (n & 0xff))).toBe(true);
    });
  });
});

describe("FrameTransform.encodeInto failing", () => {
  it("leaves zeros, not stale slab bytes, in the frame it had reserved, and the error reaches the caller", () => {
    class Failing extends InPlace {
      override encodeInto(body: Uint8Array, flags: number, target: Uint8Array): void {
        target.fill(0x5a); // half-written
        if (body.length === 3) throw new RangeError("out of memory");
        super.encodeInto(body, flags, target);
      }
    }
    const s = ready(new WithTransform(new Failing()));
    s.conn.takeOutput(); // the handshake's READY
    expect(() => s.conn.send([new Uint8Array(3).fill(9)])).toThrow(RangeError);
    const got: Uint8Array[] = [];
    new FrameDecoder((body) => {
      got.push(body.slice());
    }).push(join(s.conn.takeOutput()));
    expect(got.map((b) => [...b])).toEqual([[0, 0, 0, 0]]);
  });
});

/** Copies every frame it is told is reused (as CURVE opens into new memory), once `copyOut` is called. */
class Copying implements FrameTransform {
  copying = false;
  marks: boolean[] = [];
  encode(body: Uint8Array, flags: number): TransformedFrame {
    return { body, flags };
  }
  decode(body: Uint8Array, flags: number, reused?: boolean): TransformedFrame {
    this.marks.push(reused === true);
    return { body: reused === true ? body.slice() : body, flags };
  }
  copyOut(): void {
    this.copying = true;
  }
}

describe("ZmtpConnection.readReuse", () => {
  it("is 0 before the handshake ends, and for a mechanism without a copying transform", () => {
    const s = side({ socketType: "DEALER" });
    expect(s.conn.readReuse()).toBe(0);
    expect(ready().conn.readReuse()).toBe(0);
    expect(ready(new WithTransform(new Recycling())).conn.readReuse()).toBe(0);
  });

  it("switches a copying transform and the decoder on first asking; 1 while input is held, else 2", () => {
    const transform = new Copying();
    const s = ready(new WithTransform(transform));
    const frame = (n: number, fill: number) => {
      const header = new Uint8Array(9);
      header[0] = 2;
      new DataView(header.buffer).setBigUint64(1, BigInt(n));
      return join([header, new Uint8Array(n).fill(fill)]);
    };
    // Before anyone asks, frames are not marked reused.
    s.conn.receive(frame(5_000, 1), 2);
    expect(transform.copying).toBe(false);
    expect(s.conn.readReuse()).toBe(2);
    expect(transform.copying).toBe(true);
    const wire = frame(20_000, 2);
    s.conn.receive(wire.subarray(0, 100), 3); // under 1/64 of the body: held
    expect(s.conn.readReuse()).toBe(1);
    s.conn.receive(wire.subarray(100), 3);
    expect(s.conn.readReuse()).toBe(2);
    // A frame too large for the decoder's reused buffer: in memory of its own, not marked.
    const large = frame(300_000, 3);
    s.conn.receive(large.subarray(0, 100_000), 4);
    s.conn.receive(large.subarray(100_000), 4);
    expect(s.conn.readReuse()).toBe(1);
    s.conn.receive(frame(10, 4), 5);
    expect(s.conn.readReuse()).toBe(2);
    expect(transform.marks).toEqual([false, true, false, true]);
    expect(s.events.messages.map((m) => [m[0]!.length, m[0]![0]])).toEqual([
      [5_000, 1],
      [20_000, 2],
      [300_000, 3],
      [10, 4],
    ]);
    s.conn.close();
    expect(s.conn.readReuse()).toBe(0);
  });
});
