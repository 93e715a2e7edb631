/**
 * The Node runtime's timers: a weak timer with a slack fires on a grid of
 * `slack` ms (at most that late, never early), timers due in the same grid step
 * share one Node timer, and cancelling one leaves the others of its step alone.
 */
import { describe, expect, it } from "vitest";
import { nodeRuntime } from "../src/node-runtime";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("nodeRuntime.setTimer with a slack", () => {
  it("fires no earlier than asked, at its grid step; timers of one step share a wake-up", async () => {
    // The grid is on the runtime's own clock (not performance.now(): another origin).
    const base = nodeRuntime.now();
    // A grid step 40-50 ms away, and delays that all fall in it (the step is the
    // deadline rounded up to a multiple of 10) plus one in the next step.
    const step = Math.ceil((base + 40) / 10) * 10;
    const delays = [step - base - 8, step - base - 5, step - base - 1, step - base + 4];
    const fired: number[] = [];
    await new Promise<void>((resolve) => {
      for (const [i, ms] of delays.entries()) {
        nodeRuntime.setTimer(
          ms,
          () => {
            fired[i] = nodeRuntime.now();
            if (fired.filter((t) => t !== undefined).length === delays.length) resolve();
          },
          { ref: false, slack: 10 },
        );
      }
      setTimeout(resolve, 2000); // the timers are weak: keep the loop alive meanwhile
    });
    expect(fired.filter((t) => t !== undefined)).toHaveLength(4);
    // Node's timers count whole milliseconds: allow 1 ms under the step.
    for (let i = 0; i < 3; i++) expect(fired[i]!).toBeGreaterThanOrEqual(step - 1);
    expect(fired[3]!).toBeGreaterThanOrEqual(step + 10 - 1);
    // The first three ran in one callback, in the order they were set.
    expect(fired[2]! - fired[0]!).toBeLessThan(1);
    expect(fired[0]!).toBeLessThanOrEqual(fired[1]!);
    expect(fired[1]!).toBeLessThanOrEqual(fired[2]!);
  });

  it("a cancelled timer does not fire; the others in its step do", async () => {
    const fired: string[] = [];
    const cancel = nodeRuntime.setTimer(20, () => fired.push("a"), { ref: false, slack: 10 });
    nodeRuntime.setTimer(21, () => fired.push("b"), { ref: false, slack: 10 });
    const cancelAlone = nodeRuntime.setTimer(95, () => fired.push("c"), {
      ref: false,
      slack: 10,
    });
    cancel();
    cancel(); // twice is harmless
    cancelAlone();
    await wait(150);
    expect(fired).toEqual(["b"]);
  });

  it("the same callback set twice runs twice", async () => {
    let runs = 0;
    const callback = () => runs++;
    nodeRuntime.setTimer(15, callback, { ref: false, slack: 10 });
    nodeRuntime.setTimer(15, callback, { ref: false, slack: 10 });
    await wait(80);
    expect(runs).toBe(2);
  });

  it("a callback that throws does not stop the others of its step", async () => {
    const fired: string[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.prependListener("uncaughtException", onError);
    const listeners = process.listeners("uncaughtException").filter((l) => l !== onError);
    for (const listener of listeners) process.removeListener("uncaughtException", listener);
    try {
      nodeRuntime.setTimer(
        20,
        () => {
          throw new Error("boom");
        },
        { ref: false, slack: 10 },
      );
      nodeRuntime.setTimer(20, () => fired.push("after"), { ref: false, slack: 10 });
      await wait(100);
    } finally {
      process.removeListener("uncaughtException", onError);
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
    expect(fired).toEqual(["after"]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("boom");
  });
});

describe("nodeRuntime.timer (one timer armed again and again)", () => {
  it("runs once per start; a start while pending moves the run; cancel stops it", async () => {
    let runs = 0;
    const timer = nodeRuntime.timer!(() => runs++);
    timer.start(15, { ref: false, slack: 10 });
    timer.start(40, { ref: false, slack: 10 }); // replaces the pending run
    await wait(30);
    expect(runs).toBe(0);
    await wait(60);
    expect(runs).toBe(1);
    timer.start(10, { ref: false, slack: 10 }); // again after a run
    await wait(60);
    expect(runs).toBe(2);
    timer.start(10, { ref: false, slack: 10 });
    timer.cancel();
    timer.cancel(); // twice is harmless
    // Without a slack: a plain Node timer, the same rules.
    timer.start(10, { ref: false });
    timer.start(20, { ref: false });
    await wait(80);
    expect(runs).toBe(3);
  });

  it("shares its grid step with setTimer's timers, in the order they were set", async () => {
    const base = nodeRuntime.now();
    const step = Math.ceil((base + 40) / 10) * 10;
    const fired: string[] = [];
    const timer = nodeRuntime.timer!(() => fired.push("timer"));
    nodeRuntime.setTimer(step - base - 6, () => fired.push("a"), { ref: false, slack: 10 });
    timer.start(step - base - 4, { ref: false, slack: 10 });
    nodeRuntime.setTimer(step - base - 2, () => fired.push("b"), { ref: false, slack: 10 });
    // Moved to a later step, then back: it waits in the step it was last put in.
    timer.start(step - base + 6, { ref: false, slack: 10 });
    timer.start(step - base - 1, { ref: false, slack: 10 });
    await wait(step - base + 40);
    expect(fired).toEqual(["a", "b", "timer"]);
  });
});
