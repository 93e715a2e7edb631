/**
 * What one thread spent: CPU time and minor page faults of the calling thread
 * (Linux: /proc/thread-self/stat; elsewhere undefined), and time in garbage
 * collection (this thread's isolate). Throughput on a shared machine moves with
 * the load; CPU per message per thread does much less, so the benchmarks
 * report both.
 */
import { readFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";

export interface ThreadCost {
  /** CPU milliseconds (user + system) of this thread. */
  cpuMs: number;
  /** Minor page faults of this thread (first touches of fresh memory). */
  faults: number;
  /** Milliseconds of garbage collection pauses in this thread. */
  gcMs: number;
  /** Of those, the full (mark-compact) collections' milliseconds and count. */
  majorMs: number;
  majors: number;
}

let gcMs = 0;
let majorMs = 0;
let majors = 0;
/** `PerformanceEntry.detail.kind` of a full collection (perf_hooks' NODE_PERFORMANCE_GC_MAJOR). */
const GC_MAJOR = 4;
let observing = false;

/** Starts counting this thread's GC pauses (once per thread). */
export function observeGc(): void {
  if (observing) return;
  observing = true;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === GC_MAJOR) {
        majorMs += entry.duration;
        majors++;
      }
    }
  }).observe({ entryTypes: ["gc"] });
}

/** This thread's totals so far, or undefined where /proc/thread-self is missing. */
export function threadCost(): ThreadCost | undefined {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    // Fields after "(comm) ": state is [0], minflt [7], utime [11], stime [12] (clock ticks, 100 Hz on Linux).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
      faults: Number(fields[7]),
      gcMs,
      majorMs,
      majors,
    };
  } catch {
    return undefined;
  }
}

/** A thread's cost per message over a run. */
export interface MessageCost {
  cpuUs: number;
  faults: number;
  /** GC pauses, all kinds. */
  gcUs: number;
  /** Full (mark-compact) GC pauses per message, and how many there were in the run. */
  majorUs: number;
  majors: number;
}

/** `after - before`, per message (CPU and GC in µs, faults as a count). */
export function perMessage(
  before: ThreadCost | undefined,
  after: ThreadCost | undefined,
  count: number,
): MessageCost | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    cpuUs: ((after.cpuMs - before.cpuMs) * 1000) / count,
    faults: (after.faults - before.faults) / count,
    gcUs: ((after.gcMs - before.gcMs) * 1000) / count,
    majorUs: ((after.majorMs - before.majorMs) * 1000) / count,
    majors: after.majors - before.majors,
  };
}
