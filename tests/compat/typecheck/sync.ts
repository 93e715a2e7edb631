/**
 * zeromq.js 6's synchronous `bindSync`/`unbindSync` (deprecated there, still declared). @zmq/node
 * has no synchronous bind at run time (parity item B1), so its declarations leave them out.
 */
import { Router } from "zeromq";

export function bindNow(): void {
  const router = new Router();
  router.bindSync("tcp://127.0.0.1:5555");
  router.unbindSync("tcp://127.0.0.1:5555");
  router.close();
}
