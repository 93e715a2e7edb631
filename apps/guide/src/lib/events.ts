/**
 * Waiting for connection events with the public `Observer` API.
 */
import { Observer, type Socket } from "@zmq/node";

/**
 * Resolves once `socket` has completed `count` handshakes (peers ready to
 * exchange messages). Call it before `bind`/`connect` so no event is missed.
 *
 * It reads a dedicated Observer with `receive()`, whose pending read keeps the
 * process alive while it waits (as `socket.events.on(...)` listeners do, in
 * zeromq.js and @zmq/node alike: see test/parity.test.ts).
 */
export async function handshakes(socket: Socket, count: number): Promise<void> {
  if (count <= 0) return;
  const observer = new Observer(socket);
  try {
    let seen = 0;
    while (seen < count) {
      const event = await observer.receive();
      if (event.type === "handshake") seen++;
      else if (event.type === "end") throw new Error("socket closed while waiting for peers");
    }
  } finally {
    observer.close();
  }
}
