import { describe, expect, it } from "vitest";
import { runBroker } from "../src/broker/broker";
import { runClient } from "../src/broker/client";
import { brokerDemo } from "../src/broker/main";
import { runWorker } from "../src/broker/worker";
import { startPython } from "../src/lib/processes";
import { requirePython } from "./python";

const pyzmq = requirePython("zmq");

/** Our broker in this process on free ports. */
async function ourBroker() {
  const controller = new AbortController();
  let bound!: (endpoints: [string, string]) => void;
  const endpoints = new Promise<[string, string]>((resolve) => {
    bound = resolve;
  });
  const done = runBroker({
    frontend: "tcp://127.0.0.1:*",
    backend: "tcp://127.0.0.1:*",
    signal: controller.signal,
    onBound: (frontend, backend) => bound([frontend, backend]),
  });
  const [frontend, backend] = await endpoints;
  return {
    frontend,
    backend,
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

/** Our workers in this process; `stop` resolves with how many requests each served. */
async function ourWorkers(backend: string, names: string[]) {
  const controller = new AbortController();
  const ready: Promise<void>[] = [];
  const served = names.map((name) => {
    let onReady!: () => void;
    ready.push(
      new Promise<void>((resolve) => {
        onReady = resolve;
      }),
    );
    return runWorker({ connect: backend, name, signal: controller.signal, onReady });
  });
  // Requests go to the workers connected when they are sent: wait for all of them.
  await Promise.all(ready);
  return {
    stop: () => {
      controller.abort();
      return Promise.all(served);
    },
  };
}

/** Which worker answered each reply ("World c1 3 w2" → "w2"). */
const workerOf = (reply: string) => reply.split(" ")[3];

describe("request-reply broker (ROUTER/DEALER through Proxy)", () => {
  it("our clients and workers talk through our broker; every reply answers its request", async () => {
    const broker = await ourBroker();
    const workers = await ourWorkers(broker.backend, ["w1", "w2"]);
    const replies = await Promise.all(
      ["c1", "c2", "c3"].map((name) => runClient({ connect: broker.frontend, name, requests: 20 })),
    );
    const served = await workers.stop();
    await broker.stop();
    for (const [i, name] of ["c1", "c2", "c3"].entries()) {
      expect(replies[i]!.map((reply) => reply.split(" ").slice(0, 3).join(" "))).toEqual(
        Array.from({ length: 20 }, (_, n) => `World ${name} ${n + 1}`),
      );
    }
    // DEALER deals requests round-robin over the connected workers: both get work.
    expect(served[0]! + served[1]!).toBe(60);
    expect(Math.min(...served)).toBeGreaterThan(0);
  });

  it.skipIf(!pyzmq)("pyzmq clients and a pyzmq worker talk through our broker", async () => {
    const broker = await ourBroker();
    const worker = startPython(
      "worker",
      "broker_worker.py",
      [["--connect", broker.backend, "--name", "pyw"]].flat(),
    );
    const clients = ["p1", "p2"].map((name) =>
      startPython(
        name,
        "broker_client.py",
        [["--connect", broker.frontend, "--name", name, "--requests", "15"]].flat(),
      ),
    );
    for (const client of clients) expect(await client.exited).toBe(0);
    const replies = clients.flatMap((client) => client.output().match(/^reply .*$/gm) ?? []);
    expect(replies).toHaveLength(30);
    worker.stop();
    expect(await worker.exited).toBe(0);
    await broker.stop();
    expect(worker.output()).toMatch(/served 30 requests/);
    for (const reply of replies) expect(reply).toMatch(/^reply World p[12] \d+ pyw$/);
  });

  it.skipIf(!pyzmq)("our clients and workers talk through a pyzmq broker (zmq.proxy)", async () => {
    const broker = startPython(
      "broker",
      "broker.py",
      [["--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*"]].flat(),
    );
    try {
      const [, frontend, backend] = await broker.waitFor(/clients on (\S+), workers on (\S+)/);
      const workers = await ourWorkers(backend!, ["w1", "w2"]);
      const replies = await Promise.all(
        ["c1", "c2"].map((name) => runClient({ connect: frontend!, name, requests: 15 })),
      );
      const served = await workers.stop();
      expect(replies.flat()).toHaveLength(30);
      expect(served[0]! + served[1]!).toBe(30);
      expect(Math.min(...served)).toBeGreaterThan(0);
      expect(new Set(replies.flat().map(workerOf))).toEqual(new Set(["w1", "w2"]));
    } finally {
      broker.stop();
    }
    expect(await broker.exited).toBe(0);
  });

  it.skipIf(!pyzmq)(
    "the demo runs broker, workers and clients (some pyzmq) as processes",
    async () => {
      const { broker, workers, clients } = await brokerDemo({
        frontend: "tcp://127.0.0.1:*",
        backend: "tcp://127.0.0.1:*",
        clients: 2,
        workers: 2,
        requests: 5,
        python: true,
        echo: false,
      });
      expect(clients.map((c) => c.name)).toEqual(["client c1 (pyzmq)", "client c2"]);
      expect(clients[0]!.output()).toMatch(/5 replies, last "World c1 5 w[12]"/);
      expect(clients[1]!.output()).toMatch(/5 replies, last "World c2 5 w[12]"/);
      const served = workers.map((w) => Number(/served (\d+) requests/.exec(w.output())?.[1]));
      expect(served[0]! + served[1]!).toBe(10);
      expect(broker.output()).toMatch(/broker: stopped/);
    },
  );
});
