/**
 * Hostile connections beside legitimate traffic: while a PUSH process sends
 * numbered 3-frame messages to a PULL process, the test keeps a crowd of hostile
 * connections open against the same PULL, each one of:
 *
 * - garbage: random bytes, then close;
 * - truncated: a valid greeting cut short, then close;
 * - slowloris: a valid greeting one byte every 200 ms, never finished (the PULL's
 *   1 s handshake interval must cut it);
 * - oversize claim: greeting, READY, then a frame header claiming 1 GiB and 64 KiB
 *   of it, then close.
 *
 * Every legitimate message must arrive intact and in order, the PULL's RSS must
 * stay bounded (a 1 GiB claim must not become memory), and its open fds must return to the baseline once the hostile
 * connections are gone.
 */
import { randomBytes } from "node:crypto";
import type * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Children, freePort, IMPLS, type ImplName, mb, record, size, sleep } from "../src/harness";
import { claim, connect, greeting, ready } from "../src/raw";

const MESSAGES = size(10_000, 100_000);
const CROWD = size(20, 200);
const HANDSHAKE_MS = 1000;

type Kind = "garbage" | "truncated" | "slowloris" | "oversize";
const KINDS: Kind[] = ["garbage", "truncated", "slowloris", "oversize"];

/** One hostile connection of `kind`, until it is done or `stop()` says so. */
async function hostile(port: number, kind: Kind, stopped: () => boolean): Promise<void> {
  let socket: net.Socket;
  try {
    socket = await connect(port);
  } catch {
    await sleep(10); // refused or reset under load: try again with the next one
    return;
  }
  const hello = greeting();
  switch (kind) {
    case "garbage":
      socket.write(randomBytes(1 + Math.floor(Math.random() * 4096)));
      await sleep(50);
      break;
    case "truncated":
      socket.write(hello.subarray(0, 1 + Math.floor(Math.random() * 63)));
      await sleep(50);
      break;
    case "slowloris":
      for (let i = 0; i < hello.length && !socket.closed && !stopped(); i++) {
        socket.write(hello.subarray(i, i + 1));
        await sleep(200);
      }
      break;
    case "oversize":
      socket.write(Buffer.concat([hello, ready("PUSH"), claim(1n << 30n), randomBytes(65536)]));
      await sleep(200);
      break;
  }
  socket.destroy();
}

describe("hostile connections beside legit traffic", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: ${MESSAGES} legit messages intact beside ${CROWD} hostile connections at a time; fds back to baseline`, async () => {
      const port = await freePort();
      const endpoint = `tcp://127.0.0.1:${port}`;
      const pull = children.start("pull", impl, {
        endpoint,
        options: { handshakeInterval: HANDSHAKE_MS },
      });
      const received: number[] = [];
      let partial = 0;
      pull.onReport = (r) => {
        if (r.type !== "seqs") return;
        received.push(...(r.seqs as number[]));
        partial += r.partial as number;
      };
      const baseline = await pull.next("ready");

      let stop = false;
      const made: Record<Kind, number> = { garbage: 0, truncated: 0, slowloris: 0, oversize: 0 };
      const crowd = Array.from({ length: CROWD }, async (_, i) => {
        for (let n = 0; !stop; n++) {
          const kind = KINDS[(i + n) % KINDS.length]!;
          made[kind]++;
          await hostile(port, kind, () => stop);
        }
      });
      await sleep(500); // the crowd is in place before the legit sender starts
      const push = children.start("push", impl, {
        endpoint,
        count: MESSAGES,
        payload: 64,
        perMs: 10,
      });
      const sent = await push.next("sent", size(60_000, 600_000));
      expect(sent.count).toBe(MESSAGES);
      const deadline = Date.now() + 20_000;
      while (received.length < MESSAGES && Date.now() < deadline) await sleep(50);
      pull.send("stats");
      const during = await pull.next("stats");
      stop = true;
      await Promise.all(crowd);
      await push.kill();

      // Every hostile and the legit connection are gone: fds must come back.
      const start = Date.now();
      let after = during;
      while (Date.now() - start < 10_000) {
        pull.send("stats");
        after = await pull.next("stats");
        if ((after.fds as number) <= (baseline.fds as number)) break;
        await sleep(100);
      }
      const settled = Date.now() - start;
      const inOrder = received.every((seq, i) => seq === i);
      const hostileTotal = Object.values(made).reduce((a, b) => a + b, 0);
      figures[impl] = [
        MESSAGES,
        received.length,
        partial,
        inOrder ? "yes" : "NO",
        CROWD,
        hostileTotal,
        `${made.garbage}/${made.truncated}/${made.slowloris}/${made.oversize}`,
        `${baseline.fds} / ${during.fds} / ${after.fds}`,
        settled,
        `${mb(baseline.rss as number)} -> ${mb(after.maxRss as number)}`,
      ];
      console.log(impl, figures[impl]);
      expect(received.length).toBe(MESSAGES);
      // Messages that are not the legit sender's. libzmq reads a peer whose first
      // byte is not 0xFF as unversioned ZMTP 1.0, so random bytes can come out of
      // a zeromq.js PULL as messages; ours speaks ZMTP 3.x only and delivers none.
      if (impl === "ours") expect(partial).toBe(0);
      expect(inOrder).toBe(true);
      expect(hostileTotal).toBeGreaterThan(CROWD);
      expect(after.fds as number).toBeLessThanOrEqual(baseline.fds as number);
      // CROWD connections each holding at most 64 KiB (+ a 1 GiB claim that must
      // not become memory): far below CROWD x 1 GiB.
      expect((after.maxRss as number) - (baseline.rss as number)).toBeLessThan(
        64 * 1024 * 1024 + CROWD * 256 * 1024,
      );
    });
  }

  it("report", () => {
    record(
      "hostile connections beside a legit PUSH -> PULL (tcp, handshake interval 1 s)",
      [
        "legit sent",
        "received",
        "other messages delivered",
        "in order",
        "hostile at a time",
        "hostile total",
        "garbage/truncated/slowloris/oversize",
        "PULL fds base / during / after",
        "fds settled ms",
        "PULL RSS base -> peak MB",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
