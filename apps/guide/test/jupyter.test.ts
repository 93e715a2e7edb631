import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient } from "../src/jupyter/kernel-client";
import {
  deserialize,
  InvalidMessageError,
  newHeader,
  Signer,
  serialize,
} from "../src/jupyter/protocol";
import { type RoleProcess, startTs } from "../src/lib/processes";
import { requirePython } from "./python";

const ipykernel = requirePython("ipykernel");

describe("signing (Jupyter messaging protocol v5)", () => {
  const signer = new Signer("a-secret-key");
  const frames = serialize(signer, {
    identities: [Buffer.from("peer")],
    header: newHeader("execute_request", "s1"),
    parent_header: {},
    metadata: {},
    content: { code: "1 + 1" },
  });

  it("lays out ids, <IDS|MSG>, an HMAC-SHA256 hex signature and four JSON frames", () => {
    expect(frames.map(String).slice(0, 2)).toEqual(["peer", "<IDS|MSG>"]);
    expect(String(frames[2])).toMatch(/^[0-9a-f]{64}$/);
    const message = deserialize(signer, frames);
    expect(message.identities.map(String)).toEqual(["peer"]);
    expect(message.content).toEqual({ code: "1 + 1" });
    expect(message.header.version).toBe("5.3");
  });

  it("rejects a message whose content was changed, or signed with another key", () => {
    const tampered = [...frames];
    tampered[6] = Buffer.from(JSON.stringify({ code: "1 + 2" }));
    expect(() => deserialize(signer, tampered)).toThrow(InvalidMessageError);
    expect(() => deserialize(new Signer("another-key"), frames)).toThrow(/invalid signature/);
    expect(() => deserialize(signer, frames.slice(0, 5))).toThrow(/too few frames/);
  });
});

describe.skipIf(!ipykernel)("a Jupyter kernel client against Debian's ipykernel", () => {
  let kernel: KernelClient;
  let demo: RoleProcess;

  beforeAll(async () => {
    // The demo command runs in its own process meanwhile (its own kernel).
    demo = startTs("demo", "jupyter/main.ts", ["--code", 'print("from the demo", 2 + 3)']);
    kernel = await KernelClient.start();
  }, 60_000);

  afterAll(async () => {
    await kernel?.close();
    demo?.stop("SIGKILL");
  });

  it("runs code on shell: the output arrives on IOPub and the reply is ok", async () => {
    const run = await kernel.execute('print("hello", 6 * 7)');
    expect(run.reply.status).toBe("ok");
    expect(run.reply.execution_count).toEqual(expect.any(Number));
    expect(run.stdout).toBe("hello 42\n");
    const types = run.messages.map((m) => m.header.msg_type);
    expect(types[0]).toBe("status");
    expect(run.messages[0]!.content.execution_state).toBe("busy");
    expect(types).toContain("execute_input");
    expect(types.at(-1)).toBe("status");
    // Every IOPub message names our request as its parent, in our session.
    for (const m of run.messages) expect(m.parent_header.session).toBe(kernel.session);
  });

  it("gets a value as execute_result and an exception as an error reply", async () => {
    const value = await kernel.execute("sum(range(10))");
    expect(value.result).toBe("45");
    const failure = await kernel.execute("1 / 0");
    expect(failure.reply.status).toBe("error");
    expect(failure.reply.ename).toBe("ZeroDivisionError");
    expect(failure.messages.some((m) => m.header.msg_type === "error")).toBe(true);
  });

  it("streams output while the code runs, not all at the end", async () => {
    const arrivals: number[] = [];
    const run = await kernel.execute(
      "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.25)",
      {
        onMessage: (m) => {
          if (m.header.msg_type === "stream") arrivals.push(performance.now());
        },
      },
    );
    expect(run.stdout).toBe("0\n1\n2\n");
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(300);
  });

  it("the kernel drops a request with a bad signature: no reply, code not run, logged", async () => {
    const { header, frames } = kernel.message("execute_request", {
      code: "bad_signature_ran = True",
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
    });
    // Flip the signature's first hex digit.
    const signature = String(frames[1]);
    frames[1] = Buffer.from((signature[0] === "0" ? "1" : "0") + signature.slice(1));
    const reply = kernel.replyTo(header.msg_id, 1500);
    await kernel.sendFrames("shell", frames);
    await expect(reply).rejects.toThrow(/no reply/);
    const check = await kernel.execute('print("bad_signature_ran" in globals())');
    expect(check.stdout).toBe("False\n");
    // ipykernel logs the rejection (jupyter_client's Session raises "Invalid Signature").
    expect(kernel.stderr).toMatch(/Invalid Signature/);
  });

  it("every message from the kernel carried a valid signature", () => {
    expect(kernel.counts.verified).toBeGreaterThan(10);
    expect(kernel.counts.invalid).toBe(0);
  });

  it("the heartbeat echoes; after shutdown_request on control, it stops", async () => {
    expect(await kernel.heartbeat(2000)).toEqual(expect.any(Number));
    const bye = await kernel.shutdown();
    expect(bye.content.status).toBe("ok");
    expect(await kernel.exited).toBe(0);
    // Nobody echoes any more: the heartbeat times out, which is how a client notices a dead kernel.
    expect(await kernel.heartbeat(300)).toBeUndefined();
  });

  it("the demo command starts a kernel, streams the output and shuts it down", async () => {
    expect(await demo.exited).toBe(0);
    const out = demo.output();
    expect(out).toMatch(/kernel ready: ipython [\d.]+, python 3[\d.]*, protocol 5\.\d/);
    expect(out).toMatch(/heartbeat: echoed in [\d.]+ ms/);
    expect(out).toMatch(/\[iopub\] stdout: from the demo 5/);
    expect(out).toMatch(/\[shell\] execute_reply: ok/);
    expect(out).toMatch(/shutdown_reply: ok; kernel exited \(0\)/);
    expect(out).toMatch(/messages checked: \d+ signed correctly, 0 rejected/);
  });
});
