/**
 * Bytes allocated per second in V8's new space by reconnect loops: sums the
 * growth of new space between samples (a sample after a scavenge counts from
 * 0), over 8 s after `WARM` ms (default 3000). The sampling itself allocates
 * ~30 KB/s (run with 0 loops). `node alloc-rate.mjs ours|base <loops> <closed port>`.
 */
import v8 from "node:v8";

const [mode, loopsArg, port] = process.argv.slice(2);
const zmq = mode === "base" ? await import(process.env.BASE_NODE) : await import("@zmq/node");
const sockets = [];
for (let i = 0; i < Number(loopsArg); i++) {
  const s = new zmq.Dealer({ linger: 0 });
  s.connect(`tcp://127.0.0.1:${port}`);
  sockets.push(s);
}
const newSpace = () =>
  v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_used_size;
await new Promise((r) => setTimeout(r, Number(process.env.WARM ?? 3000)));
let last = newSpace(),
  total = 0;
const t0 = Date.now();
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const now = newSpace();
    total += now >= last ? now - last : now;
    last = now;
    if (Date.now() - t0 >= 8000) {
      clearInterval(tick);
      resolve();
    }
  }, 250);
});
console.log(mode, Math.round(total / 8), "B/s new space");
for (const s of sockets) s.close();
