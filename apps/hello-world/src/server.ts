/**
 * The ZeroMQ hello-world server: a REP socket that answers "World" to every
 * "Hello". Written against the zeromq.js v6 API; only the import differs.
 */
import { Reply } from "@zmq/node";

export async function runServer(
  endpoint: string,
  requests = Number.POSITIVE_INFINITY,
): Promise<void> {
  const socket = new Reply();
  await socket.bind(endpoint);
  console.log(`server: listening on ${socket.lastEndpoint}`);
  let served = 0;
  for await (const [request] of socket) {
    console.log(`server: received ${request}`);
    await socket.send("World");
    if (++served >= requests) break;
  }
  socket.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runServer(process.env.ZMQ_ENDPOINT ?? "tcp://*:5555");
}
