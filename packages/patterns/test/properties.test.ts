// Model-based property tests (fast-check `fc.commands`). FUZZ_RUNS raises the run count.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytesKey,
  createPipePair,
  type Message,
  MultiTrie,
  type Pipe,
  Pull,
  Push,
  Rep,
  Req,
  SubscriptionTrie,
} from "../src/index";
import { connect, dec, enc, rawPeer } from "./helpers";

const runs = (fallback: number): number => Number(process.env.FUZZ_RUNS ?? 0) || fallback;
const lowWaterMark = (hwm: number): number => (hwm > 2048 ? hwm - 1024 : Math.floor((hwm + 1) / 2));

/** Asserts that no index repeats within a window of `k` consecutive picks. */
class RotationChecker {
  private key = "";
  private recent: number[] = [];

  pick(available: number[], chosen: number): void {
    const key = available.join(",");
    if (key !== this.key) {
      this.key = key;
      this.recent = [];
    }
    const window = this.recent.slice(-(available.length - 1));
    if (available.length > 1 && window.includes(chosen)) {
      throw new Error(
        `pipe ${chosen} picked again within ${available.length} turns (${this.recent})`,
      );
    }
    this.recent.push(chosen);
  }
}

// ---- load-balance fairness -------------------------------------------------------

interface LbReal {
  push: Push;
  peers: Pipe[];
}
interface LbModel {
  rotation: RotationChecker;
  sent: number;
}
type LbCommand = fc.Command<LbModel, LbReal>;

class LbSend implements LbCommand {
  check = () => true;
  run(m: LbModel, r: LbReal): void {
    const available = r.peers.map((p, i) => (p.peer.checkWrite() ? i : -1)).filter((i) => i >= 0);
    const before = r.peers.map((p) => p.inboundSize);
    const ok = r.push.send([enc(`${m.sent}`)]);
    expect(ok).toBe(available.length > 0);
    const grew = r.peers.map((p, i) => p.inboundSize - before[i]!);
    if (!ok) {
      expect(grew.every((g) => g === 0)).toBe(true);
      return;
    }
    m.sent++;
    const chosen = grew.indexOf(1);
    expect(grew.filter((g) => g !== 0)).toEqual([1]);
    expect(available).toContain(chosen);
    m.rotation.pick(available, chosen);
  }
  toString = () => "send";
}

class LbRead implements LbCommand {
  constructor(
    readonly index: number,
    readonly all: boolean,
  ) {}
  check = () => true;
  run(_m: LbModel, r: LbReal): void {
    const peer = r.peers[this.index % r.peers.length]!;
    if (this.all) while (peer.read() !== undefined) {}
    else peer.read();
  }
  toString = () => `read(${this.index}${this.all ? ", all" : ""})`;
}

// ---- fair-queue fairness ---------------------------------------------------------

interface FqReal {
  pull: Pull;
  peers: Pipe[];
}
interface FqModel {
  hwm: number[];
  queues: Message[][];
  blocked: boolean[];
  origin: Map<string, number>;
  next: number;
  rotation: RotationChecker;
}
type FqCommand = fc.Command<FqModel, FqReal>;

class FqWrite implements FqCommand {
  constructor(
    readonly index: number,
    readonly extraFrames: number,
  ) {}
  check = () => true;
  run(m: FqModel, r: FqReal): void {
    const i = this.index % r.peers.length;
    const id = `${m.next++}`;
    const message: Message = [enc(id)];
    for (let f = 0; f < this.extraFrames; f++) message.push(enc(`${id}.${f}`));
    const limit = m.hwm[i]!;
    let expected = true;
    if (m.blocked[i]) expected = false;
    else if (limit !== 0 && m.queues[i]!.length >= limit) {
      m.blocked[i] = true;
      expected = false;
    }
    expect(r.peers[i]!.write(message)).toBe(expected);
    if (expected) {
      m.queues[i]!.push(message);
      m.origin.set(id, i);
    }
  }
  toString = () => `write(${this.index}, +${this.extraFrames})`;
}

