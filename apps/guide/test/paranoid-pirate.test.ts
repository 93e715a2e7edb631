import { describe, expect, it } from "vitest";
import { startPython } from "../src/lib/processes";
import { runLazyClient } from "../src/pirate/lazy-client";
import { paranoidPirateDemo } from "../src/pirate/paranoid-main";
import { type QueueOptions, runParanoidQueue } from "../src/pirate/paranoid-queue";
import { type PpWorkerOptions, runParanoidWorker } from "../src/pirate/paranoid-worker";
import { freePort } from "./ports";
import { requirePython } from "./python";

const pyzmq = requirePython("zmq");
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const HEARTBEAT = 100;

/** Resolves when `pattern` is first matched by a string `source` reports (checked on each call). */
function watch() {
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  const seen: string[] = [];
  return {
    seen,
    note(s: string) {
      seen.push(s);
      for (const w of [...waiters]) {
        if (w.test(s)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    until(test: (s: string) => boolean) {
      if (seen.some(test)) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ test, resolve }));
    },
  };
}

/** Our queue in this process; `events` records "ready w1.0" / "expired w1.0". */
async function ourQueue(options: Partial<QueueOptions> = {}) {
  const controller = new AbortController();
  const events = watch();
  let bound!: (endpoints: [string, string]) => void;
  const endpoints = new Promise<[string, string]>((resolve) => {
    bound = resolve;
  });
  const done = runParanoidQueue({
    frontend: "tcp://127.0.0.1:*",
    backend: "tcp://127.0.0.1:*",
    heartbeatInterval: HEARTBEAT,
    liveness: 3,
    ...options,
    signal: controller.signal,
    onBound: (frontend, backend) => bound([frontend, backend]),
    onWorker: (change, worker) => events.note(`${change} ${worker}`),
  });
  const [frontend, backend] = await endpoints;
  return {
    frontend,
    backend,
    events,
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

/** Our worker in this process, heartbeating fast. */
function ourWorker(options: Omit<PpWorkerOptions, "signal">) {
  const controller = new AbortController();
  const done = runParanoidWorker({
    heartbeatInterval: HEARTBEAT,
    liveness: 3,
    reconnectMin: 100,
    reconnectMax: 400,
    ...options,
    signal: controller.signal,
  });
  return {
    done,
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

describe("reliable request-reply: the Paranoid Pirate", () => {
  it("our queue routes around our crashing worker and forgets a silent one", async () => {
    const queue = await ourQueue();
    // w1 crashes on its third request; w2 is healthy; w3 is stopped while idle.
    const w1 = ourWorker({ connect: queue.backend, name: "w1", calm: 2, crashRate: 1 });
    const w2 = ourWorker({ connect: queue.backend, name: "w2" });
    const w3 = ourWorker({ connect: queue.backend, name: "w3" });
    await queue.events.until((e) => e === "ready w3.0");
    await w3.stop();
    // Silent for three heartbeats, w3 is forgotten before it gets any request.
    await queue.events.until((e) => e === "expired w3.0");
    const run = await runLazyClient({
      connect: queue.frontend,
      requests: 12,
      timeout: 400,
      retries: 5,
    });
    const [r1, r2] = await Promise.all([w1.done, w2.stop()]);
    const stats = await queue.stop();

    expect(run.abandoned).toBe(false);
    expect(run.replies).toEqual(range(12));
    expect(r1).toMatchObject({ crashed: true, served: 2 });
    expect(r2.served).toBeGreaterThanOrEqual(12 - 2 - 1);
    // The request w1 took down with it was sent again.
    expect(run.resent).toBeGreaterThanOrEqual(1);
    // w3 went quiet: the queue forgot it within a few heartbeats.
    expect(stats.expired).toContain("w3.0");
    expect(stats.replied).toBe(r1.served + r2.served);
  });

  it("our worker notices a dead queue by its heartbeats and comes back when the queue does", async () => {
    const [front, back] = [await freePort(), await freePort()];
    const endpoints = { frontend: `tcp://127.0.0.1:${front}`, backend: `tcp://127.0.0.1:${back}` };
    const first = await ourQueue(endpoints);
    let reconnects = 0;
    let reconnect!: () => void;
    const reconnected = new Promise<void>((resolve) => {
      reconnect = resolve;
    });
    const worker = ourWorker({
      connect: first.backend,
      name: "w",
      onReconnect: (n) => {
        reconnects = n;
        reconnect();
      },
    });
    await first.events.until((e) => e === "ready w.0");
    await first.stop();
    await reconnected;
    const second = await ourQueue(endpoints);
    await second.events.until((e) => e.startsWith("ready w."));
    const run = await runLazyClient({
      connect: second.frontend,
      requests: 3,
      timeout: 1000,
      retries: 3,
    });
    await worker.stop();
    await second.stop();
    expect(run.replies).toEqual([1, 2, 3]);
    expect(reconnects).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!pyzmq)(
    "pyzmq workers serve through our queue; a killed one is forgotten",
    async () => {
      const queue = await ourQueue();
      const args = (name: string) => [
        "--connect",
        queue.backend,
        "--name",
        name,
        "--heartbeat",
        String(HEARTBEAT),
      ];
      const p1 = startPython("p1", "paranoid_worker.py", args("p1"));
      const p2 = startPython("p2", "paranoid_worker.py", args("p2"));
      await queue.events.until((e) => e === "ready p1.0");
      await queue.events.until((e) => e === "ready p2.0");
      const first = await runLazyClient({
        connect: queue.frontend,
        requests: 6,
        timeout: 3000,
        retries: 3,
      });
      p1.stop("SIGKILL");
      await queue.events.until((e) => e === "expired p1.0");
      const second = await runLazyClient({
        connect: queue.frontend,
        requests: 6,
        timeout: 3000,
        retries: 3,
      });
      p2.stop();
      expect(await p2.exited).toBe(0);
      const stats = await queue.stop();
      expect(first.replies).toEqual(range(6));
      expect(second.replies).toEqual(range(6));
      // After p1 was forgotten, nothing was lost: no resends.
      expect(second.resent).toBe(0);
      expect(p2.output()).toMatch(/stopped after \d+ replies/);
      expect(stats.expired).toContain("p1.0");
    },
  );

  it.skipIf(!pyzmq)(
    "our workers (one crashing) serve a pyzmq queue and a pyzmq client",
    async () => {
      const queue = startPython(
        "queue",
        "paranoid_queue.py",
        [
          ["--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*"],
          ["--heartbeat", String(HEARTBEAT)],
        ].flat(),
      );
      try {
        const [, frontend, backend] = await queue.waitFor(/clients on (\S+), workers on (\S+)/);
        const w1 = ourWorker({ connect: backend!, name: "w1", calm: 2, crashRate: 1 });
        const w2 = ourWorker({ connect: backend!, name: "w2" });
        const client = startPython(
          "client",
          "lazy_client.py",
          [
            ["--connect", frontend!, "--requests", "10", "--timeout", "400", "--retries", "5"],
          ].flat(),
        );
        expect(await client.exited).toBe(0);
        const [r1, r2] = await Promise.all([w1.done, w2.stop()]);
        expect(client.output()).toMatch(/10 replies, [1-9]\d* resent/);
        expect(r1).toMatchObject({ crashed: true, served: 2 });
        expect(r2.served).toBeGreaterThanOrEqual(10 - 2);
      } finally {
        queue.stop();
      }
      expect(await queue.exited).toBe(0);
      expect(queue.output()).toMatch(/stopped after \d+ requests, \d+ replies/);
    },
  );

  it.skipIf(!pyzmq)(
    "the demo runs queue, workers (one pyzmq) and client as processes",
    async () => {
      const { queue, workers, client } = await paranoidPirateDemo({
        frontend: `tcp://127.0.0.1:${await freePort()}`,
        backend: `tcp://127.0.0.1:${await freePort()}`,
        workers: 2,
        requests: 6,
        heartbeat: 200,
        timeout: 1000,
        retries: 5,
        calm: 2,
        crashRate: 0,
        stallRate: 0,
        stallMs: 0,
        seed: 1,
        pythonWorker: true,
        echo: false,
      });
      expect(client.output()).toMatch(/lazy client: 6 replies, 0 resent/);
      const [w1, w2] = workers.map((w) => w.processes()[0]!);
      expect(w1!.name).toBe("worker w1 (pyzmq)");
      expect(w1!.output()).toMatch(/worker w1 \(pyzmq\): ready/);
      expect(w2!.output()).toMatch(/worker w2: ready/);
      const replies = [w1!, w2!].map((w) => (w.output().match(/normal reply to/g) ?? []).length);
      expect(replies[0]! + replies[1]!).toBe(6);
      expect(queue.output()).toMatch(/queue: stopped after 6 requests, 6 replies/);
    },
  );
});
