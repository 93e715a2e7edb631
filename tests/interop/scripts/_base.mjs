import { spawn } from "node:child_process";
const bodies = {
  ours: 'import * as zmq from "@zmq/node";',
  zmqjs: 'import * as zmq from "zeromq";',
  none: '',
};
const res = {}; for (let r = 0; r < 10; r++) for (const [k, imp] of Object.entries(bodies)) {
  const script = `${imp}\nprocess.stdout.write("T " + Date.now() + "\\n"); process.exit(0);`;
  const t = await new Promise((res) => { const p = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] }); let out = ""; p.stdout.on("data", (d) => out += d); p.on("exit", () => res(Date.now() - Number(/T (\d+)/.exec(out)[1]))); });
  (res[k] ??= []).push(t);
}
for (const [k, v] of Object.entries(res)) { v.sort((a,b)=>a-b); console.log(k, "median", v[5], "all", v.join(" ")); }