class FqReceive implements FqCommand {
  check = () => true;
  run(m: FqModel, r: FqReal): void {
    const nonEmpty = m.queues.map((q, i) => (q.length > 0 ? i : -1)).filter((i) => i >= 0);
    const got = r.pull.receive();
    if (nonEmpty.length === 0) {
      expect(got).toBeUndefined();
      return;
    }
    expect(got).toBeDefined();
    const source = m.origin.get(dec(got![0]!))!;
    expect(nonEmpty).toContain(source);
    // FIFO per pipe, whole message, frames untouched.
    expect(got).toBe(m.queues[source]!.shift());
    if (m.blocked[source] && m.queues[source]!.length <= lowWaterMark(m.hwm[source]!)) {
      m.blocked[source] = false;
    }
    m.rotation.pick(nonEmpty, source);
  }
  toString = () => "receive";
}

// ---- REQ/REP state machine -------------------------------------------------------

interface RrReal {
  req: Req;
  reps: Rep[];
}
interface RrModel {
  waiting: boolean;
  sends: number;
  target: number;
  reply: string | undefined;
  pending: string[][];
  replying: boolean[];
}
type RrCommand = fc.Command<RrModel, RrReal>;

function expectCode(fn: () => unknown, code: string): void {
  expect(fn).toThrow(expect.objectContaining({ code }));
}

function checkReadiness(m: RrModel, r: RrReal): void {
  expect(r.req.canSend).toBe(!m.waiting);
  expect(r.req.canReceive).toBe(m.waiting && m.reply !== undefined);
  r.reps.forEach((rep, i) => {
    expect(rep.canSend).toBe(m.replying[i]);
    expect(rep.canReceive).toBe(!m.replying[i] && m.pending[i]!.length > 0);
  });
}

class ReqSend implements RrCommand {
  constructor(readonly body: string) {}
  check = () => true;
  run(m: RrModel, r: RrReal): void {
    if (m.waiting) {
      expectCode(() => r.req.send([enc(this.body)]), "EFSM");
    } else {
      expect(r.req.send([enc(this.body)])).toBe(true);
      m.target = m.sends % r.reps.length;
      m.sends++;
      m.pending[m.target]!.push(this.body);
      m.waiting = true;
    }
    checkReadiness(m, r);
  }
  toString = () => `req.send(${this.body})`;
}

class ReqReceive implements RrCommand {
  check = () => true;
  run(m: RrModel, r: RrReal): void {
    if (!m.waiting) {
      expectCode(() => r.req.receive(), "EFSM");
    } else if (m.reply === undefined) {
      expect(r.req.receive()).toBeUndefined();
    } else {
      expect(r.req.receive()?.map(dec)).toEqual([m.reply]);
      m.reply = undefined;
      m.waiting = false;
    }
    checkReadiness(m, r);
  }
  toString = () => "req.receive";
}

class RepReceive implements RrCommand {
  constructor(readonly index: number) {}
  check = () => true;
  run(m: RrModel, r: RrReal): void {
    const i = this.index % r.reps.length;
    const rep = r.reps[i]!;
    if (m.replying[i]) {
      expectCode(() => rep.receive(), "EFSM");
    } else if (m.pending[i]!.length === 0) {
      expect(rep.receive()).toBeUndefined();
    } else {
      expect(rep.receive()?.map(dec)).toEqual([m.pending[i]!.shift()]);
      m.replying[i] = true;
    }
    checkReadiness(m, r);
  }
  toString = () => `rep[${this.index}].receive`;
}

class RepSend implements RrCommand {
  constructor(
    readonly index: number,
    readonly body: string,
  ) {}
  check = () => true;
  run(m: RrModel, r: RrReal): void {
    const i = this.index % r.reps.length;
    const rep = r.reps[i]!;
    if (!m.replying[i]) {
      expectCode(() => rep.send([enc(this.body)]), "EFSM");
    } else {
      expect(rep.send([enc(this.body)])).toBe(true);
      m.replying[i] = false;
      expect(m.waiting && m.target === i).toBe(true);
      m.reply = this.body;
    }
    checkReadiness(m, r);
  }
  toString = () => `rep[${this.index}].send(${this.body})`;
}

// ---- pipe HWM model --------------------------------------------------------------

interface HwmReal {
  ends: [Pipe, Pipe];
  writable: [number, number];
}
interface HwmModel {
  send: [number | undefined, number | undefined];
  receive: [number | undefined, number | undefined];
  /** queues[e] = messages written by end e. */
  queues: [Message[], Message[]];
  blocked: [boolean, boolean];
  writable: [number, number];
  next: number;
}
type HwmCommand = fc.Command<HwmModel, HwmReal>;

