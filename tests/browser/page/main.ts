/**
 * The browser side of the browser tests: functions on `window.zmqTest` that the
 * test calls through Playwright, each exchanging traffic with a server over
 * ws:// or wss:// with @zmq/web sockets and returning what it saw.
 */
import { Dealer, Request, Subscriber } from "@zmq/web";

const decoder = new TextDecoder();
const text = (frame: Uint8Array | undefined): string => decoder.decode(frame);

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** REQ: `rounds` requests [name, 60 KB], each answered [name, 60 KB, "ok"]. */
async function reqRep(endpoint: string, rounds: number, size: number): Promise<string[]> {
  const req = new Request();
  req.connect(endpoint);
  const seen: string[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const body = pattern(size, i);
      await req.send([`req-${i}`, body]);
      const [name, echoed, ok] = await within(req.receive(), 10_000, "REQ receive");
      seen.push(`${text(name)} ${same(echoed, body) ? size : "corrupt"} ${text(ok)}`);
    }
  } finally {
    req.close();
  }
  return seen;
}

/** DEALER: sends `count` messages, then reads the `count` replies. */
async function dealer(endpoint: string, count: number, size: number): Promise<string[]> {
  const socket = new Dealer({ routingId: "browser-dealer" });
  socket.connect(endpoint);
  const seen: string[] = [];
  try {
    for (let i = 0; i < count; i++) await socket.send([`d-${i}`, pattern(size, 100 + i)]);
    for (let i = 0; i < count; i++) {
      const [name, echoed, ok] = await within(socket.receive(), 10_000, "DEALER receive");
      seen.push(
        `${text(name)} ${same(echoed, pattern(size, 100 + i)) ? size : "corrupt"} ${text(ok)}`,
      );
    }
  } finally {
    socket.close();
  }
  return seen;
}

/** SUB: subscribes to `topic`, returns the topics of the first `count` messages. */
async function sub(endpoint: string, topic: string, count: number): Promise<string[]> {
  const socket = new Subscriber();
  socket.subscribe(topic);
  socket.connect(endpoint);
  const seen: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const [t, body] = await within(socket.receive(), 10_000, "SUB receive");
      seen.push(`${text(t)} ${text(body).split("-")[0]}`);
    }
  } finally {
    socket.close();
  }
  return seen;
}

(globalThis as { zmqTest?: unknown }).zmqTest = { reqRep, dealer, sub };
document.title = "ready";
