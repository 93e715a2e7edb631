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
