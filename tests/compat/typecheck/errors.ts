/**
 * Errors as a zeromq.js 6 program handles them: rejections and throws are `Error`s carrying
 * `code`, `errno` and (for endpoint errors) `address`, read after a narrowing or a cast.
 */
import { Dealer, Request } from "zeromq";

interface ZmqError extends Error {
  code?: string;
  errno?: number;
  address?: string;
}

export async function handle(): Promise<string | undefined> {
  const dealer = new Dealer({ sendTimeout: 0 });
  try {
    await dealer.bind("tcp://127.0.0.1:-1");
  } catch (err) {
    if (err instanceof Error) {
      const e = err as ZmqError;
      if (e.code === "EINVAL") console.log(e.errno, e.address, e.message);
    }
  }
  try {
    await dealer.send("x");
  } catch (err) {
    const { code, errno } = err as { code: string; errno: number };
    if (code === "EAGAIN") return `${errno}`;
  }
  const req = new Request();
  return req
    .receive()
    .then(() => undefined)
    .catch((err: ZmqError) => err.code);
}
