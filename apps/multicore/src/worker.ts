// One worker thread of the server: a REP socket on inproc://workers, answering
// each request with the result of its CPU work.
import { parentPort, threadId, workerData } from "node:worker_threads";
import { type ImplName, loadImpl } from "./impl";
import { work } from "./work";

const { impl, rounds, endpoint } = workerData as {
  impl: ImplName;
  rounds: number;
  endpoint: string;
};
const zmq = await loadImpl(impl);
const rep = new zmq.Reply();
rep.connect(endpoint);
parentPort!.postMessage({ ready: true });
parentPort!.on("message", (message: { stop?: boolean }) => {
  if (message.stop) rep.close();
});
const who = new TextEncoder().encode(String(threadId));
try {
  for await (const [request] of rep) {
    // The reply: the work's result, and which thread did it.
    const result = new Uint8Array(4);
    new DataView(result.buffer).setUint32(0, work(request!, rounds));
    await rep.send([result, who]);
  }
} catch (error) {
  // Closing the socket under a pending receive or send ends the loop.
  const code = (error as { code?: string }).code;
  if (code !== "EAGAIN" && code !== "ETERM" && code !== "EBADF") throw error;
}
if (!rep.closed) rep.close();
