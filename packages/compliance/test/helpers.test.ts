import type { Listener, StreamConnection } from "@zmq/transport";
import { TransportError } from "@zmq/transport";
import { describe, expect, it } from "vitest";
import {
  expectTransportError,
  patternBytes,
  ResourceTracker,
  StreamRecorder,
  seededRandom,
  splitAtRandom,
} from "../src/index";

describe("random data helpers", () => {
  it("seededRandom replays the same sequence for a seed", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("patternBytes is deterministic and varied", () => {
    expect(patternBytes(1001, 3)).toEqual(patternBytes(1001, 3));
    expect(patternBytes(64, 3)).not.toEqual(patternBytes(64, 4));
    expect(new Set(patternBytes(4096)).size).toBeGreaterThan(200);
  });

  it("splitAtRandom covers the input exactly, with views", () => {
    const data = patternBytes(10_000, 9);
    const parts = splitAtRandom(data, seededRandom(1), 100);
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(data.length);
    expect(parts.every((p) => p.buffer === data.buffer && p.length <= 100)).toBe(true);
    expect(parts.some((p) => p.length === 0)).toBe(true);
  });
});

describe("recorders", () => {
  it("StreamRecorder records events in order and resolves waits", async () => {
    const r = new StreamRecorder();
    const waiting = r.untilBytes(3);
    r.data(new Uint8Array([1]));
    r.data(new Uint8Array([2, 3]));
    await waiting;
    r.end();
    r.close();
    expect([...r.bytes()]).toEqual([1, 2, 3]);
    expect(r.events).toEqual(["data", "end", "close"]);
    await r.untilClose();
  });

  it("waits time out with a message naming what was awaited", async () => {
    const r = new StreamRecorder();
    await expect(r.until((x) => x.closes > 0, "close", 10)).rejects.toThrow(/close/);
  });
});

describe("ResourceTracker", () => {
  it("closes every tracked connection and listener", async () => {
    const calls: string[] = [];
    const stream = {
      kind: "stream",
      destroy: () => calls.push("destroy"),
    } as unknown as StreamConnection;
    const listener = { close: async () => void calls.push("listener") } as unknown as Listener;
    const track = new ResourceTracker();
    expect(track.connection(stream)).toBe(stream);
    track.listener(listener);
    await track.closeAll();
    expect(calls).toEqual(["destroy", "listener"]);
    await track.closeAll();
    expect(calls).toHaveLength(2);
  });
});

describe("expectTransportError", () => {
  it("returns the error when the code matches", async () => {
    const error = new TransportError("ENOENT", "gone", "ipc:///x");
    await expect(expectTransportError(Promise.reject(error), ["ENOENT"], "ipc:///x")).resolves.toBe(
      error,
    );
  });

  it("fails on a plain Error or a resolved promise", async () => {
    await expect(
      expectTransportError(Promise.reject(new Error("x")), ["EINVAL"]),
    ).rejects.toThrow();
    await expect(expectTransportError(Promise.resolve(1), ["EINVAL"])).rejects.toThrow();
  });
});
