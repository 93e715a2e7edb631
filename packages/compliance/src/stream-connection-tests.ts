import { type StreamConnection, TransportError } from "@zmq/transport";
import { describe, expect, it } from "vitest";
import { patternBytes, seededRandom, splitAtRandom } from "./random-bytes";
import { StreamRecorder } from "./stream-recorder";
import { delay, type SuiteContext } from "./suite-context";

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes `chunks` honouring backpressure: groups of up to `group`, waiting for drain on `false`. */
async function writeAll(
  connection: StreamConnection,
  recorder: StreamRecorder,
  chunks: readonly Uint8Array[],
  group = 1,
): Promise<void> {
  for (let i = 0; i < chunks.length; i += group) {
    const drains = recorder.drains;
    if (!connection.write(chunks.slice(i, i + group))) {
      await recorder.until((r) => r.drains > drains || r.closes > 0, "drain");
    }
  }
}

/** The stream connection sub-suite (tcp, ipc): bytes in order under any split, backpressure, half-close, close. */
export function streamConnectionTests(ctx: SuiteContext): void {
  describe("stream connections", () => {
    it("carries bytes both ways; a vectored write arrives joined and in order", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      expect(client.write([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])])).toBe(
        true,
      );
      expect(server.write([new Uint8Array([9, 8, 7, 6])])).toBe(true);
      await atServer.untilBytes(3);
      await atClient.untilBytes(4);
      expect([...atServer.bytes()]).toEqual([1, 2, 3]);
      expect([...atClient.bytes()]).toEqual([9, 8, 7, 6]);
      expect(typeof server.remoteAddress).toBe("string");
      expect(server.remoteAddress.length).toBeGreaterThan(0);
    });

    it("passes received chunks through as Uint8Array views", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      server.setHandler(atServer);
      client.write([new Uint8Array([5])]);
      await atServer.untilBytes(1);
      expect(atServer.chunks[0]).toBeInstanceOf(Uint8Array);
    });

    it("holds incoming data until a handler is set", async () => {
      const { client, server } = await ctx.streamPair();
      client.write([patternBytes(1000, 3)]);
      await delay(30);
      const atServer = new StreamRecorder();
      server.setHandler(atServer);
      await atServer.untilBytes(1000);
      expect(equalBytes(atServer.bytes(), patternBytes(1000, 3))).toBe(true);
    });

    it("carries data far larger than any buffer, both ways at once, honouring backpressure", async () => {
      const size = 16 * 1024 * 1024;
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      const up = patternBytes(size, 11);
      const down = patternBytes(size, 12);
      const piece = 256 * 1024;
      const pieces = (data: Uint8Array) =>
        Array.from({ length: data.length / piece }, (_, i) =>
          data.subarray(i * piece, (i + 1) * piece),
        );
      await Promise.all([
        writeAll(client, atClient, pieces(up), 4),
        writeAll(server, atServer, pieces(down), 1),
        atServer.untilBytes(size),
        atClient.untilBytes(size),
      ]);
      expect(atClient.drains + atServer.drains, "backpressure was never applied").toBeGreaterThan(
        0,
      );
      expect(equalBytes(atServer.bytes(), up)).toBe(true);
      expect(equalBytes(atClient.bytes(), down)).toBe(true);
    });

    it("delivers data split at arbitrary points exactly once and in order", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        const data = patternBytes(200_000 + seed * 7919, seed + 100);
        const chunks = splitAtRandom(data, random, seed === 1 ? 3 : 5000);
        const before = atServer.length;
        // Random vector sizes too: 1..8 chunks per write.
        for (let i = 0; i < chunks.length; ) {
          const n = 1 + Math.floor(random() * 8);
          const drains = atClient.drains;
          if (!client.write(chunks.slice(i, i + n))) {
            await atClient.until((r) => r.drains > drains, "drain");
          }
          i += n;
        }
        await atServer.untilBytes(before + data.length);
        expect(equalBytes(atServer.bytes().subarray(before), data), `seed ${seed}`).toBe(true);
      }
    });

    it("pause() stops delivery and resume() restarts it", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      server.setHandler(atServer);
      server.pause();
      client.write([patternBytes(4096, 5)]);
      await delay(50);
      expect(atServer.length).toBe(0);
      server.resume();
      await atServer.untilBytes(4096);
    });

    it("pause() before a handler is set keeps the stream paused", async () => {
      const { client, server } = await ctx.streamPair();
      server.pause();
      const atServer = new StreamRecorder();
      server.setHandler(atServer);
      client.write([new Uint8Array(100)]);
      await delay(50);
      expect(atServer.length).toBe(0);
      server.resume();
      await atServer.untilBytes(100);
    });

    it("reports a peer's half-close as end(); the other direction keeps working", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      client.write([new Uint8Array([1])]);
      client.end();
      await atServer.untilEnd();
      expect(atServer.length).toBe(1);
      expect(atServer.closes).toBe(0);
      expect(client.write([new Uint8Array([2])])).toBe(false);
      expect(server.write([new Uint8Array([7, 7])])).toBe(true);
      await atClient.untilBytes(2);
      server.end();
      await atClient.untilEnd();
      await Promise.all([atServer.untilClose(), atClient.untilClose()]);
      for (const r of [atServer, atClient]) {
        expect(r.closes).toBe(1);
        expect(r.closeError).toBeUndefined();
        expect(r.events.at(-1)).toBe("close");
        expect(r.events.filter((e) => e === "end")).toHaveLength(1);
      }
    });

    it("reports a peer's close: end(), then close() once the local side ends", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      client.destroy();
      await atClient.untilClose();
      expect(atClient.closeError).toBeUndefined();
      await atServer.untilEnd();
      server.end();
      await atServer.untilClose();
      expect(atServer.closes).toBe(1);
      expect(atServer.events).toEqual(["end", "close"]);
    });

    it("destroy(error) reports that error to the local handler, once and last", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      const error = new TransportError("ECONNRESET", "test reset", client.remoteEndpoint);
      client.destroy(error);
      client.destroy();
      await atClient.untilClose();
      expect(atClient.closeError).toBe(error);
      await atServer.until((r) => r.ends > 0 || r.closes > 0, "end or close");
      server.destroy();
      await atServer.untilClose();
      await delay(10);
      expect(atClient.closes).toBe(1);
      expect(atServer.closes).toBe(1);
      expect(client.write([new Uint8Array([1])])).toBe(false);
    });

    it("reports close to a handler set after the connection closed", async () => {
      const { client, server } = await ctx.streamPair();
      const atClient = new StreamRecorder();
      client.setHandler(atClient);
      server.destroy();
      await atClient.untilEnd();
      client.end();
      await atClient.untilClose();
      await delay(10);
      const late = new StreamRecorder();
      server.setHandler(late);
      await late.untilClose();
      expect(late.closes).toBe(1);
    });

    it("a write to a peer that is gone ends in close(error), not a throw", async () => {
      const { client, server } = await ctx.streamPair();
      const atServer = new StreamRecorder();
      const atClient = new StreamRecorder();
      server.setHandler(atServer);
      client.setHandler(atClient);
      server.destroy();
      await atClient.untilEnd();
      // The peer is fully closed; keep writing until the OS reports it.
      const data = new Uint8Array(64 * 1024);
      for (let i = 0; i < 200 && atClient.closes === 0; i++) {
        client.write([data]);
        await delay(2);
      }
      await atClient.untilClose();
      expect(atClient.closes).toBe(1);
      expect(["EPIPE", "ECONNRESET"]).toContain(atClient.closeError?.code);
    });
  });
}
