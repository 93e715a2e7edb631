/**
 * Simulated trouble for the reliability demos: after a number of calm
 * requests, each request may crash the server or stall it for longer than a
 * client waits. Rates 0 and 1 make it deterministic; in between it is random
 * (seeded, so a run can be replayed).
 */
import { seededRandom } from "../lib/cli";

export interface TroubleOptions {
  /** Requests served normally before trouble may start. */
  calm?: number;
  /** Chance per request of crashing, 0..1. */
  crashRate?: number;
  /** Chance per request of stalling, 0..1. */
  stallRate?: number;
  seed?: number;
}

export type Trouble = "crash" | "stall" | undefined;

export function trouble(options: TroubleOptions): () => Trouble {
  const { calm = 3, crashRate = 0, stallRate = 0, seed = Date.now() } = options;
  const random = seededRandom(seed);
  let served = 0;
  return () => {
    if (++served <= calm) return undefined;
    const roll = random();
    if (roll < crashRate) return "crash";
    if (roll < crashRate + stallRate) return "stall";
    return undefined;
  };
}

/** Trouble flags shared by the lazy server and the paranoid worker. */
export const troubleFlags = ["calm", "crash-rate", "stall-rate", "stall-ms", "seed"] as const;
