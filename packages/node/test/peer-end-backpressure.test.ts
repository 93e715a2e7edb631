import type { Pipe } from "@zmq/patterns";
import { coreOf } from "@zmq/socket";
import { expect, it } from "vitest";
import { Pull, Push } from "../src/index";
import { bindAny, delay, testProtos, track, within } from "./helpers";

testProtos("tcp", "ipc")("a peer that closes while we are under backpressure", (proto) => {
  // Its FIN can arrive while frames still wait in our paused decoder; they must
  // all be delivered before the disconnect (found by a two-process 16 B
  // benchmark whose end marker never arrived).
  it("delivers everything the peer sent before it closed", async () => {
    const [pull] = track(new Pull({ receiveHighWaterMark: 5 }));
    const address = await bindAny(pull, proto);
    const push = new Push();
    push.connect(address);
    // Small enough to arrive as one chunk with the FIN right behind it: the
    // decoder pauses inside that chunk and Node then reports the end at once.
    const count = 100;
    const body = Buffer.alloc(100, 7);
    for (let i = 0; i < count; i++) await push.send(body);
    await push.send("end");
    push.close();
    await delay(300); // the pusher flushes and closes while nobody reads here
    let received = 0;
    for (;;) {
      const [frame] = await within(pull.receive(), 5000, `message ${received + 1}`);
      if (frame!.toString() === "end") break;
      received++;
    }
    expect(received).toBe(count);
  });
});

testProtos("tcp", "ipc")("a receiver with no HWM and an application behind", (proto) => {
  // Decoding stops at a backlog of 1000 messages (their objects are what a
  // garbage collector carries), but the bytes must all still come off the
  // connection, as libzmq's RCVHWM 0 takes them: the sender never waits.
  it("takes everything off the connection while decoding waits, then delivers it all in order", async () => {
    const [pull] = track(new Pull({ receiveHighWaterMark: 0 }));
    const address = await bindAny(pull, proto);
    const [push] = track(new Push({ sendHighWaterMark: 10 }));
    push.connect(address);
    // 24 MB: far more than the kernel's socket buffers hold, so a receiver that
    // stopped reading would block these sends at the sender's HWM of 10.
    const count = 24_000;
    const bodyOf = (i: number) => Buffer.alloc(1000, i & 255).fill(i % 7, 0, 4);
    await within(
      (async () => {
        for (let i = 0; i < count; i++) await push.send([String(i), bodyOf(i)]);
      })(),
      20_000,
      "sends while nobody reads",
    );
    // ... while no more than a backlog's worth waits decoded (the rest as bytes).
    await delay(100);
    const pipes = [...(coreOf(pull).ps as unknown as { pipes: Set<Pipe> }).pipes];
    expect(pipes.length).toBe(1);
    expect(pipes[0]!.inboundSize).toBeGreaterThanOrEqual(1000);
    expect(pipes[0]!.inboundSize).toBeLessThanOrEqual(1001);
    for (let i = 0; i < count; i++) {
      const [index, body] = await within(pull.receive(), 5000, `message ${i}`);
      expect(index!.toString()).toBe(String(i));
      expect(body!.equals(bodyOf(i))).toBe(true);
    }
  }, 60_000);

  it("delivers a backlog the peer left behind when it closed", async () => {
    const [pull] = track(new Pull({ receiveHighWaterMark: 0 }));
    const address = await bindAny(pull, proto);
    const push = new Push();
    push.connect(address);
    const count = 5000;
    for (let i = 0; i < count; i++) await push.send(String(i));
    await push.send("end");
    push.close();
    await delay(300); // the pusher flushes and closes while nobody reads here
    for (let i = 0; i < count; i++) {
      const [frame] = await within(pull.receive(), 5000, `message ${i}`);
      expect(frame!.toString()).toBe(String(i));
    }
    const [end] = await within(pull.receive(), 5000, "end");
    expect(end!.toString()).toBe("end");
  });
});
