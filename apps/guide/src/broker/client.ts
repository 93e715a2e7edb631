/**
 * Request-reply client (REQ): sends numbered requests to the broker and checks
 * that each reply answers the request it sent.
 *
 *   pnpm --filter @zmq/demo-guide broker:client -- --connect tcp://127.0.0.1:5559 --requests 10
 */
import { Request } from "@zmq/node";
import { flags, isMain, numberFlag } from "../lib/cli";

export interface ClientOptions {
  connect: string;
  name: string;
  requests?: number;
}

/** Resolves with the replies, in order. */
export async function runClient(options: ClientOptions): Promise<string[]> {
  const { requests = 10 } = options;
  const socket = new Request();
  socket.connect(options.connect);
  const replies: string[] = [];
  for (let i = 1; i <= requests; i++) {
    const request = `Hello ${options.name} ${i}`;
    await socket.send(request);
    const [reply] = await socket.receive();
    const text = String(reply);
    if (!text.startsWith(`World ${options.name} ${i} `)) {
      throw new Error(`client ${options.name}: "${request}" got "${text}"`);
    }
    replies.push(text);
  }
  socket.close();
  console.log(`client ${options.name}: ${replies.length} replies, last "${replies.at(-1)}"`);
  return replies;
}

if (isMain(import.meta.url)) {
  const f = flags(["connect", "name", "requests"]);
  await runClient({
    connect: f.value.connect ?? "tcp://127.0.0.1:5559",
    name: f.value.name ?? String(process.pid),
    requests: numberFlag(f.value.requests, 10, "requests"),
  });
}
