import { createPipePair, createSocket } from "@zmq/patterns";
import { afterEach, describe, expect, it } from "vitest";
import {
  bridgePipe,
  createRegistryRoot,
  linkHighWaterMarks,
  type ThreadLink,
  ThreadRegistry,
} from "../src/index";
import { bytes, text } from "./fixtures/helpers";

// The seam the socket layer uses: @zmq/patterns sockets over a pipe pair whose
// peer end is bridged to a ThreadLink (here both links in this thread).
let registry: ThreadRegistry;
afterEach(() => registry?.close());

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

async function join(
  sender: { snd: number; rcv: number },
  receiver: { snd: number; rcv: number },
  socketTypes: [string, string],
) {
  registry = new ThreadRegistry({ root: createRegistryRoot(), thread: 0 });
  const a = createSocket(socketTypes[0] as "PUSH");
  const b = createSocket(socketTypes[1] as "PULL");
  const [aEnd, aBridge] = createPipePair({ sendHighWaterMark: 1, receiveHighWaterMark: 1 });
  const [bEnd, bBridge] = createPipePair({ sendHighWaterMark: 1, receiveHighWaterMark: 1 });
  let bound: ThreadLink | undefined;
  registry.bind(
    "seam",
    (link) => {
      bound = link;
      bridgePipe(bBridge, link);
      b.attachPipe(bEnd);
    },
    linkHighWaterMarks(receiver.snd, receiver.rcv),
  );
  const link = registry.connect("seam", linkHighWaterMarks(sender.snd, sender.rcv));
  bridgePipe(aBridge, link);
  a.attachPipe(aEnd);
  await settle();
  return { a, b, link, bound: bound! };
}

describe("bridgePipe", () => {
  it("PUSH → PULL across the link: whole multipart messages in order", async () => {
    const { a, b } = await join({ snd: 1000, rcv: 1000 }, { snd: 1000, rcv: 1000 }, [
      "PUSH",
      "PULL",
    ]);
    for (let i = 0; i < 500; i++) expect(a.send([bytes(`m${i}`), bytes("tail")])).toBe(true);
    const got: string[] = [];
    for (let tries = 0; got.length < 500 && tries < 200; tries++) {
      await settle();
      for (let m = b.receive(); m !== undefined; m = b.receive()) {
        expect(m).toHaveLength(2);
        got.push(text(m[0]));
      }
    }
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
  });

  it("REQ/REP round trips keep their envelopes", async () => {
    const { a, b } = await join({ snd: 10, rcv: 10 }, { snd: 10, rcv: 10 }, ["REQ", "REP"]);
    for (let i = 0; i < 20; i++) {
      expect(a.send([bytes(`q${i}`)])).toBe(true);
      let request: Uint8Array[] | undefined;
      for (let t = 0; request === undefined && t < 200; t++) {
        await settle();
        request = b.receive();
      }
      expect(text(request![0])).toBe(`q${i}`);
      b.send([bytes(`r${i}`)]);
      let reply: Uint8Array[] | undefined;
      for (let t = 0; reply === undefined && t < 200; t++) {
        await settle();
        reply = a.receive();
      }
      expect(text(reply![0])).toBe(`r${i}`);
    }
  });

  it("a direction holds the sender's SNDHWM + the receiver's RCVHWM, exactly (5 + 3 = 8)", async () => {
    const { a } = await join({ snd: 5, rcv: 1000 }, { snd: 1000, rcv: 3 }, ["PUSH", "PULL"]);
    let accepted = 0;
    // Keep offering until nothing moves any more (the link publishes per microtask).
    for (let round = 0; round < 10; round++) {
      while (a.send([bytes("x")])) accepted++;
      await settle();
    }
    expect(accepted).toBe(8);
  });

  it("the peer's close reaches the socket's pipe after what it sent", async () => {
    const { a, b, bound } = await join({ snd: 100, rcv: 100 }, { snd: 100, rcv: 100 }, [
      "PUSH",
      "PULL",
    ]);
    for (let i = 0; i < 5; i++) a.send([bytes(String(i))]);
    await settle();
    // The PUSH side's link goes; the PULL side still reads all five.
    const got: string[] = [];
    let closed = false;
    bound.setHandler({ ...{}, closed: () => (closed = true) });
    for (let tries = 0; got.length < 5 && tries < 100; tries++) {
      for (let m = b.receive(); m !== undefined; m = b.receive()) got.push(text(m[0]));
      await settle();
    }
    expect(got).toEqual(["0", "1", "2", "3", "4"]);
    expect(closed).toBe(false);
  });
});
