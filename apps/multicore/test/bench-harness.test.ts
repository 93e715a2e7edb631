import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { workerExecArgv } from "../src/spawn";
import { perMessage } from "../src/thread-cost";

describe("bench harness", () => {
  it("workers get the parent's Node options without the process-wide V8 ones", () => {
    expect(
      workerExecArgv([
        "--trace-gc",
        "--conditions=@zmq/source",
        "--max-semi-space-size=8",
        "--import",
        "tsx",
        "--trace-incremental-marking",
      ]),
    ).toEqual(["--conditions=@zmq/source", "--import", "tsx"]);
    expect(workerExecArgv(["--import", "tsx"])).toEqual([
      "--import",
      "tsx",
      "--conditions=@zmq/source",
    ]);
    // Options that only start with a filtered name stay.
    expect(workerExecArgv(["--trace-gc-something-else"])).toEqual([
      "--trace-gc-something-else",
      "--conditions=@zmq/source",
    ]);
  });

  it("new Worker accepts what workerExecArgv keeps from a --trace-gc parent", async () => {
    const worker = new Worker("process.exit(0)", {
      eval: true,
      execArgv: workerExecArgv(["--trace-gc", "--max-semi-space-size=8"]),
    });
    expect(await new Promise((resolve) => worker.once("exit", resolve))).toBe(0);
  });

  it("perMessage splits full collections from the rest", () => {
    const before = { cpuMs: 100, faults: 10, gcMs: 5, majorMs: 2, majors: 1 };
    const after = { cpuMs: 300, faults: 30, gcMs: 45, majorMs: 22, majors: 5 };
    expect(perMessage(before, after, 1000)).toEqual({
      cpuUs: 200,
      faults: 0.02,
      gcUs: 40,
      majorUs: 20,
      majors: 4,
    });
    expect(perMessage(undefined, after, 1000)).toBeUndefined();
  });
});
