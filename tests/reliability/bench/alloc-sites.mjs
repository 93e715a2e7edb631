/**
 * Where 20 reconnect loops allocate: V8's sampling heap profiler (objects a
 * scavenge collected included) over 8 s, after `WARM` ms (default 3000),
 * grouped by the last four frames. `node alloc-sites.mjs ours|base <loops> <closed port>`
 * (`base`: the @zmq/node module at `BASE_NODE`).
 */
import { Session } from "node:inspector/promises";

const [mode, loopsArg, port] = process.argv.slice(2);
const zmq = mode === "base" ? await import(process.env.BASE_NODE) : await import("@zmq/node");
const session = new Session();
session.connect();
const sockets = [];
for (let i = 0; i < Number(loopsArg); i++) {
  const s = new zmq.Dealer({ linger: 0 });
  s.connect(`tcp://127.0.0.1:${port}`);
  sockets.push(s);
}
await new Promise((r) => setTimeout(r, Number(process.env.WARM ?? 3000)));
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await new Promise((r) => setTimeout(r, 8000));
const { profile } = await session.post("HeapProfiler.stopSampling");
const rows = new Map();
const walk = (n, stack) => {
  const f = n.callFrame;
  const name = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber}`;
  const s = [...stack, name];
  if (n.selfSize > 0) {
    const k = s.slice(-4).join(" < ");
    rows.set(k, (rows.get(k) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, s);
};
walk(profile.head, []);
let total = 0;
for (const v of rows.values()) total += v;
console.log("total", total, "bytes in 8 s");
for (const [k, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(String(v).padStart(8), k.split(" < ").reverse().join(" < "));
for (const s of sockets) s.close();
process.exit(0);
