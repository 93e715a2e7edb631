/**
 * The ZeroMQ hello-world client: a REQ socket that sends ten "Hello"s and waits
 * for each "World".
 */
import { Request } from "@zmq/node";

export async function runClient(endpoint: string, requests = 10): Promise<string[]> {
  const socket = new Request();
  socket.connect(endpoint);
  const replies: string[] = [];
  for (let i = 0; i < requests; i++) {
    await socket.send("Hello");
    const [reply] = await socket.receive();
    console.log(`client: request ${i + 1} got ${reply}`);
    replies.push(String(reply));
  }
  socket.close();
  return replies;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runClient(process.env.ZMQ_ENDPOINT ?? "tcp://localhost:5555");
}
