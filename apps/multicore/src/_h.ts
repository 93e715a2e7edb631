import * as zmq from "@zmq/node";
import { spawnWorker } from "./spawn";
async function fill(push: zmq.Push): Promise<number> {
  let sent = 0;
  try { for (; sent < 5000; sent++) await push.send("x"); } catch {}
  return sent;
}
const mode = process.argv[2];
const name = `inproc://h-${mode}`;
if (mode === "same-after-connect") {
  const pull = new zmq.Pull({ receiveHighWaterMark: 3 }); await pull.bind(name);
  const push = new zmq.Push({ sendHighWaterMark: 5, sendTimeout: 100 }); push.connect(name);
  push.sendHighWaterMark = 50; pull.receiveHighWaterMark = 30;
  console.log(mode, await fill(push));
} else if (mode === "same-bind-then-change") {
  const pull = new zmq.Pull({ receiveHighWaterMark: 3 }); await pull.bind(name);
  pull.receiveHighWaterMark = 30;
  const push = new zmq.Push({ sendHighWaterMark: 5, sendTimeout: 100 }); push.connect(name);
  console.log(mode, await fill(push));
}
process.exit(0);
