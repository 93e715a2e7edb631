/** Messages between the harness (main.ts) and its worker processes (worker.ts). */

/** Worker roles; each is one side of a case (see worker.ts). */
export type Role =
  | "pull"
  | "push"
  | "inproc-throughput"
  | "rep"
  | "req"
  | "inproc-latency"
  | "router-echo"
  | "dealers"
  | "fanout-pub"
  | "fanout-subs"
  | "stalled-sub"
  | "pub-memory"
  | "router-idle"
  | "raw-clients";

/** Parameters a worker receives as JSON in argv. */
export interface Params {
  endpoint?: string;
  size?: number;
  durationMs?: number;
  /** Warm latency and ROUTER cases: ms of round trips before measuring (latency default: durationMs). */
  warmupMs?: number;
  /** SNDHWM and RCVHWM on both sides (0 = unlimited); default: the library's (1000). */
  highWaterMark?: number;
  /** Throughput: frames per message (each `size` bytes); default 1. */
  frames?: number;
  /** Throughput: the receiver's loop, `await receive()` or `for await`; default receive. */
  receive?: "receive" | "iterate";
  /** Latency: a fixed number of round trips with no warm-up (a cold start). */
  count?: number;
  /** ROUTER case: DEALER sockets in the client process. */
  dealers?: number;
  subscribers?: number;
  messages?: number;
  connections?: number;
  /** Abort a memory case once RSS passes this many bytes. */
  rssLimit?: number;
  /** CURVE keys (40-char Z85): PULL is the CURVE server, PUSH the client. */
  curve?: {
    serverPublic: string;
    serverSecret: string;
    clientPublic: string;
    clientSecret: string;
  };
}

/** Harness → worker. */
export type Command = { cmd: "go" } | { cmd: "measure" };

/** Worker → harness. */
export type Report =
  | { type: "ready"; endpoint?: string; rss?: number }
  | { type: "progress"; [key: string]: unknown }
  | { type: "result"; [key: string]: unknown }
  | { type: "error"; message: string };

/** Memory figures of a process (bytes), after a forced GC where available. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** The JavaScript heap's committed size (heapUsed plus the collector's slack). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
