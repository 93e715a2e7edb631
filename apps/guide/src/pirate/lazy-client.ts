/**
 * The Lazy Pirate client: reliable request-reply over REQ, on the client side
 * only. REQ is strictly send-receive, so when a reply does not come within the
 * timeout the socket is stuck; the client closes it (dropping whatever it had
 * queued), opens a new one, and sends the request again, a few times, before
 * declaring the server gone. Replies carry the request's sequence number, so
 * the client knows the one it got is the one it asked for.
 *
 *   pnpm --filter @zmq/demo-guide lazy-pirate:client -- --connect tcp://127.0.0.1:5555 \
 *     --requests 10 --timeout 2500 --retries 3
 */
import { Request } from "@zmq/node";
import { flags, isMain, numberFlag } from "../lib/cli";

export interface LazyClientOptions {
  connect: string;
  requests?: number;
  /** How long to wait for each reply (ms). */
  timeout?: number;
  /** Attempts per request before giving up. */
  retries?: number;
  name?: string;
}

export interface LazyClientRun {
  /** Sequence numbers answered, in order. */
  replies: number[];
  /** How many times a request was sent again on a new socket. */
  resent: number;
  /** True if the client gave up on the server. */
  abandoned: boolean;
}

export async function runLazyClient(options: LazyClientOptions): Promise<LazyClientRun> {
  const { requests = 10, timeout = 2500, retries = 3, name = "lazy client" } = options;
  const open = () => {
    const socket = new Request({ linger: 0, receiveTimeout: timeout });
    socket.connect(options.connect);
    return socket;
  };
  let socket = open();
  const run: LazyClientRun = { replies: [], resent: 0, abandoned: false };
  try {
    for (let sequence = 1; sequence <= requests; sequence++) {
      let attemptsLeft = retries;
      await socket.send(String(sequence));
      for (;;) {
        try {
          const [reply] = await socket.receive();
          if (Number(String(reply)) === sequence) {
            console.log(`${name}: server replied OK (${sequence})`);
            run.replies.push(sequence);
            break;
          }
          throw new Error(`${name}: malformed reply "${reply}" to ${sequence}`);
        } catch (error) {
          if ((error as { code?: string }).code !== "EAGAIN") throw error;
        }
        socket.close();
        if (--attemptsLeft === 0) {
          console.log(`${name}: server seems to be offline, abandoning`);
          run.abandoned = true;
          return run;
        }
        console.log(`${name}: no response to ${sequence}, reconnecting and resending`);
        run.resent++;
        socket = open();
        await socket.send(String(sequence));
      }
    }
  } finally {
    socket.close();
  }
  console.log(`${name}: ${run.replies.length} replies, ${run.resent} resent`);
  return run;
}

if (isMain(import.meta.url)) {
  const f = flags(["connect", "requests", "timeout", "retries"]);
  const run = await runLazyClient({
    connect: f.value.connect ?? "tcp://127.0.0.1:5555",
    requests: numberFlag(f.value.requests, 10, "requests"),
    timeout: numberFlag(f.value.timeout, 2500, "timeout"),
    retries: numberFlag(f.value.retries, 3, "retries"),
  });
  if (run.abandoned) process.exitCode = 1;
}
