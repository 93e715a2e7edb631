import { describe, expect, it } from "vitest";
import {
  createPipePair,
  Distributor,
  FairQueue,
  GroupTable,
  LoadBalancer,
  MultiTrie,
  type Pipe,
  RingQueue,
  SubscriptionTrie,
} from "../src/index";
import { drain, enc, msg, text } from "./helpers";

function pipes(n: number, hwm = 1000): { ours: Pipe[]; theirs: Pipe[] } {
  const ours: Pipe[] = [];
  const theirs: Pipe[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = createPipePair({ sendHighWaterMark: hwm, receiveHighWaterMark: hwm });
    ours.push(a);
    theirs.push(b);
  }
  return { ours, theirs };
}

describe("RingQueue", () => {
  it("is FIFO across growth and wrap-around", () => {
    const q = new RingQueue<number>(2);
    const model: number[] = [];
    for (let i = 0; i < 100; i++) {
      q.push(i);
      model.push(i);
      if (i % 3 === 0) expect(q.shift()).toBe(model.shift());
    }
    expect(q.length).toBe(model.length);
    expect(q.peek()).toBe(model[0]);
    while (model.length > 0) expect(q.shift()).toBe(model.shift());
    expect(q.shift()).toBeUndefined();
    q.push(1);
    q.clear();
    expect(q.length).toBe(0);
  });
});

describe("LoadBalancer", () => {
  it("round-robins over writable pipes", () => {
    const lb = new LoadBalancer();
    const { ours, theirs } = pipes(3);
    for (const p of ours) lb.attach(p);
    for (let i = 0; i < 6; i++) lb.send(msg(`${i}`));
    expect(theirs.map((t) => drain(t).map((m) => m[0]))).toEqual([
      ["0", "3"],
      ["1", "4"],
      ["2", "5"],
    ]);
  });

  it("skips full pipes until they are activated again, and reports none writable", () => {
    const lb = new LoadBalancer();
    const { ours, theirs } = pipes(2, 1);
    for (const p of ours) lb.attach(p);
    expect(lb.send(msg("a"))).toBe(ours[0]);
    expect(lb.send(msg("b"))).toBe(ours[1]);
    expect(lb.send(msg("c"))).toBeUndefined();
    expect(lb.hasOut()).toBe(false);
    expect(lb.activeCount).toBe(0);
    drain(theirs[1]!);
    lb.activated(ours[1]!);
    expect(lb.hasOut()).toBe(true);
    expect(lb.send(msg("d"))).toBe(ours[1]);
  });

  it("forgets terminated pipes", () => {
    const lb = new LoadBalancer();
    const { ours, theirs } = pipes(3);
    for (const p of ours) lb.attach(p);
    lb.terminated(ours[1]!);
    for (let i = 0; i < 4; i++) lb.send(msg(`${i}`));
    expect(drain(theirs[1]!)).toEqual([]);
    expect(drain(theirs[0]!).length + drain(theirs[2]!).length).toBe(4);
    expect(lb.pipes.length).toBe(2);
  });
});

describe("FairQueue", () => {
  it("takes one whole message per pipe in turn", () => {
    const fq = new FairQueue();
    const { ours, theirs } = pipes(3);
    for (const p of ours) fq.attach(p);
    theirs[0]!.write(msg("a1", "x"));
    theirs[0]!.write(msg("a2"));
    theirs[1]!.write(msg("b1"));
    theirs[2]!.write(msg("c1"));
    theirs[2]!.write(msg("c2"));
    const got: string[][] = [];
    for (let m = fq.receive(); m !== undefined; m = fq.receive()) got.push(text(m)!);
    expect(got).toEqual([["a1", "x"], ["b1"], ["c1"], ["a2"], ["c2"]]);
    expect(fq.hasIn()).toBe(false);
  });

  it("reports the pipe of the last message and drops terminated pipes", () => {
    const fq = new FairQueue();
    const { ours, theirs } = pipes(2);
    for (const p of ours) fq.attach(p);
    theirs[1]!.write(msg("b"));
    fq.receive();
    expect(fq.lastPipe).toBe(ours[1]);
    fq.terminated(ours[1]!);
    expect(fq.lastPipe).toBeUndefined();
    expect(fq.pipes).toEqual([ours[0]]);
  });
});

