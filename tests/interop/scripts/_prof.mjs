import * as zmq from "zeromq";
import net from "node:net";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, mkdirSync, rmSync } from "node:fs";
const kind = process.argv[2] ?? "ws-ready";
const r = new zmq.Pull();
const probe = net.createServer(); await new Promise((res) => probe.listen(0, "127.0.0.1", res)); const port = probe.address().port; probe.close();
let addr;
if (kind.startsWith("ws")) { await r.bind(`ws://127.0.0.1:${port}`); addr = `ws://127.0.0.1:${port}/`; } else { await r.bind("tcp://127.0.0.1:*"); addr = r.lastEndpoint; }
const wait = kind.endsWith("ready") && !kind.endsWith("notready") ? `const ev = sock.events[Symbol.asyncIterator](); for (;;) { const { value } = await ev.next(); if (value.type === "handshake") break; }` : "";
const body = `import * as zmq from "@zmq/node"; const sock = new zmq.Push(); sock.connect(${JSON.stringify(addr)}); ${wait}
for (let i = 0; i < 1000; i++) await sock.send("m" + i);
globalThis.T0 = performance.now(); process.on("exit", () => { process._rawDebug("hook ms " + (performance.now() - globalThis.T0).toFixed(1)); }); process.exit(0);`;
rmSync("/tmp/prof", { recursive: true, force: true }); mkdirSync("/tmp/prof");
const p = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", "--cpu-prof-interval=100", "--input-type=module", "-e", body], { stdio: "inherit" });
let exited = false; p.on("exit", () => exited = true); let n = 0; r.receiveTimeout = 1500; for (;;) { try { await r.receive(); n++; } catch { if (exited) break; } }
console.log("got", n);
const prof = JSON.parse(readFileSync("/tmp/prof/" + readdirSync("/tmp/prof")[0]));
// self time per function for samples after the last 'flushAllAtExit' appearance start
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inExit = (id) => { for (let x = id; x !== undefined; x = parent.get(x)) { const f = byId.get(x).callFrame.functionName; if (f === "flushAllAtExit" || f === "emit" && false) return true; } return false; };
const self = new Map(); let total = 0;
prof.samples.forEach((id, i) => { if (!inExit(id)) return; const dt = prof.timeDeltas[i] / 1000; total += dt; const cf = byId.get(id).callFrame; const k = `${cf.functionName || "(anon)"} ${cf.url.split("/").slice(-2).join("/")}:${cf.lineNumber}`; self.set(k, (self.get(k) ?? 0) + dt); });
console.log("in flushAllAtExit ms", total.toFixed(1));
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => v.toFixed(1) + " " + k).join("\n"));
process.exit(0);
