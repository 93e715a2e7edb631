import {
  type AttachOptions,
  createPipePair,
  type Message,
  type Pipe,
  type PipeOptions,
  type SocketBase,
} from "../src/index";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const enc = (text: string): Uint8Array => encoder.encode(text);
export const dec = (bytes: Uint8Array): string => decoder.decode(bytes);

/** A message from string frames. */
export const msg = (...frames: string[]): Message => frames.map(enc);

/** String frames of a message (undefined stays undefined). */
export const text = (message: Message | undefined): string[] | undefined => message?.map(dec);

/** Connect two sockets like inproc: one pipe pair, HWMs summed. */
export function connect(
  a: SocketBase,
  b: SocketBase,
  info: { a?: AttachOptions; b?: AttachOptions } = {},
): [Pipe, Pipe] {
  const [aEnd, bEnd] = createPipePair(a.pipeOptions(b));
  a.attachPipe(aEnd, info.a ?? {});
  b.attachPipe(bEnd, info.b ?? {});
  return [aEnd, bEnd];
}

/**
 * Attach a raw peer to `socket` like a session would: returns the peer end, from
 * which the test reads what the socket sent and writes what the "remote" sends.
 */
export function rawPeer(
  socket: SocketBase,
  attach: AttachOptions = {},
  options: PipeOptions = {},
): Pipe {
  const [socketEnd, peerEnd] = createPipePair({ ...socket.pipeOptions(), ...options });
  socket.attachPipe(socketEnd, attach);
  return peerEnd;
}

/** Read everything queued at a pipe end, as string frames. */
export function drain(pipe: Pipe): string[][] {
  const out: string[][] = [];
  for (let m = pipe.read(); m !== undefined; m = pipe.read()) out.push(m.map(dec));
  return out;
}

/** Receive everything a socket has now, as string frames. */
export function receiveAll(socket: SocketBase): string[][] {
  const out: string[][] = [];
  for (let m = socket.receive(); m !== undefined; m = socket.receive()) out.push(m.map(dec));
  return out;
}

/** Counts handler calls. */
export function counter(): {
  readable: number;
  writable: number;
  terminated: number;
  handler: { readable(): void; writable(): void; terminated(): void };
} {
  const c = {
    readable: 0,
    writable: 0,
    terminated: 0,
    handler: {
      readable: () => {
        c.readable++;
      },
      writable: () => {
        c.writable++;
      },
      terminated: () => {
        c.terminated++;
      },
    },
  };
  return c;
}
