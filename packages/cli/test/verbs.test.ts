/**
 * Verbs run in-process against @zmq/node sockets over inproc:// (same
 * context), for behaviour the end-to-end tests do not reach cheaply.
 */
import { Dealer, Request, Subscriber } from "@zmq/node";
import { describe, expect, it } from "vitest";
import { runHere } from "./helpers";

let n = 0;
const endpoint = () => `inproc://cli-verbs-${process.pid}-${++n}`;

describe("verbs in-process", () => {
  it("pub --peers 2 waits for both subscriptions, so neither misses a message", async () => {
    const where = endpoint();
    const pub = runHere(["pub", "-b", where, "--peers", "2", "--count", "3", "news"]);
    const subs = [new Subscriber(), new Subscriber()];
    // The second subscriber joins late: without --peers it would miss messages.
    subs[0]!.subscribe();
    subs[0]!.connect(where);
    await new Promise((resolve) => setTimeout(resolve, 200));
    subs[1]!.subscribe();
    subs[1]!.connect(where);
    for (const sub of subs) {
      for (let i = 0; i < 3; i++) expect((await sub.receive()).map(String)).toEqual(["news"]);
    }
    expect(await pub).toMatchObject({ code: 0, stderr: "" });
    for (const sub of subs) sub.close();
  });

  it("rep - answers each request with the next stdin record; no record left is exit 1", async () => {
    const where = endpoint();
    const rep = runHere(["rep", "-b", where, "-"], "first\nsecond\n");
    const req = new Request({ linger: 0 });
    req.connect(where);
    for (const [ask, answer] of [
      ["a", "first"],
      ["b", "second"],
    ]) {
      await req.send(ask!);
      expect((await req.receive()).map(String)).toEqual([answer]);
    }
    await req.send("c");
    const done = await rep;
    expect(done.code).toBe(1);
    expect(done.stdout).toBe("a\nb\nc\n");
    expect(done.stderr).toBe("zmq: stdin ended: no reply for the last request\n");
    req.close();
  });

  it("dealer sends stdin records (json) while printing replies; --count ends it", async () => {
    const where = endpoint();
    const peer = new Dealer({ linger: 0 });
    await peer.bind(where);
    const input = '["a","1"]\n"b"\n{"hex":"00"}\n';
    const dealer = runHere(["dealer", "-c", where, "-f", "json", "--count", "2"], input);
    const got: string[][] = [];
    for (let i = 0; i < 3; i++) got.push((await peer.receive()).map((f) => f.toString("hex")));
    expect(got).toEqual([["61", "31"], ["62"], ["00"]]);
    await peer.send(["x", Buffer.from([0xff])]);
    await peer.send("y");
    expect(await dealer).toMatchObject({ code: 0, stdout: '["x",{"hex":"ff"}]\n["y"]\n' });
    peer.close();
  });
});
