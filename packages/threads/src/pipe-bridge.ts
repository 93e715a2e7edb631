import type { ThreadLink } from "./thread-link";

/**
 * The part of a `@zmq/patterns` `Pipe` end the bridge uses (structural, so this
 * package does not depend on the socket layer).
 */
export interface PipeLike {
  read(): Uint8Array[] | undefined;
  write(message: Uint8Array[]): boolean;
  checkWrite(): boolean;
  setHandler(
    handler:
      | {
          readable?(pipe: never): void;
          writable?(pipe: never): void;
          terminated?(pipe: never): void;
        }
      | undefined,
  ): void;
  terminate(lingerMs?: number): void;
  /** Messages this end wrote that the other end has not read yet. */
  readonly outboundSize: number;
}

/** Options of `bridgePipe`. */
export interface PipeBridgeOptions {
  /** The socket's linger (ms; negative = until read) when its pipe ends. Default 0. */
  lingerMs?: () => number;
}

/**
 * What to pass as the link's high-water marks for a socket with `sendHighWaterMark`
 * and `receiveHighWaterMark`, when the socket reaches the link through a pipe pair
 * made with limits of 1 and `bridgePipe`: the sending lane's one message counts
 * towards SNDHWM; the receiving lane is inside the link's count (the bridge
 * releases a message when the socket has read it).
 */
export function linkHighWaterMarks(
  sendHighWaterMark: number,
  receiveHighWaterMark: number,
): { sendHighWaterMark: number; receiveHighWaterMark: number } {
  return {
    sendHighWaterMark: sendHighWaterMark === 0 ? 0 : Math.max(1, sendHighWaterMark - 1),
    receiveHighWaterMark,
  };
}

/**
 * Joins the peer end of a local pipe pair to a thread link, so a socket sees a
 * cross-thread inproc connection as an ordinary pipe. Messages move pipe → link
 * as the link has room and link → pipe as the pipe has room, synchronously in
 * each side's events. Make the pipe pair with limits of 1 and the link with
 * `linkHighWaterMarks(…)`: a direction then holds exactly the writing socket's
 * SNDHWM plus the reading socket's RCVHWM, libzmq's inproc sum.
 *
 * Ends: when the socket's pipe ends, the link closes with the socket's linger;
 * when the link ends (peer closed or its thread died), the pipe is terminated,
 * what reached it staying readable.
 */
export function bridgePipe(
  pipe: PipeLike,
  link: ThreadLink,
  options: PipeBridgeOptions = {},
): void {
  let ended = false;
  /** Messages moved link → pipe, and how many of those the link got back. */
  let moved = 0;
  let released = 0;
  link.deferRelease();
  const giveBack = (): void => {
    const consumed = moved - pipe.outboundSize;
    if (consumed > released) {
      link.release(consumed - released);
      released = consumed;
    }
  };
  /** Inside `toLink`: the pipe may end on the read of its last message, before that is written. */
  let moving = false;
  let closeAfterMove = false;
  const closeLink = (): void => link.close(options.lingerMs?.() ?? 0);
  const toLink = (): void => {
    moving = true;
    try {
      while (link.checkWrite()) {
        const message = pipe.read();
        if (message === undefined) return;
        link.write(message);
      }
    } finally {
      moving = false;
      if (closeAfterMove) {
        closeAfterMove = false;
        closeLink();
      }
    }
  };
  const toPipe = (): void => {
    giveBack();
    while (pipe.checkWrite()) {
      const message = link.read();
      if (message === undefined) return;
      pipe.write(message);
      moved++;
    }
    giveBack();
  };
  pipe.setHandler({
    readable: toLink,
    writable: toPipe,
    terminated: () => {
      if (ended) return;
      ended = true;
      if (moving) closeAfterMove = true;
      else closeLink();
    },
  });
  link.setHandler({
    readable: toPipe,
    writable: toLink,
    closed: () => {
      if (ended) return;
      ended = true;
      pipe.terminate(-1);
    },
  });
  toLink();
  toPipe();
}
