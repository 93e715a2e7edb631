/**
 * Where a reconnect loop's CPU goes: one configuration per process, reporting
 * the process's CPU over a window and each thread's CPU and voluntary context
 * switches (its wake-ups) from /proc (Linux only).
 *
 *   node reconnect-cpu.mjs <mode> <loops> <windowMs> <closed port>
 *
 * Modes: `timer` (only the wake-ups: the shared-grid timer, no attempt), `bare`
 * (a fresh tcp_wrap handle per attempt and a 100-199 ms timer each), `grid`
 * (the same attempts on the shared interval/3 grid the socket layer uses),
 * `reuse` (grid, and the refused handle connected again, as `RawTcpDialer`),
 * `lean` (as `reuse`, with one connect request per loop for its whole life: no
 * allocation per attempt but the grid's),
 * `ours` / `zeromq` (DEALERs with linger 0, default 100 ms interval), `base`
 * (as `ours`, on the @zmq/node module at `BASE_NODE`: an A/B against another build).
 * The implementation is imported at start; `SCHED=test` then idles for the
 * window first, as the reconnect-cpu test's child does (so V8's post-start-up
 * memory-reducer GCs fall before the window), else it warms up `WARM` ms
 * (default 2000). Run the modes alternately (`reconnect-cpu.sh`) and compare
 * within one run only: the machine's load moves every figure.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [mode, loopsArg, windowArg, portArg] = process.argv.slice(2);
const loops = Number(loopsArg);
const windowMs = Number(windowArg);
const port = Number(portArg);

function threads() {
  const out = new Map();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      const status = readFileSync(`/proc/self/task/${tid}/status`, "utf8");
      const wakeups = Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
      // minflt: field 10 of stat, counted after the ")" that ends the name
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const faults = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
      out.set(tid, { name: tid === String(process.pid) ? "main" : comm, ns, wakeups, faults });
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const wrap = process.binding("tcp_wrap");
const UV_ECONNABORTED = -103;
let attempts = 0;
let stop = false;
const closers = [];

const zmq =
  mode === "ours"
    ? await import("@zmq/node")
    : mode === "base"
      ? await import(process.env.BASE_NODE)
      : mode === "zeromq"
        ? createRequire(import.meta.url)("zeromq")
        : undefined;
if (process.env.SCHED === "test") await sleep(windowMs);

if (zmq !== undefined) {
  for (let i = 0; i < loops; i++) {
    const socket = new zmq.Dealer({ linger: 0 });
    socket.connect(`tcp://127.0.0.1:${port}`);
    closers.push(() => socket.close());
  }
} else {
  // The socket layer's grid: a retry 100 ms + 0 or 1 step of 33 ms, rounded up
  // to the 33 ms grid; every loop due at a grid point shares one Node timer.
  const steps = new Map();
  const fire = (at) => {
    const due = steps.get(at);
    steps.delete(at);
    for (const loop of due) loop();
  };
  const again = (loop) => {
    if (mode === "bare") {
      setTimeout(loop, 100 + Math.floor(Math.random() * 100)).unref();
      return;
    }
    const now = performance.now();
    const at = Math.ceil((now + 100 + 33 * Math.floor(Math.random() * 2)) / 33) * 33;
    let due = steps.get(at);
    if (due === undefined) {
      due = [];
      steps.set(at, due);
      setTimeout(fire, Math.ceil(at - now), at).unref();
    }
    due.push(loop);
  };
  const fresh = () => {
    const loop = () => {
      if (stop) return;
      attempts++;
      if (mode === "timer") return again(loop);
      const handle = new wrap.TCP(wrap.constants.SOCKET);
      handle.unref();
      const req = new wrap.TCPConnectWrap();
      req.oncomplete = () => {
        handle.close();
        again(loop);
      };
      if (handle.connect(req, "127.0.0.1", port) < 0) {
        handle.close();
        again(loop);
      }
    };
    return loop;
  };
  const reused = () => {
    let handle;
    const loop = () => {
      if (stop) return;
      attempts++;
      if (handle === undefined) {
        handle = new wrap.TCP(wrap.constants.SOCKET);
        handle.unref();
      }
      const req = new wrap.TCPConnectWrap();
      req.oncomplete = () => again(loop);
      let status = handle.connect(req, "127.0.0.1", port);
      if (status === UV_ECONNABORTED) status = handle.connect(req, "127.0.0.1", port);
      if (status < 0) {
        handle.close();
        handle = undefined;
        again(loop);
      }
    };
    return loop;
  };
  // What libzmq does per attempt and nothing else: one handle and one connect
  // request per loop for its whole life, one callback, no allocation per attempt.
  const lean = () => {
    const handle = new wrap.TCP(wrap.constants.SOCKET);
    handle.unref();
    const req = new wrap.TCPConnectWrap();
    const loop = () => {
      if (stop) return;
      attempts++;
      let status = handle.connect(req, "127.0.0.1", port);
      if (status === UV_ECONNABORTED) status = handle.connect(req, "127.0.0.1", port);
      if (status < 0) throw new Error(`connect: ${status}`);
    };
    req.oncomplete = () => again(loop);
    return loop;
  };
  const make = { timer: fresh, bare: fresh, grid: fresh, reuse: reused, lean }[mode];
  if (make === undefined) throw new Error(`unknown mode ${mode}`);
  for (let i = 0; i < loops; i++) make()();
}

await sleep(process.env.SCHED === "test" ? windowMs / 2 : Number(process.env.WARM ?? 2000));
const attemptsBefore = attempts;
const before = threads();
const start = process.cpuUsage();
await sleep(windowMs);
const cpu = process.cpuUsage(start);
const after = threads();
stop = true;
const perThread = [];
for (const [tid, t] of after) {
  const b = before.get(tid) ?? { ns: 0, wakeups: 0, faults: 0 };
  const ms = (t.ns - b.ns) / 1e6;
  if (ms >= 0.1) {
    perThread.push(
      `${t.name} ${ms.toFixed(1)} ms/${t.wakeups - b.wakeups} wake-ups/${t.faults - b.faults} faults`,
    );
  }
}
console.log(
  JSON.stringify({
    mode,
    loops,
    cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    attempts: zmq === undefined ? attempts - attemptsBefore : undefined,
    threads: perThread.join(", "),
  }),
);
for (const close of closers) close();
process.exit(0);
