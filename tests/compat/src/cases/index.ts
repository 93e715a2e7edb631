/** Every compat case, in one list. */
import type { Case } from "../harness";
import { apiCases, setterCases } from "./api";
import { behaviourCases, probeCases } from "./behaviour";
import { errorCases } from "./errors";
import { exitCases } from "./exit";

export const allCases: Case[] = [
  ...apiCases,
  ...setterCases,
  ...errorCases,
  ...behaviourCases,
  ...probeCases,
  ...exitCases,
];

const seen = new Set<string>();
for (const c of allCases) {
  if (seen.has(c.id)) throw new Error(`duplicate compat case id ${c.id}`);
  seen.add(c.id);
}
