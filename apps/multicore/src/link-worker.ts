// The receiving thread of bench-link.ts: reads `count` messages, then reports.
import { parentPort, workerData } from "node:worker_threads";
import { processRegistry } from "@zmq/threads/node";
import { PortLink } from "./port-link";
import { observeGc, perMessage, type ThreadCost, threadCost } from "./thread-cost";

const data = workerData as {
  design:
    | "ring"
    | "port-copy"
    | "port-transfer"
    | "port-copy-transfer"
    | "zeromq.js"
    | "@zmq/node"
    | "ring-echo"
    | "zeromq.js-echo"
    | "@zmq/node-echo";
  name: string;
  count: number;
  /** Messages received before the measured `count` (untimed: the receiving heap's warm-up). */
  warmup?: number;
  size: number;
  port?: import("node:worker_threads").MessagePort;
  ringBytes?: number;
  /** bench-link's --payload: "filled" messages carry their index in every byte. */
  payload?: string;
};
/** Checks a received body: its length, and for filled payloads the last byte. */
const check = (body: Uint8Array, k: number) => {
  if (body.byteLength !== data.size) throw new Error("size");
  if (data.payload === "filled" && body[data.size - 1] !== (k & 255)) throw new Error("content");
};
const post = (message: unknown) => parentPort!.postMessage(message);
const hold = setInterval(() => {}, 1 << 30);
observeGc();
/** This thread's cost from the first message received on (set by `started`). */
let before: ThreadCost | undefined;
const started = () => {
  before = threadCost();
};
const warmup = data.warmup ?? 0;
/** Called with the number of messages received so far: marks the end of the warm-up. */
const progress = (got: number) => {
  if (got === warmup) {
    started();
    if (warmup > 0) post({ warm: true });
  }
};
progress(0);
const done = () => {
  post({ done: true, cost: perMessage(before, threadCost(), data.count) });
  clearInterval(hold);
};

if (data.design === "ring-echo") {
  // Latency: answer each message at once.
  const link = processRegistry().connect(data.name);
  const pump = () => {
    for (let m = link.read(); m !== undefined; m = link.read()) link.write(m);
  };
  link.setHandler({
    readable: pump,
    attached: () => post({ ready: true }),
    closed: () => done(),
  });
  pump();
} else if (data.design === "zeromq.js-echo" || data.design === "@zmq/node-echo") {
  const zmq = data.design === "zeromq.js-echo" ? await import("zeromq") : await import("@zmq/node");
  const pair = new zmq.Pair();
  pair.connect(`inproc://${data.name}`);
  post({ ready: true });
  for (let i = 0; i < data.count; i++) {
    const message = await pair.receive();
    await pair.send(message);
  }
  pair.close();
  done();
} else if (data.design === "ring") {
  const link = processRegistry().connect(data.name, {
    ringBytes: data.ringBytes ?? 1 << 18,
  });
  let got = 0;
  let bytes = 0;
  const pump = () => {
    for (let m = link.read(); m !== undefined; m = link.read()) {
      check(m[0]!, got);
      bytes += m[0]!.byteLength;
      progress(++got);
      if (got === warmup + data.count) {
        if (bytes !== (warmup + data.count) * data.size) throw new Error("short");
        link.close();
        done();
        return;
      }
    }
  };
  link.setHandler({ readable: pump, attached: () => post({ ready: true }) });
  pump();
} else if (data.design === "zeromq.js" || data.design === "@zmq/node") {
  const zmq = data.design === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
  const pull = new zmq.Pull();
  pull.connect(`inproc://${data.name}`);
  post({ ready: true });
  let got = 0;
  for await (const [m] of pull) {
    check(m!, got);
    progress(++got);
    if (got === warmup + data.count) break;
  }
  pull.close();
  done();
} else {
  const link = new PortLink(data.port!, 2000, data.design === "port-transfer");
  let got = 0;
  const pump = () => {
    for (let m = link.read(); m !== undefined; m = link.read()) {
      check(m[0]!, got);
      progress(++got);
      if (got === warmup + data.count) {
        setTimeout(() => link.close(), 10);
        done();
        return;
      }
    }
  };
  link.onReadable = pump;
  post({ ready: true });
  pump();
}
