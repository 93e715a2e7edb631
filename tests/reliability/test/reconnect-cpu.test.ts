/**
 * Reconnect loops against a closed port: 20 DEALERs retrying (100 ms interval)
 * for a while. File descriptors must stay flat, and the CPU time spent should be
 * no more than zeromq.js's for the same loop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Children, freePort, IMPLS, type ImplName, record, size } from "../src/harness";

const SOCKETS = 20;
const DURATION = size(3000, 15_000);

describe("reconnect loop against a closed port", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};
  const cpu: Partial<Record<ImplName, number>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: ${SOCKETS} sockets retrying for ${DURATION} ms keep fds flat`, async () => {
      const endpoint = `tcp://127.0.0.1:${await freePort()}`;
      const child = children.start("reconnect-cpu", impl, {
        endpoint,
        sockets: SOCKETS,
        durationMs: DURATION,
      });
      const done = await child.next("done", DURATION * 3 + 30_000);
      cpu[impl] = done.cpuMs as number;
      figures[impl] = [
        SOCKETS,
        DURATION,
        Math.round(done.cpuMs as number),
        Math.round(done.idleCpuMs as number),
        `${done.fdsBefore} -> ${done.fds}`,
      ];
      console.log(impl, figures[impl]);
      // Between a third of the way and the end: at most the attempts in flight
      // (one fd per socket), nothing accumulating.
      expect(Math.abs((done.fds as number) - (done.fdsBefore as number))).toBeLessThanOrEqual(
        SOCKETS,
      );
    });
  }

  // KNOWN FAILING (issue 16, item 3, "cheaper reconnect loops"): ours spends
  // about 3-4x zeromq.js's CPU on this loop. Flip to `it` when it passes.
  it.fails("ours spends no more CPU than zeromq.js on the same loop (known failing)", () => {
    expect(cpu.ours).toBeDefined();
    expect(cpu.zeromq).toBeDefined();
    expect(cpu.ours!).toBeLessThanOrEqual(cpu.zeromq! * 1.1);
  });

  it("report", () => {
    record(
      `${SOCKETS} DEALERs reconnecting to a closed tcp port`,
      [
        "sockets",
        "duration ms",
        "CPU ms while retrying",
        "CPU ms idle (same duration, no sockets)",
        "fds (at 1/3 -> end)",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
