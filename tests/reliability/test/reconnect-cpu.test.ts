/**
 * Reconnect loops against a closed port: 20 DEALERs retrying (100 ms interval)
 * for a while. File descriptors must stay flat, and the CPU time spent is
 * bounded against the same loop on bare node:net and against zeromq.js's.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Children, freePort, IMPLS, type ImplName, record, SOAK, size } from "../src/harness";

const SOCKETS = 20;
const DURATION = size(3000, 15_000);

describe("reconnect loop against a closed port", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};
  const cpu: Partial<Record<ImplName, number>> = {};

  // The same loop on bare node:net: what Node itself costs per attempt (a socket
  // object, the connect, the error and its stack, the close, a timer): the floor
  // for an implementation on Node's public net API.
  let floorMs: number | undefined;
  it(`node:net floor: ${SOCKETS} plain connect loops for ${DURATION} ms`, async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const child = children.start("reconnect-net", "ours", {
      endpoint,
      sockets: SOCKETS,
      durationMs: DURATION,
    });
    const done = await child.next("done", DURATION * 3 + 30_000);
    floorMs = done.cpuMs as number;
    console.log("node:net floor", Math.round(floorMs), "ms,", done.attempts, "attempts");
    expect(done.attempts as number).toBeGreaterThan(SOCKETS * (DURATION / 200));
  });

  // The same loop on a bare TCP handle (no net.Socket, no error object, nothing
  // but the handle, its connect request and a timer per attempt): what Node
  // costs per wake-up, the floor for any implementation on Node.
  let handleFloorMs: number | undefined;
  let handleFloorRow: unknown[] = [];
  it(`tcp_wrap floor: ${SOCKETS} bare-handle connect loops for ${DURATION} ms`, async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const child = children.start("reconnect-floor", "ours", {
      endpoint,
      sockets: SOCKETS,
      durationMs: DURATION,
    });
    const done = await child.next("done", DURATION * 3 + 30_000);
    handleFloorMs = done.cpuMs as number;
    handleFloorRow = [
      SOCKETS,
      DURATION,
      `${Math.round(done.cpuMs as number)} (${Math.round(done.userMs as number)} user + ${Math.round(done.systemMs as number)} system)`,
      Math.round(done.idleCpuMs as number),
      `${done.fdsBefore} -> ${done.fds}`,
      "",
    ];
    console.log("tcp_wrap floor", Math.round(handleFloorMs), "ms,", done.attempts, "attempts");
    expect(done.attempts as number).toBeGreaterThan(((SOCKETS * DURATION) / 200) * (2 / 3));
  });

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
        `${Math.round(done.cpuMs as number)} (${Math.round(done.userMs as number)} user + ${Math.round(done.systemMs as number)} system)`,
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

  // Issue 16 item 3. Measured on this 2-core VM (tests/reliability/bench,
  // session 8): a Node timer wake-up costs 0.35-0.45 ms of CPU even with an
  // empty callback (a C epoll+timerfd loop: 0.06-0.11 ms), and libzmq's whole
  // attempt, its I/O thread's wake-up included, 0.19 ms with 20 sockets and
  // ~0.43 ms with one. So the loop shares wake-ups (the reconnect jitter on an
  // interval/3 grid, the step as timer slack: ≤ 30 wake-ups/s for 20 sockets,
  // where libzmq's thread wakes ~120/s) and makes each attempt as small as Node
  // allows: a bare TCP handle, a callback (`Connecter.attempt`) and, on Linux,
  // the refused socket connected again (`RawTcpDialer`: no socket, handle or
  // close per attempt; ~0.7x a fresh handle per attempt). Soak-size windows
  // (5 s after connect, 10 s long), alternating, load 0.3-2.8: 20 sockets
  // ours/zeromq.js 1.07-1.63x, median 1.2x (the vitest soak run: 232 vs 114
  // ms, 2.04x, zeromq.js's lowest figure seen), most of it V8 warm-up (TurboFan
  // compiling the loop's functions ~15-20 s after start, on worker threads);
  // after a 30 s warm-up 0.64-1.10x. One socket: 1.50-1.68x, and not
  // reachable: the bare Node loop (handle reused, nothing else) is 1.31-1.68x
  // zeromq.js on its own, its empty timer wake-ups alone 0.80-0.96x. The ratio to zeromq.js is
  // reported, not asserted (zeromq.js's own figure swings 138-349 ms). Session 9:
  // nothing allocated per retry (callback, options, timer and connect request
  // reused): 20 sockets ours/zeromq.js 0.76-1.90x, median 1.12x over 8 rounds
  // at load 0-1 (session 8's build: median 1.16x, worst 3.43x, same rounds);
  // idle, the barest Node loop (bench `lean`) is 1.4-1.5x zeromq.js, under load
  // 0.7x; one socket 1.18-2.10x (the bare loop 1.36-1.57x). Against the node:net loop: 0.20x (CI size) / 0.27x (soak,
  // session 8), asserted at 0.6x (was 1.2x / 1.1x).
  const bound = 0.6;
  it(`ours spends at most ${bound}x the node:net floor's CPU`, () => {
    expect(cpu.ours).toBeDefined();
    expect(cpu.zeromq).toBeDefined();
    expect(floorMs).toBeDefined();
    console.log(
      "ours / zeromq.js",
      (cpu.ours! / cpu.zeromq!).toFixed(2),
      "ours / node:net floor",
      (cpu.ours! / floorMs!).toFixed(2),
      "ours / tcp_wrap floor",
      (cpu.ours! / handleFloorMs!).toFixed(2),
      "zeromq.js / tcp_wrap floor",
      (cpu.zeromq! / handleFloorMs!).toFixed(2),
    );
    expect(cpu.ours!).toBeLessThanOrEqual(floorMs! * bound);
  });

  // Against the bare-handle floor, which pays a timer wake-up and a fresh handle
  // per attempt where ours shares wake-ups and reuses the handle: measured
  // 0.56-0.71x at soak size with fresh handles (1.0-1.3x before the shared
  // grid; 0.68x in the session-8 soak run, asserted at 0.9x since session 9, was
  // 1.0x). A return to a wake-up per attempt fails it. Asserted at soak size
  // only: at CI size the floor is ~25-40 ms of CPU and the ratio swung 1.0-2.5x
  // between runs (fresh-clone CI failed on it once); CI still asserts the
  // node:net floor bound above and prints this ratio.
  const handleBound = 0.9;
  it.runIf(SOAK)(`ours spends at most ${handleBound}x the tcp_wrap floor's CPU`, () => {
    expect(handleFloorMs).toBeDefined();
    expect(cpu.ours!).toBeLessThanOrEqual(handleFloorMs! * handleBound);
  });

  it("report", () => {
    record(
      `${SOCKETS} DEALERs reconnecting to a closed tcp port`,
      [
        "sockets",
        "duration ms",
        "CPU ms while retrying (last 2/3; user + system)",
        "CPU ms idle (same time, no sockets)",
        "fds (at 1/3 -> end)",
        "bare node:net loop CPU ms (same run)",
      ],
      Object.fromEntries(
        Object.entries(figures).map(([impl, row]) => [impl, [...row, Math.round(floorMs ?? 0)]]),
      ) as Record<ImplName, unknown[]>,
      { "bare tcp_wrap loop (floor)": handleFloorRow },
    );
  });
});