function limitOf(m: HwmModel, writer: 0 | 1): number {
  const s = m.send[writer];
  const r = m.receive[writer === 0 ? 1 : 0];
  if (s === 0 || r === 0) return 0;
  return (s ?? 0) + (r ?? 0);
}

function checkHwmState(m: HwmModel, r: HwmReal): void {
  for (const e of [0, 1] as const) {
    expect(r.ends[e].outboundSize).toBe(m.queues[e].length);
    expect(r.ends[e].outboundLimit).toBe(limitOf(m, e));
  }
  expect(r.writable).toEqual(m.writable);
}

class HwmWrite implements HwmCommand {
  constructor(
    readonly end: 0 | 1,
    readonly frames: number,
  ) {}
  check = () => true;
  run(m: HwmModel, r: HwmReal): void {
    const message: Message = [];
    for (let f = 0; f < this.frames; f++) message.push(enc(`${m.next}:${f}`));
    m.next++;
    const limit = limitOf(m, this.end);
    const queue = m.queues[this.end];
    let expected = true;
    if (m.blocked[this.end]) expected = false;
    else if (limit !== 0 && queue.length >= limit) {
      m.blocked[this.end] = true;
      expected = false;
    }
    expect(r.ends[this.end].write(message)).toBe(expected);
    if (expected) {
      queue.push(message);
      // The property itself: a write never takes a direction past its limit.
      if (limit !== 0) expect(r.ends[this.end].outboundSize).toBeLessThanOrEqual(limit);
    }
    checkHwmState(m, r);
  }
  toString = () => `write(${this.end}, ${this.frames} frames)`;
}

class HwmRead implements HwmCommand {
  constructor(readonly end: 0 | 1) {}
  check = () => true;
  run(m: HwmModel, r: HwmReal): void {
    const writer = this.end === 0 ? 1 : 0;
    const queue = m.queues[writer];
    const got = r.ends[this.end].read();
    expect(got).toBe(queue.shift());
    if (
      got !== undefined &&
      m.blocked[writer] &&
      queue.length <= lowWaterMark(limitOf(m, writer))
    ) {
      m.blocked[writer] = false;
      m.writable[writer]++;
    }
    checkHwmState(m, r);
  }
  toString = () => `read(${this.end})`;
}

class HwmSet implements HwmCommand {
  constructor(
    readonly end: 0 | 1,
    readonly send: number | undefined,
    readonly receive: number | undefined,
  ) {}
  check = () => true;
  run(m: HwmModel, r: HwmReal): void {
    m.send[this.end] = this.send;
    m.receive[this.end] = this.receive;
    r.ends[this.end].setHighWaterMarks(this.send, this.receive);
    for (const w of [0, 1] as const) {
      const limit = limitOf(m, w);
      if (m.blocked[w] && (limit === 0 || m.queues[w].length < limit)) {
        m.blocked[w] = false;
        m.writable[w]++;
      }
    }
    checkHwmState(m, r);
  }
  toString = () => `setHwm(${this.end}, ${this.send}, ${this.receive})`;
}

// ---- tests -----------------------------------------------------------------------