describe("Distributor", () => {
  it("sends to all active pipes; a full pipe drops the message and leaves the active set", () => {
    const dist = new Distributor();
    const { ours, theirs } = pipes(3, 1);
    for (const p of ours) dist.attach(p);
    dist.sendToAll(msg("1"));
    drain(theirs[0]!);
    drain(theirs[2]!);
    dist.sendToAll(msg("2"));
    expect(drain(theirs[0]!)).toEqual([["2"]]);
    expect(drain(theirs[1]!)).toEqual([["1"]]);
    expect(drain(theirs[2]!)).toEqual([["2"]]);
    expect(dist.activeCount).toBe(2);
    dist.activated(ours[1]!);
    dist.sendToAll(msg("3"));
    expect(drain(theirs[1]!)).toEqual([["3"]]);
  });

  it("sends only to matching pipes, or to the others after reverseMatch", () => {
    const dist = new Distributor();
    const { ours, theirs } = pipes(3);
    for (const p of ours) dist.attach(p);
    dist.match(ours[1]!);
    dist.match(ours[1]!);
    expect(dist.matchingCount).toBe(1);
    dist.sendToMatching(msg("only-1"));
    dist.match(ours[1]!);
    dist.reverseMatch();
    dist.sendToMatching(msg("not-1"));
    expect(theirs.map(drain)).toEqual([[["not-1"]], [["only-1"]], [["not-1"]]]);
  });

  it("checkHwm is false when a matching pipe is full", () => {
    const dist = new Distributor();
    const { ours } = pipes(2, 1);
    for (const p of ours) dist.attach(p);
    ours[0]!.write(msg("fill"));
    dist.match(ours[1]!);
    expect(dist.checkHwm()).toBe(true);
    dist.match(ours[0]!);
    expect(dist.checkHwm()).toBe(false);
    expect(dist.allWritable()).toBe(false);
  });
});

describe("SubscriptionTrie", () => {
  it("matches prefixes; the empty topic matches everything", () => {
    const trie = new SubscriptionTrie();
    trie.add(enc("ab"));
    expect(trie.matches(enc("abc"))).toBe(true);
    expect(trie.matches(enc("ab"))).toBe(true);
    expect(trie.matches(enc("a"))).toBe(false);
    expect(trie.matches(enc("b"))).toBe(false);
    trie.add(new Uint8Array(0));
    expect(trie.matches(enc("zzz"))).toBe(true);
  });

  it("counts subscriptions: subscribing twice needs two removals", () => {
    const trie = new SubscriptionTrie();
    expect(trie.add(enc("A"))).toBe(true);
    expect(trie.add(enc("A"))).toBe(false);
    expect(trie.remove(enc("A"))).toBe(false);
    expect(trie.matches(enc("A1"))).toBe(true);
    expect(trie.remove(enc("A"))).toBe(true);
    expect(trie.matches(enc("A1"))).toBe(false);
    expect(trie.remove(enc("A"))).toBe(false);
    expect(trie.size).toBe(0);
  });

  it("reads topics at an offset and lists distinct topics once", () => {
    const trie = new SubscriptionTrie();
    trie.add(Uint8Array.of(1, 0x62), 1);
    trie.add(enc("b"));
    trie.add(enc("a"));
    const topics: string[] = [];
    trie.forEach((t) => {
      topics.push(new TextDecoder().decode(t));
    });
    expect(topics).toEqual(["a", "b"]);
  });
});

describe("MultiTrie", () => {
  it("tracks subscribers per topic", () => {
    const trie = new MultiTrie<string>();
    expect(trie.add(enc("a"), 0, "p1")).toBe(true);
    expect(trie.add(enc("a"), 0, "p2")).toBe(false);
    expect(trie.add(enc("ab"), 0, "p3")).toBe(true);
    const seen: string[] = [];
    trie.forEachMatch(enc("abc"), { match: (v) => seen.push(v) });
    expect(seen.sort()).toEqual(["p1", "p2", "p3"]);
    expect(trie.remove(enc("a"), 0, "p1")).toBe("values-remain");
    expect(trie.remove(enc("a"), 0, "p1")).toBe("not-found");
    expect(trie.remove(enc("a"), 0, "p2")).toBe("last-value-removed");
    expect(trie.has(enc("abc"), "p3")).toBe(true);
    expect(trie.has(enc("a"), "p3")).toBe(false);
  });

  it("removeValue reports all or only now-empty topics", () => {
    const trie = new MultiTrie<string>();
    trie.add(enc("x"), 0, "p1");
    trie.add(enc("y"), 0, "p1");
    trie.add(enc("y"), 0, "p2");
    const unique: string[] = [];
    trie.removeValue("p1", (t) => unique.push(new TextDecoder().decode(t)), true);
    expect(unique).toEqual(["x"]);
    const all: string[] = [];
    trie.removeValue("p2", (t) => all.push(new TextDecoder().decode(t)), false);
    expect(all).toEqual(["y"]);
    const none: string[] = [];
    trie.forEachMatch(enc("y"), { match: (v) => none.push(v) });
    expect(none).toEqual([]);
  });
});

describe("GroupTable", () => {
  it("matches groups exactly", () => {
    const groups = new GroupTable<string>();
    expect(groups.join(enc("news"), "p1")).toBe(true);
    expect(groups.join(enc("news"), "p1")).toBe(false);
    groups.join(enc("news"), "p2");
    expect([...groups.members(enc("news"))].sort()).toEqual(["p1", "p2"]);
    expect([...groups.members(enc("new"))]).toEqual([]);
    expect([...groups.members(enc("newsy"))]).toEqual([]);
    expect(groups.leave(enc("news"), "p1")).toBe(true);
    expect(groups.leave(enc("news"), "p1")).toBe(false);
    groups.leaveAll("p2");
    expect(groups.size).toBe(0);
  });
});
