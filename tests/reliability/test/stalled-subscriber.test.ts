/**
 * A stalled subscriber: the SUB process is SIGSTOPped, the PUB keeps sending.
 * Once the kernel buffers and the SUB's pipe (high-water mark 1000) are full, PUB
 * must drop, so its memory stays bounded whatever it sends.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Children, freePort, IMPLS, type ImplName, mb, record, size } from "../src/harness";

const COUNT = size(100_000, 10_000_000);
const SIZE = size(1024, 100);

describe("stalled subscriber", () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const figures: Partial<Record<ImplName, unknown[]>> = {};

  for (const impl of IMPLS) {
    it(`${impl}: PUB sends ${COUNT} x ${SIZE} B to a SIGSTOPped SUB with bounded memory`, async () => {
      const endpoint = `tcp://127.0.0.1:${await freePort()}`;
      const pub = children.start("pub", impl, { endpoint, count: COUNT, size: SIZE });
      await pub.next("ready");
      const sub = children.start("sub", impl, { endpoint });
      await sub.next("receiving", 20_000);
      sub.signal("SIGSTOP");
      pub.send("go");
      const done = await pub.next("done", size(60_000, 1_200_000));
      const before = (done.before as { rss: number }).rss;
      const growth = (done.peak as number) - before;
      figures[impl] = [
        COUNT,
        SIZE,
        mb(COUNT * SIZE),
        Math.round((COUNT / (done.ms as number)) * 1000),
        mb(before),
        mb(growth),
      ];
      console.log(impl, figures[impl]);
      // Queueing everything would take COUNT * SIZE (100 MB at CI size) and more.
      expect(growth).toBeLessThan(40 * 1024 * 1024);
    });
  }

  it("report", () => {
    record(
      "PUB to a SIGSTOPped SUB (tcp)",
      [
        "messages",
        "bytes each",
        "total MB sent",
        "msg/s",
        "PUB RSS before MB",
        "PUB RSS growth at peak MB",
      ],
      figures as Record<ImplName, unknown[]>,
    );
  });
});
