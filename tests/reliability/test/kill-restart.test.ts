/**
 * A PULL process is SIGKILLed and restarted on the same port, again and again,
 * while a PUSH process keeps sending 3-frame messages with sequence numbers.
 * Every message that arrives must be whole (3 frames, payload matching its
 * number), none twice, all in send order; the PUSH must reach every new PULL.
 * Some kills land right after the bind, while the PUSH may be mid-handshake.
 *
 * The time from a restarted PULL's bind to its first message is split into the
 * PUSH's reconnect wait (bind to the first accepted connection: the same for
 * both implementations, reconnectInterval plus jitter, see reconnect-timing)
 * and the new process's handshake and delivery (accept to first message): a
 * freshly started Node process runs that path for the first time (lazy
 * compilation, first garbage collections), measured at 10-40 ms of CPU for ours
 * against 1-5 ms for libzmq. That cold start, not the reconnect timing, is the
 * difference between the two rows' p50.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type Child,
  Children,
  freePort,
  IMPLS,
  type ImplName,
  type Report,
  record,
  size,
  sleep,
} from "../src/harness";

const KILLS = size(3, 20);
const HANDSHAKE_KILLS = size(2, 40);
/** Traffic each PULL sees before it is killed. */
const RUN_MS = size(300, 500);
/** Messages per millisecond: a steady stream that leaves the machine some CPU. */
const PER_MS = 20;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe("kill -9 and restart of a PULL process", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: ${KILLS} kills after traffic and ${HANDSHAKE_KILLS} right after bind: nothing partial, duplicated or reordered`, async () => {
      const port = await freePort();
      const endpoint = `tcp://127.0.0.1:${port}`;
      const received: number[] = [];
      let partial = 0;
      const latencies: number[] = [];
      /** Of each latency: bind to the first accepted connection (the PUSH's reconnect wait), and accept to the first message. */
      const waits: number[] = [];
      const handshakes: number[] = [];

      const startPull = async (): Promise<{ child: Child; ready: Report }> => {
        const child = children.start("pull", impl, { endpoint });
        child.onReport = (r) => {
          if (r.type !== "seqs") return;
          received.push(...(r.seqs as number[]));
          partial += r.partial as number;
        };
        const ready = await child.next("ready");
        return { child, ready };
      };

      let pull = await startPull();
      const push = children.start("push", impl, {
        endpoint: `tcp://127.0.0.1:${port}`,
        payload: 64,
        perMs: PER_MS,
      });
      await push.next("ready");
      for (let kill = 0; kill < KILLS + HANDSHAKE_KILLS; kill++) {
        if (kill < KILLS) {
          const first = await pull.child.next("first", 10_000);
          // The first PULL waited for the PUSH process to start: not a restart.
          if (kill > 0) {
            const accepted = await pull.child.next("accepted");
            latencies.push((first.at as number) - (pull.ready.at as number));
            waits.push((accepted.at as number) - (pull.ready.at as number));
            handshakes.push((first.at as number) - (accepted.at as number));
          }
          await sleep(RUN_MS);
        } else {
          await sleep((kill * 7) % 20); // somewhere in the connect / greeting / handshake
        }
        await pull.child.kill();
        pull = await startPull();
      }
      // The last PULL must be reached too; then stop and drain.
      const first = await pull.child.next("first", 10_000);
      const accepted = await pull.child.next("accepted");
      latencies.push((first.at as number) - (pull.ready.at as number));
      waits.push((accepted.at as number) - (pull.ready.at as number));
      handshakes.push((first.at as number) - (accepted.at as number));
      await sleep(RUN_MS);
      push.send("stop");
      const sent = (await push.next("sent")).count as number;
      let last = -1;
      while (received.length !== last) {
        last = received.length;
        await sleep(300);
      }

      let duplicates = 0;
      let reordered = 0;
      const seen = new Set<number>();
      for (let i = 0; i < received.length; i++) {
        if (seen.has(received[i]!)) duplicates++;
        seen.add(received[i]!);
        if (i > 0 && received[i]! < received[i - 1]!) reordered++;
      }
      const kills = KILLS + HANDSHAKE_KILLS;
      const lost = sent - seen.size;
      figures[impl] = [
        kills,
        sent,
        received.length,
        Math.round(lost / kills),
        duplicates,
        partial,
        reordered,
        `${percentile(latencies, 50)} / ${percentile(latencies, 90)} / ${Math.max(...latencies)}`,
        `${percentile(waits, 50)} / ${percentile(handshakes, 50)}`,
      ];
      console.log(impl, figures[impl]);
      expect(partial).toBe(0);
      expect(duplicates).toBe(0);
      expect(reordered).toBe(0);
      expect(received.length).toBeGreaterThan(0);
      expect(received.length).toBeLessThanOrEqual(sent);
      // Every restarted PULL was reached, within a few reconnect intervals.
      expect(latencies).toHaveLength(KILLS);
      expect(percentile(latencies, 50)).toBeLessThan(1000);
      expect(Math.max(...latencies)).toBeLessThan(5000);
    });
  }

  it("report", () => {
    record(
      "kill -9 / restart of PULL while PUSH sends 3-frame messages (tcp)",
      [
        "kills",
        "sent",
        "received",
        "lost per kill",
        "duplicates",
        "partial",
        "reordered",
        "first message after restart ms (p50 / p90 / max)",
        "of which bind -> accepted / accepted -> first message ms (p50)",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
