/**
 * One big frame over tcp, sent by zeromq.js, received by each implementation:
 * the receiver's peak RSS must stay near the frame's own size (it used to keep
 * every chunk and then copy them: 2x the frame; then every socket read was a
 * fresh buffer waiting for the GC: 1.43x at 200 MB; now the socket is read
 * straight into the frame's buffer: 1.28x, zeromq.js 1.26x).
 *
 * The receiver is plain JavaScript on the built packages when `pnpm build` is
 * fresh (as in `pnpm test` and `pnpm soak`), so the absolute peak is checked too;
 * otherwise it runs from source under a TypeScript loader, whose own memory
 * makes only the growth over the baseline meaningful.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  BUILT,
  Children,
  IMPLS,
  type ImplName,
  mb,
  record,
  SOAK,
  SOURCE_ARGV,
  size,
} from "../src/harness";

/** BIG_FRAME_MB=1024 measures another size (e.g. 1 GiB, with the memory for it). */
const FRAME = process.env.BIG_FRAME_MB
  ? Number(process.env.BIG_FRAME_MB) * 1024 * 1024
  : size(64 * 1024 * 1024, 200 * 1024 * 1024);
const RECEIVER = fileURLToPath(new URL("../src/big-recv.mjs", import.meta.url));
const SCRIPT = { path: RECEIVER, execArgv: [...(BUILT ? [] : SOURCE_ARGV), "--expose-gc"] };

describe("big frame", () => {
  const children = new Children();
  afterEach(() => children.killAll());

  const figures: Partial<Record<ImplName, unknown[]>> = {};
  const peaks: Partial<Record<ImplName, number>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: a ${mb(FRAME)} MB frame arrives intact; RSS grows <= 1.1x its size + 20 MiB`, async () => {
      const receiver = children.start("big-recv", impl, {}, SCRIPT);
      const ready = await receiver.next("ready");
      const sender = children.start("big-send", "zeromq", {
        endpoint: ready.endpoint,
        size: FRAME,
      });
      const sent = await sender.next("sent", 120_000);
      const done = await receiver.next("done", 120_000);
      expect(done.size).toBe(FRAME);
      expect(done.hash).toBe(sent.hash);
      const peak = done.maxRss as number;
      const growth = peak - (done.baseline as number);
      figures[impl] = [
        mb(FRAME),
        BUILT ? "dist" : "source+tsx",
        mb(done.baseline as number),
        mb(peak),
        mb(growth),
        (peak / FRAME).toFixed(2),
        (growth / FRAME).toFixed(2),
      ];
      peaks[impl] = peak;
      console.log(impl, figures[impl]);
      // The frame, what arrived before its buffer was allocated (1/64 of it, held
      // in 64 KiB read slabs, then copied in), and a few read slabs. Keeping
      // every chunk plus a copy was 2x; fresh per-read buffers ~1.17x at 200 MB.
      expect(growth).toBeLessThanOrEqual(1.1 * FRAME + 20 * 1024 * 1024);
    });
  }

  const full = SOAK && BUILT && FRAME >= 200 * 1024 * 1024;
  it.skipIf(!full)("zeromq: the full-size frame peaks at <= 1.3x its size", () => {
    expect(peaks.zeromq).toBeLessThanOrEqual(1.3 * FRAME);
  });

  // The bar on a plain process is 1.3x the frame *including* Node's own
  // ~52 MB, which leaves ~8 MB over a 200 MB frame: met since the accepted
  // socket is read through `onread` straight into the frame's buffer (1.28x
  // measured; zeromq.js 1.26x) and the unlimited-size claim ratio is 1/64.
  it.skipIf(!full)("ours: the full-size frame peaks at <= 1.3x its size", () => {
    expect(peaks.ours).toBeLessThanOrEqual(1.3 * FRAME);
  });

  it("report", () => {
    record(
      `big frame of ${mb(FRAME)} MB (zeromq.js PUSH -> PULL, tcp)`,
      [
        "frame MB",
        "receiver",
        "baseline RSS MB",
        "peak RSS MB",
        "growth MB",
        "peak/frame",
        "growth/frame",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