describe("properties", () => {
  it("property: load-balance is a strict rotation over the available pipes", () => {
    const commands = fc.commands(
      [
        fc.constant(new LbSend()),
        fc.constant(new LbSend()),
        fc.tuple(fc.nat(7), fc.boolean()).map(([i, all]) => new LbRead(i, all)),
      ],
      { maxCommands: 80 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        commands,
        (hwms, cmds) => {
          const push = new Push();
          const peers = hwms.map((hwm) => rawPeer(push, {}, { sendHighWaterMark: hwm }));
          fc.modelRun(
            () => ({ model: { rotation: new RotationChecker(), sent: 0 }, real: { push, peers } }),
            cmds,
          );
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("property: fair-queue takes whole messages in rotation, FIFO per pipe, HWM with hysteresis", () => {
    const commands = fc.commands(
      [
        fc.tuple(fc.nat(7), fc.nat(3)).map(([i, f]) => new FqWrite(i, f)),
        fc.constant(new FqReceive()),
      ],
      { maxCommands: 80 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        commands,
        (hwms, cmds) => {
          const pull = new Pull();
          const peers = hwms.map((hwm) => rawPeer(pull, {}, { receiveHighWaterMark: hwm }));
          const model: FqModel = {
            hwm: hwms,
            queues: hwms.map(() => []),
            blocked: hwms.map(() => false),
            origin: new Map(),
            next: 0,
            rotation: new RotationChecker(),
          };
          fc.modelRun(() => ({ model, real: { pull, peers } }), cmds);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("property: REQ/REP lock-step state machine matches the model", () => {
    const body = fc.constantFrom("a", "b", "c", "");
    const commands = fc.commands(
      [
        body.map((b) => new ReqSend(b)),
        fc.constant(new ReqReceive()),
        fc.nat(5).map((i) => new RepReceive(i)),
        fc.tuple(fc.nat(5), body).map(([i, b]) => new RepSend(i, b)),
      ],
      { maxCommands: 80 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.boolean(), commands, (n, correlate, cmds) => {
        const req = new Req({ correlate });
        const reps = Array.from({ length: n }, () => new Rep());
        for (const rep of reps) connect(req, rep);
        const model: RrModel = {
          waiting: false,
          sends: 0,
          target: -1,
          reply: undefined,
          pending: reps.map(() => []),
          replying: reps.map(() => false),
        };
        fc.modelRun(() => ({ model, real: { req, reps } }), cmds);
      }),
      { numRuns: runs(150) },
    );
  });

  it("property: subscription trie agrees with a naive counted model", () => {
    const topic = fc.uint8Array({ min: 0, max: 2, maxLength: 3 });
    const op = fc.oneof(
      topic.map((t) => ({ kind: "add" as const, t })),
      topic.map((t) => ({ kind: "remove" as const, t })),
      fc.uint8Array({ min: 0, max: 2, maxLength: 5 }).map((t) => ({ kind: "match" as const, t })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const trie = new SubscriptionTrie();
        const model = new Map<string, number>();
        for (const { kind, t } of ops) {
          const key = bytesKey(t);
          const count = model.get(key) ?? 0;
          if (kind === "add") {
            expect(trie.add(t)).toBe(count === 0);
            model.set(key, count + 1);
          } else if (kind === "remove") {
            expect(trie.remove(t)).toBe(count === 1);
            if (count === 1) model.delete(key);
            else if (count > 1) model.set(key, count - 1);
          } else {
            const expected = [...model.keys()].some((k) => key.startsWith(k));
            expect(trie.matches(t)).toBe(expected);
          }
          expect(trie.size).toBe(model.size);
        }
        const listed: string[] = [];
        trie.forEach((topicBytes) => {
          listed.push(bytesKey(topicBytes));
        });
        expect(listed.sort()).toEqual([...model.keys()].sort());
      }),
      { numRuns: runs(300) },
    );
  });

  it("property: per-subscriber trie (XPUB) agrees with a naive model", () => {
    const topic = fc.uint8Array({ min: 0, max: 2, maxLength: 3 });
    const value = fc.integer({ min: 0, max: 2 });
    const op = fc.oneof(
      fc.tuple(topic, value).map(([t, v]) => ({ kind: "add" as const, t, v })),
      fc.tuple(topic, value).map(([t, v]) => ({ kind: "remove" as const, t, v })),
      fc.tuple(topic, value).map(([t, v]) => ({ kind: "drop" as const, t, v })),
      fc
        .tuple(fc.uint8Array({ min: 0, max: 2, maxLength: 5 }), value)
        .map(([t, v]) => ({ kind: "match" as const, t, v })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const trie = new MultiTrie<number>();
        const model = new Map<string, Set<number>>();
        for (const { kind, t, v } of ops) {
          const key = bytesKey(t);
          const set = model.get(key);
          if (kind === "add") {
            expect(trie.add(t, 0, v)).toBe(set === undefined);
            model.set(key, (set ?? new Set()).add(v));
          } else if (kind === "remove") {
            const expected = set?.has(v)
              ? set.size === 1
                ? "last-value-removed"
                : "values-remain"
              : "not-found";
            expect(trie.remove(t, 0, v)).toBe(expected);
            set?.delete(v);
            if (set?.size === 0) model.delete(key);
          } else if (kind === "drop") {
            const onlyIfLast = t.length % 2 === 0;
            const reported: string[] = [];
            trie.removeValue(v, (topicBytes) => reported.push(bytesKey(topicBytes)), onlyIfLast);
            const expected: string[] = [];
            for (const [k, s] of model) {
              if (!s.delete(v)) continue;
              if (s.size === 0) model.delete(k);
              if (s.size === 0 || !onlyIfLast) expected.push(k);
            }
            expect(reported.sort()).toEqual(expected.sort());
          } else {
            const seen = new Set<number>();
            trie.forEachMatch(t, { match: (x) => seen.add(x) });
            const expected = new Set<number>();
            for (const [k, s] of model) if (key.startsWith(k)) for (const x of s) expected.add(x);
            expect([...seen].sort()).toEqual([...expected].sort());
          }
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("property: a pipe never exceeds its HWM; refusals, wake-ups and runtime changes match the model", () => {
    const end = fc.constantFrom(0 as const, 1 as const);
    const hwm = fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined });
    const commands = fc.commands(
      [
        fc.tuple(end, fc.integer({ min: 1, max: 3 })).map(([e, f]) => new HwmWrite(e, f)),
        fc.tuple(end, fc.integer({ min: 1, max: 3 })).map(([e, f]) => new HwmWrite(e, f)),
        end.map((e) => new HwmRead(e)),
        fc.tuple(end, hwm, hwm).map(([e, s, r]) => new HwmSet(e, s, r)),
      ],
      { maxCommands: 100 },
    );
    const initial = fc.record({
      send: fc.integer({ min: 0, max: 5 }),
      receive: fc.integer({ min: 0, max: 5 }),
      peerSend: hwm,
      peerReceive: hwm,
    });
    fc.assert(
      fc.property(initial, commands, (init, cmds) => {
        const options = {
          sendHighWaterMark: init.send,
          receiveHighWaterMark: init.receive,
          ...(init.peerSend === undefined ? {} : { peerSendHighWaterMark: init.peerSend }),
          ...(init.peerReceive === undefined ? {} : { peerReceiveHighWaterMark: init.peerReceive }),
        };
        const ends = createPipePair(options);
        const real: HwmReal = { ends, writable: [0, 0] };
        ends[0].setHandler({ writable: () => real.writable[0]++ });
        ends[1].setHandler({ writable: () => real.writable[1]++ });
        const model: HwmModel = {
          send: [init.send, init.peerSend],
          receive: [init.receive, init.peerReceive],
          queues: [[], []],
          blocked: [false, false],
          writable: [0, 0],
          next: 0,
        };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: runs(200) },
    );
  });

  it("property: no partial or altered multipart message is ever delivered, across HWM pressure and disconnects", () => {
    const action = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.nat(2), fc.integer({ min: 1, max: 4 }))
          .map(([s, f]) => ({ kind: "send" as const, s, f })),
      },
      { weight: 4, arbitrary: fc.constant({ kind: "receive" as const, s: 0, f: 0 }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.nat(2), fc.constantFrom(0, -1))
          .map(([s, f]) => ({ kind: "drop" as const, s, f })),
      },
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(action, { maxLength: 150 }),
        (hwms, actions) => {
          const pull = new Pull({ receiveHighWaterMark: 1 });
          const pushes = hwms.map((h) => new Push({ sendHighWaterMark: h }));
          const links = pushes.map((push) => connect(push, pull)[0]);
          const sent = new Map<string, string[]>();
          // Order holds per connection: after a drop with linger, what the old pipe
          // still holds and what the new one carries are fair-queued (as in libzmq).
          const generation = [0, 0, 0];
          const sentOn = new Map<string, string>(); // id → sender:generation
          const lastSeen = new Map<string, number>();
          const counters = [0, 0, 0];
          for (const a of actions) {
            if (a.kind === "send") {
              const id = `${a.s}:${counters[a.s]!}`;
              const frames = Array.from({ length: a.f }, (_, i) => (i === 0 ? id : `${id}/${i}`));
              if (pushes[a.s]!.send(frames.map(enc))) {
                sent.set(id, frames);
                sentOn.set(id, `${a.s}:${generation[a.s]!}`);
                counters[a.s]!++;
              }
            } else if (a.kind === "receive") {
              const got = pull.receive();
              if (got === undefined) continue;
              const frames = got.map(dec);
              const id = frames[0]!;
              expect(sent.get(id)).toEqual(frames); // whole and unaltered
              sent.delete(id); // at most once
              const seq = Number(id.split(":")[1]);
              const link = sentOn.get(id)!;
              expect(seq).toBeGreaterThan(lastSeen.get(link) ?? -1); // per-connection order
              lastSeen.set(link, seq);
            } else {
              links[a.s]!.terminate(a.f);
              links[a.s] = connect(pushes[a.s]!, pull)[0];
              generation[a.s]!++;
            }
          }
        },
      ),
      { numRuns: runs(150) },
    );
  });
});
