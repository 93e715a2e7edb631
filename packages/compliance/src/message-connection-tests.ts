import { describe, expect, it } from "vitest";
import { MessageRecorder } from "./message-recorder";
import { delay, type SuiteContext } from "./suite-context";

function message(n: number): Uint8Array[] {
  return [new Uint8Array([n & 0xff, (n >> 8) & 0xff, n >> 16]), new Uint8Array(0)];
}

function indexOf(frames: Uint8Array[]): number {
  const f = frames[0]!;
  return f[0]! | (f[1]! << 8) | (f[2]! << 16);
}

/** The message connection sub-suite (inproc): whole messages in order, backpressure, close after the queue. */
export function messageConnectionTests(ctx: SuiteContext): void {
  describe("message connections", () => {
    it("carries whole multipart messages both ways", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      const atClient = new MessageRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      const parts = [new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])];
      client.send(parts);
      server.send([new Uint8Array([9])]);
      await atServer.untilMessages(1);
      await atClient.untilMessages(1);
      expect(atServer.messages[0]!.map((f) => [...f])).toEqual([[1], [], [2, 3]]);
      expect(atClient.messages[0]!.map((f) => [...f])).toEqual([[9]]);
    });

    it("keeps order over many messages", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      server.setHandler(atServer);
      client.setHandler(new MessageRecorder());
      const count = 20_000;
      for (let i = 0; i < count; i++) client.send(message(i));
      await atServer.untilMessages(count);
      expect(atServer.messages.every((m, i) => indexOf(m) === i)).toBe(true);
    });

    it("carries a message larger than any buffer", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      server.setHandler(atServer);
      const big = new Uint8Array(32 * 1024 * 1024);
      big[big.length - 1] = 42;
      client.send([big, new Uint8Array([1])]);
      await atServer.untilMessages(1);
      expect(atServer.messages[0]![0]!.length).toBe(big.length);
      expect(atServer.messages[0]![0]![big.length - 1]).toBe(42);
    });

    it("holds messages until a handler is set", async () => {
      const { client, server } = await ctx.messagePair();
      client.send(message(1));
      client.send(message(2));
      await delay(20);
      const atServer = new MessageRecorder();
      server.setHandler(atServer);
      await atServer.untilMessages(2);
      expect(atServer.messages.map(indexOf)).toEqual([1, 2]);
    });

    it("pause() stops delivery and resume() restarts it", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      server.setHandler(atServer);
      server.pause();
      client.send(message(1));
      await delay(30);
      expect(atServer.messages).toHaveLength(0);
      server.resume();
      await atServer.untilMessages(1);
    });

    it("send() returns false at the peer's high-water mark, and drain follows once it reads", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      const atClient = new MessageRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      server.pause();
      let sent = 0;
      while (client.send(message(sent))) {
        sent++;
        if (sent > 1_000_000) throw new Error("send() never reported backpressure");
      }
      sent++; // the message that returned false is queued too
      expect(atClient.drains).toBe(0);
      server.resume();
      await atClient.until((r) => r.drains > 0, "drain");
      await atServer.untilMessages(sent);
      expect(atServer.messages.map(indexOf)).toEqual(Array.from({ length: sent }, (_, i) => i));
    });

    it("close() delivers what was queued, then close() once on both sides", async () => {
      const { client, server } = await ctx.messagePair();
      const atServer = new MessageRecorder();
      const atClient = new MessageRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      client.send(message(1));
      client.send(message(2));
      client.close();
      client.close();
      expect(client.send(message(3))).toBe(false);
      await Promise.all([atServer.untilClose(), atClient.untilClose()]);
      expect(atServer.messages.map(indexOf)).toEqual([1, 2]);
      expect(atServer.events).toEqual(["message", "close"]);
      expect(server.send(message(4))).toBe(false);
      await delay(10);
      expect(atServer.closes).toBe(1);
      expect(atClient.closes).toBe(1);
      expect(atClient.closeError).toBeUndefined();
    });

    it("reports close to a handler set after the pipe closed", async () => {
      const { client, server } = await ctx.messagePair();
      client.close();
      await delay(10);
      const late = new MessageRecorder();
      server.setHandler(late);
      await late.untilClose();
      expect(late.closes).toBe(1);
    });
  });
}
