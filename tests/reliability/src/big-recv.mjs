// The receiving side of the big-frame scenario, in plain JavaScript so that the
// process carries no TypeScript loader: its peak RSS is the frame's cost plus a
// bare Node process. `@zmq/node` resolves to the built package (dist/), unless
// the test starts this with `--conditions=@zmq/source --import tsx`.
//
//   node --expose-gc big-recv.mjs <ours|zeromq> ['{"endpoint":"ws://127.0.0.1:*"}']
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

const impl = process.argv[2];
const params = JSON.parse(process.argv[3] ?? "{}");
const zmq = impl === "ours" ? await import("@zmq/node") : createRequire(import.meta.url)("zeromq");

const sock = new zmq.Pull({ linger: 0 });
await sock.bind(params.endpoint ?? "tcp://127.0.0.1:*");
for (let i = 0; i < 2; i++) {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const baseline = process.memoryUsage.rss();
process.send({ type: "ready", endpoint: sock.lastEndpoint, baseline });
const [frame] = await sock.receive();
const maxRss = process.resourceUsage().maxRSS * 1024;
const hash = createHash("sha256").update(frame).digest("hex");
process.send({ type: "done", size: frame.length, hash, maxRss, baseline });
process.on("message", () => process.exit(0));
process.on("disconnect", () => process.exit(0));
