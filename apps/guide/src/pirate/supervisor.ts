/**
 * Keeps a crashing role running: starts it, and whenever it dies with a
 * non-zero exit code, starts it again (what an init system would do), until
 * stopped.
 */
import { sleep } from "../lib/cli";
import type { RoleProcess } from "../lib/processes";

export interface Supervised {
  /** How many times the role was started again after dying. */
  restarts(): number;
  /** Every process started so far (the last one is the live one). */
  processes(): RoleProcess[];
  /** Stops the live process and the restarting; resolves once it has ended. */
  stop(): Promise<void>;
}

export function supervise(startRole: (n: number) => RoleProcess, delayMs = 100): Supervised {
  const started: RoleProcess[] = [];
  let stopping = false;
  const loop = (async () => {
    for (let n = 0; !stopping; n++) {
      const role = startRole(n);
      started.push(role);
      const code = await role.exited;
      if (stopping || code === 0) return;
      console.log(`[supervisor] ${role.name} died (${code}), restarting`);
      await sleep(delayMs);
    }
  })();
  return {
    restarts: () => started.length - 1,
    processes: () => started,
    async stop() {
      stopping = true;
      const live = started.at(-1);
      live?.stop();
      // A role that ignores SIGTERM for 5 s is killed.
      const timer = setTimeout(() => live?.stop("SIGKILL"), 5000);
      await loop;
      clearTimeout(timer);
    },
  };
}
