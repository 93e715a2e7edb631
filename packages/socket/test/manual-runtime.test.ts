import { describe, expect, it } from "vitest";
import { Context, ManualRuntime, Pull, Push } from "../src/index";

function setup() {
  const runtime = new ManualRuntime();
  const context = new Context({}, { runtime, transports: [] });
  return { runtime, context };
}

describe("the socket layer on a manual runtime", () => {
  it("times a receive out only when the clock passes receiveTimeout", async () => {
    const { runtime, context } = setup();
    const pull = new Pull({ context, receiveTimeout: 100 });
    let outcome: string | undefined;
    pull.receive().then(
      () => {
        outcome = "message";
      },
      (error: { code?: string }) => {
        outcome = error.code;
      },
    );
    expect(runtime.holds).toBe(1); // a pending receive keeps the process alive
    runtime.advance(99);
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    runtime.advance(1);
    await Promise.resolve();
    expect(outcome).toBe("EAGAIN");
    expect(runtime.holds).toBe(0);
    pull.close();
  });

  it("hands received frames to the application through the runtime (plain Uint8Array here)", async () => {
    const { runtime, context } = setup();
    const pull = new Pull({ context });
    const push = new Push({ context });
    await pull.bind("inproc://manual");
    push.connect("inproc://manual");
    await push.send("hello");
    const received = pull.receive();
    // inproc hands messages over in microtasks and deferred pumps: let both run.
    for (let i = 0; i < 20; i++) {
      runtime.flush();
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    }
    const [frame] = await received;
    expect(frame).toBeInstanceOf(Uint8Array);
    expect(frame?.constructor).toBe(Uint8Array);
    expect(new TextDecoder().decode(frame)).toBe("hello");
    push.close();
    pull.close();
  });

  it("has no default context until a binding sets one", async () => {
    const { getDefaultContext } = await import("../src/context");
    expect(() => getDefaultContext()).toThrow(/No default context/);
  });
});
