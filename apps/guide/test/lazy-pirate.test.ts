import { describe, expect, it } from "vitest";
import { sleep } from "../src/lib/cli";
import { startPython } from "../src/lib/processes";
import { runLazyClient } from "../src/pirate/lazy-client";
import { lazyPirateDemo } from "../src/pirate/lazy-main";
import {
  type LazyServerOptions,
  type LazyServerRun,
  runLazyServer,
} from "../src/pirate/lazy-server";
import { supervise } from "../src/pirate/supervisor";
import { freePort } from "./ports";
import { requirePython } from "./python";

const pyzmq = requirePython("zmq");
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Our server in this process, brought back on the same endpoint each time it
 * "crashes" (its socket vanishes without a word), as a supervisor would.
 */
async function ourServerWithRestarts(options: Omit<LazyServerOptions, "bind" | "signal">) {
  const endpoint = `tcp://127.0.0.1:${await freePort()}`;
  const controller = new AbortController();
  const runs: LazyServerRun[] = [];
  let bound!: () => void;
  const ready = new Promise<void>((resolve) => {
    bound = resolve;
  });
  const loop = (async () => {
    for (let n = 0; !controller.signal.aborted; n++) {
      const run = await runLazyServer({
        ...options,
        seed: (options.seed ?? 1) + n,
        bind: endpoint,
        signal: controller.signal,
        onBound: bound,
      });
      runs.push(run);
      if (run.crashed) await sleep(50);
    }
  })();
  await ready;
  return {
    endpoint,
    runs,
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

describe("reliable request-reply: the Lazy Pirate", () => {
  it("our client gets every reply from our server although it crashes and stalls", async () => {
    const server = await ourServerWithRestarts({
      calm: 2,
      crashRate: 0.25,
      stallRate: 0.25,
      stallMs: 500,
      seed: 3,
    });
    const run = await runLazyClient({
      connect: server.endpoint,
      requests: 12,
      timeout: 250,
      retries: 5,
    });
    await server.stop();
    expect(run.abandoned).toBe(false);
    expect(run.replies).toEqual(range(1, 12));
    const crashes = server.runs.filter((r) => r.crashed).length;
    const stalls = server.runs.reduce((n, r) => n + r.stalls, 0);
    expect(crashes).toBeGreaterThanOrEqual(1);
    expect(stalls).toBeGreaterThanOrEqual(1);
    // Every crash and every stall cost the client at least one resend.
    expect(run.resent).toBeGreaterThanOrEqual(crashes + stalls);
  });

  it("our client gives up after its retries when nobody answers", async () => {
    const began = performance.now();
    const run = await runLazyClient({
      connect: `tcp://127.0.0.1:${await freePort()}`,
      requests: 3,
      timeout: 150,
      retries: 3,
    });
    expect(run).toEqual({ replies: [], resent: 2, abandoned: true });
    expect(performance.now() - began).toBeGreaterThanOrEqual(3 * 150 - 20);
    expect(performance.now() - began).toBeLessThan(20_000);
  });

  it.skipIf(!pyzmq)(
    "our client survives a pyzmq server process that really crashes (restarted) and stalls",
    async () => {
      const endpoint = `tcp://127.0.0.1:${await freePort()}`;
      const server = supervise((n) =>
        startPython(
          "pyzmq server",
          "lazy_server.py",
          [
            ["--bind", endpoint, "--calm", "2", "--crash-rate", "0.3", "--stall-rate", "0.2"],
            ["--stall-ms", "500", "--seed", String(10 + n)],
          ].flat(),
        ),
      );
      const run = await runLazyClient({
        connect: endpoint,
        requests: 10,
        timeout: 300,
        retries: 20, // a restart may take seconds on a loaded machine
      });
      await server.stop();
      expect(run.abandoned).toBe(false);
      expect(run.replies).toEqual(range(1, 10));
      const logs = server
        .processes()
        .map((p) => p.output())
        .join("");
      const crashed = server.processes().filter((p) => p.child.exitCode === 1).length;
      expect(crashed).toBeGreaterThanOrEqual(1);
      expect(server.restarts()).toBe(crashed);
      expect(logs).toMatch(/simulating overload/);
      expect(run.resent).toBeGreaterThanOrEqual(crashed);
    },
  );

  it.skipIf(!pyzmq)(
    "a pyzmq Lazy Pirate client gets every reply from our crashing server",
    async () => {
      const server = await ourServerWithRestarts({
        calm: 2,
        crashRate: 0.25,
        stallRate: 0.25,
        stallMs: 500,
        seed: 5,
      });
      const client = startPython(
        "pyzmq client",
        "lazy_client.py",
        [
          ["--connect", server.endpoint, "--requests", "10", "--timeout", "250", "--retries", "5"],
        ].flat(),
      );
      const code = await client.exited;
      await server.stop();
      expect(code).toBe(0);
      const ok = client.output().match(/server replied OK \((\d+)\)/g) ?? [];
      expect(ok).toEqual(range(1, 10).map((n) => `server replied OK (${n})`));
      const resent = Number(/10 replies, (\d+) resent/.exec(client.output())![1]);
      expect(server.runs.some((r) => r.crashed)).toBe(true);
      expect(resent).toBeGreaterThanOrEqual(1);
    },
  );

  it("the demo supervises a crashing server process; the client process gets every reply", async () => {
    const { client, server } = await lazyPirateDemo({
      bind: `tcp://127.0.0.1:${await freePort()}`,
      // Seed 1: the first server crashes on request 3; the second one answers it.
      requests: 3,
      calm: 1,
      crashRate: 0.5,
      stallRate: 0,
      stallMs: 0,
      seed: 1,
      timeout: 500,
      retries: 40, // a node restart may take seconds on a loaded machine
      pythonServer: false,
      echo: false,
    });
    expect(client.output()).toMatch(/lazy client: 3 replies, [1-9]\d* resent/);
    const [first, second] = server.processes();
    expect(first!.output()).toMatch(/lazy server: simulating a crash on request 3/);
    expect(await first!.exited).toBe(1);
    expect(second!.output()).toMatch(/lazy server: normal request 3/);
    expect(server.restarts()).toBe(1);
  });
});
