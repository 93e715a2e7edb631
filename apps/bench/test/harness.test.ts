/**
 * A smoke test of the benchmark harness, not a benchmark: one short inproc case
 * of each kind, our implementation only, through main.ts and real worker
 * processes. The benchmark itself never runs in `pnpm test`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { quantile } from "../src/stats";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "zmq-bench-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stats", () => {
  it("takes quantiles of 300,000 samples without spreading them as arguments", () => {
    const samples = new Float64Array(300_000);
    for (let i = 0; i < samples.length; i++) samples[i] = samples.length - i;
    expect(quantile(samples, 0.5)).toBeCloseTo(150_000.5, 6);
    expect(quantile(samples, 1)).toBe(300_000);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("harness", () => {
  it("runs a throughput and a cold latency case and reports numbers and the worst line", async () => {
    const out = join(dir, "results.json");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--conditions=@zmq/source",
        "--import",
        "tsx",
        MAIN,
        "--quick",
        "--impl",
        "ours",
        "--duration",
        "100",
        "--only",
        "inproc-throughput 16 B for-await hwm=0,inproc-latency 16 B cold",
        "--out",
        out,
      ],
      { timeout: 60_000 },
    );
    expect(stdout).toContain("WORST:");
    const json = JSON.parse(readFileSync(out, "utf8")) as {
      cases: { id: string; metrics: { ours: { median: number } }[] }[];
    };
    expect(json.cases.map((c) => c.id)).toEqual([
      "inproc-throughput 16 B for-await hwm=0",
      "inproc-latency 16 B cold first 1k",
    ]);
    for (const c of json.cases) expect(c.metrics[0]!.ours.median).toBeGreaterThan(0);
  }, 90_000);
});
