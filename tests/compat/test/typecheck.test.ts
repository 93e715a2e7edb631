/**
 * zeromq.js programs (../typecheck/*.ts) type-checked against zeromq's declarations and, unchanged,
 * against @zmq/node's built declarations, as ES modules and as CommonJS. Each fixture × mode is a
 * case: its outcome is the list of type errors (none against zeromq), compared like every other
 * compat case (differences.ts).
 */
import { beforeAll, describe, it } from "vitest";
import { expectParity } from "../src/compare";
import { TYPECHECK_CASE_IDS, typecheck } from "../src/typecheck";

let ref: Record<string, string[]> = {};
let ours: Record<string, string[]> = {};

beforeAll(async () => {
  [ref, ours] = await Promise.all([typecheck("zeromq"), typecheck("ours")]);
}, 110_000);

describe("zeromq.js programs type-check against @zmq/node", () => {
  for (const id of [...TYPECHECK_CASE_IDS, "typecheck.other"]) {
    it(id, () => {
      expectParity(id, ref[id] ?? [], ours[id] ?? []);
    });
  }
});
