/**
 * The @zmq/node README prints the DELIBERATE table of differences.ts between its
 * `deliberate:start`/`deliberate:end` markers. This test fails when they drift apart;
 * `UPDATE_README=1 npx vitest run --project compat tests/compat/test/readme.test.ts` rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { renderDifferencesMarkdown } from "../differences";

const readme = join(dirname(fileURLToPath(import.meta.url)), "../../../packages/node/README.md");
const START = "<!-- deliberate:start -->";
const END = "<!-- deliberate:end -->";

it("the @zmq/node README prints the DELIBERATE table", () => {
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const wanted = `${START}\n${renderDifferencesMarkdown()}\n${END}`;
  const current = text.slice(start, end + END.length);
  if (process.env.UPDATE_README === "1" && current !== wanted) {
    writeFileSync(readme, text.slice(0, start) + wanted + text.slice(end + END.length));
    return;
  }
  expect(current).toBe(wanted);
});
