import { describe, expect, it } from "vitest";
import { startPython } from "../src/lib/processes";
import { tasksDemo } from "../src/tasks/main";
import { runSink } from "../src/tasks/sink";
import { runVentilator } from "../src/tasks/ventilator";
import { runWorker } from "../src/tasks/worker";
import { requirePython } from "./python";

const pyzmq = requirePython("zmq");
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** Our sink in this process on free ports. */
async function ourSink() {
  let bound!: (endpoints: [string, string]) => void;
  const endpoints = new Promise<[string, string]>((resolve) => {
    bound = resolve;
  });
  const report = runSink({
    bind: "tcp://127.0.0.1:*",
    control: "tcp://127.0.0.1:*",
    onBound: (results, control) => bound([results, control]),
  });
  const [results, control] = await endpoints;
  return { results, control, report };
}

describe("divide and conquer (PUSH/PULL, kill signal on PUB/SUB)", () => {
  it("our ventilator spreads a batch over three of our workers; our sink gets each task once and kills them", async () => {
    const sink = await ourSink();
    let ventilatorBound!: (endpoint: string) => void;
    const tasksEndpoint = new Promise<string>((resolve) => {
      ventilatorBound = resolve;
    });
    const batch = runVentilator({
      bind: "tcp://127.0.0.1:*",
      sink: sink.results,
      workers: 3,
      tasks: 60,
      maxWorkload: 10,
      seed: 1,
      onBound: ventilatorBound,
    });
    const tasks = await tasksEndpoint;
    const workers = ["a", "b", "c"].map((name) =>
      runWorker({ name, tasks, sink: sink.results, control: sink.control }),
    );
    const { tasks: sent, totalWorkload } = await batch;
    const report = await sink.report;
    const done = await Promise.all(workers);

    expect(sent).toBe(60);
    expect(sorted(report.ids)).toEqual(range(60));
    // Every worker was connected before the batch, so PUSH dealt 20 tasks to each.
    expect(report.perWorker).toEqual({ a: 20, b: 20, c: 20 });
    expect(sorted(done.flat())).toEqual(range(60));
    expect(totalWorkload).toBeGreaterThanOrEqual(60);
  });

  it.skipIf(!pyzmq)(
    "our workers serve a pyzmq ventilator and sink, and obey its kill signal",
    async () => {
      const sink = startPython("sink", "task_sink.py", [
        "--bind",
        "tcp://127.0.0.1:*",
        "--control",
        "tcp://127.0.0.1:*",
      ]);
      const [, results, control] = await sink.waitFor(/results on (\S+), control on (\S+)/);
      const ventilator = startPython(
        "ventilator",
        "task_ventilator.py",
        [
          ["--bind", "tcp://127.0.0.1:*", "--sink", results!, "--workers", "2"],
          ["--tasks", "40", "--max-workload", "5"],
        ].flat(),
      );
      const [, tasks] = await ventilator.waitFor(/workers on (\S+)/);
      const workers = ["ts1", "ts2"].map((name) =>
        runWorker({ name, tasks: tasks!, sink: results!, control: control! }),
      );
      // If the sink died, the workers would wait for its KILL forever.
      const done = await Promise.race([
        Promise.all(workers),
        sink.exited.then((code) => {
          if (code !== 0) throw new Error(`the pyzmq sink failed:\n${sink.errors()}`);
          return new Promise<never>(() => {});
        }),
      ]);
      expect(await ventilator.exited).toBe(0);
      expect(await sink.exited).toBe(0);
      expect(done.map((ids) => ids.length)).toEqual([20, 20]);
      expect(sorted(done.flat())).toEqual(range(40));
      const resultLines = sink.output().match(/^result \d+ ts[12]$/gm) ?? [];
      expect(resultLines).toHaveLength(40);
      expect(sink.output()).toMatch(/40 results in \d+ ms \((ts1=20 ts2=20|ts2=20 ts1=20)\)/);
    },
  );

  it.skipIf(!pyzmq)(
    "pyzmq workers serve our ventilator and sink, and obey our kill signal",
    async () => {
      const sink = await ourSink();
      let ventilatorBound!: (endpoint: string) => void;
      const tasksEndpoint = new Promise<string>((resolve) => {
        ventilatorBound = resolve;
      });
      const batch = runVentilator({
        bind: "tcp://127.0.0.1:*",
        sink: sink.results,
        workers: 2,
        tasks: 40,
        maxWorkload: 5,
        onBound: ventilatorBound,
      });
      const tasks = await tasksEndpoint;
      const workers = ["py1", "py2"].map((name) =>
        startPython(
          name,
          "task_worker.py",
          [
            ["--name", name, "--tasks", tasks, "--sink", sink.results],
            ["--control", sink.control],
          ].flat(),
        ),
      );
      await batch;
      const report = await sink.report;
      expect(sorted(report.ids)).toEqual(range(40));
      expect(report.perWorker).toEqual({ py1: 20, py2: 20 });
      for (const worker of workers) {
        expect(await worker.exited).toBe(0);
        expect(worker.output()).toMatch(/KILL received after 20 tasks/);
      }
    },
  );

  it.skipIf(!pyzmq)(
    "the demo runs sink, ventilator and workers (one pyzmq) as processes",
    async () => {
      const roles = await tasksDemo({
        host: "127.0.0.1",
        ports: [0, 0, 0],
        workers: 2,
        tasks: 30,
        pythonWorker: true,
        echo: false,
      });
      const [sink, ventilator, w1, w2] = roles;
      expect(roles.map((r) => r.name)).toEqual([
        "sink",
        "ventilator",
        "worker w1 (pyzmq)",
        "worker w2",
      ]);
      expect(sink!.output()).toMatch(/sink: 30 results in \d+ ms \((w1=15 w2=15|w2=15 w1=15)\)/);
      expect(ventilator!.output()).toMatch(/ventilator: sent 30 tasks/);
      expect(w1!.output()).toMatch(/KILL received after 15 tasks/);
      expect(w2!.output()).toMatch(/KILL received after 15 tasks/);
    },
  );
});
