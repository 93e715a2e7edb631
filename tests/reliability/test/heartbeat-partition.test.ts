/**
 * Heartbeats across a partition: a DEALER with heartbeats every 100 ms and a
 * 500 ms timeout talks to a ROUTER process that is then SIGSTOPped (its kernel
 * still holds the TCP connection open, so only heartbeats can tell). The DEALER
 * must report a disconnect within the timeout window, and be back (handshake
 * done, a request answered) soon after SIGCONT.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Children, freePort, IMPLS, type ImplName, record, size, sleep } from "../src/harness";

const CYCLES = size(2, 10);
const INTERVAL = 100;
const TIMEOUT = 500;
/** How long the ROUTER stays stopped after the disconnect was seen. */
const HOLD_MS = 500;

describe("SIGSTOP / SIGCONT partition with heartbeats", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: ${CYCLES} partitions: disconnect within the timeout window, back after SIGCONT`, async () => {
      const port = await freePort();
      const endpoint = `tcp://127.0.0.1:${port}`;
      const router = children.start("router", impl, { endpoint });
      await router.next("ready");
      const dealer = children.start("dealer", impl, {
        endpoint,
        options: { heartbeatInterval: INTERVAL, heartbeatTimeout: TIMEOUT },
      });
      await dealer.next("ready");
      await dealer.next("event", 10_000, (r) => r.event === "handshake");
      dealer.send("ping");
      expect((await dealer.next("pong")).ok).toBe(true);

      const detect: number[] = [];
      const recover: number[] = [];
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        dealer.discard("event");
        const stoppedAt = Date.now();
        router.signal("SIGSTOP");
        const gone = await dealer.next("event", 10_000, (r) => r.event === "disconnect");
        detect.push((gone.at as number) - stoppedAt);
        await sleep(HOLD_MS);
        dealer.discard("event");
        const resumedAt = Date.now();
        router.signal("SIGCONT");
        const back = await dealer.next("event", 10_000, (r) => r.event === "handshake");
        recover.push((back.at as number) - resumedAt);
        dealer.send("ping");
        expect((await dealer.next("pong", 10_000)).ok).toBe(true);
      }
      figures[impl] = [
        CYCLES,
        `${INTERVAL} / ${TIMEOUT}`,
        `${Math.min(...detect)}-${Math.max(...detect)}`,
        `${Math.min(...recover)}-${Math.max(...recover)}`,
      ];
      console.log(impl, figures[impl]);
      // Silence is noticed between the timeout and the timeout plus one interval
      // (the check runs on the heartbeat timer), with slack for a loaded machine.
      expect(Math.min(...detect)).toBeGreaterThanOrEqual(TIMEOUT - INTERVAL);
      expect(Math.max(...detect)).toBeLessThanOrEqual(TIMEOUT + INTERVAL + 700);
      expect(Math.max(...recover)).toBeLessThanOrEqual(2000);
    });
  }

  it("report", () => {
    record(
      "SIGSTOP / SIGCONT of a ROUTER, DEALER with heartbeats (tcp)",
      [
        "partitions",
        "heartbeat ivl / timeout ms",
        "disconnect after SIGSTOP ms (min-max)",
        "handshake after SIGCONT ms (min-max)",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
