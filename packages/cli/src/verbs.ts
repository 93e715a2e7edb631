/**
 * What each verb does, on a Session.
 */
import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "@zmq/node";
import type { Command } from "./command";
import { CliError, TimeoutError, UsageError } from "./errors";
import { type FrameCodec, frameCodec } from "./frames";
import { RecordWriter, records } from "./io";
import { type AnySocket, describeEvent, eventObject, isTimeout, type Session } from "./session";

type Message = Uint8Array[];

/**
 * The message given as arguments: one frame each, split further by the
 * delimiter; hex with `--format hex`, text otherwise (JSON is for streams).
 */
function argumentMessage(command: Command, args = command.args): Message {
  const codec = frameCodec(command.format === "hex" ? "hex" : "text", command.delimiter);
  const frames: Uint8Array[] = [];
  for (const arg of args) {
    try {
      frames.push(...codec.decode(Buffer.from(arg, "utf8")));
    } catch (error) {
      throw new UsageError(`bad message argument: ${(error as Error).message}`);
    }
  }
  return frames;
}

/** Messages from stdin, one per record. */
async function* stdinMessages(session: Session, codec: FrameCodec): AsyncGenerator<Message> {
  for await (const record of records(session.io.stdin, session.command.separator)) {
    yield codec.decode(record);
  }
}

/**
 * The messages a sending verb sends: the argument message `--count` times
 * (default once; once only when `repeat` is false), or stdin's records (at
 * most `--count` when `repeat`).
 */
async function* outgoing(
  session: Session,
  codec: FrameCodec,
  repeat: boolean,
): AsyncGenerator<Message> {
  const { command } = session;
  const limit = repeat ? command.count : undefined;
  let sent = 0;
  if (command.args.length > 0) {
    const message = argumentMessage(command);
    for (let i = 0; i < (limit ?? 1); i++) yield message;
    return;
  }
  for await (const message of stdinMessages(session, codec)) {
    yield message;
    if (limit !== undefined && ++sent >= limit) return;
  }
}

async function send(session: Session, socket: AnySocket, message: Message): Promise<void> {
  try {
    await socket.send!(message);
  } catch (error) {
    if (isTimeout(error)) {
      throw new TimeoutError(`timed out after ${session.command.timeout} ms waiting to send`);
    }
    throw error;
  }
}

async function receive(session: Session, socket: AnySocket): Promise<Buffer[]> {
  try {
    return await socket.receive!();
  } catch (error) {
    if (isTimeout(error) && session.stoppedWith === undefined) {
      throw new TimeoutError(`timed out after ${session.command.timeout} ms waiting for a message`);
    }
    throw error;
  }
}

/** Sends every outgoing message, with `--delay` first and `--interval` between. */
async function sendAll(
  session: Session,
  socket: AnySocket,
  messages: AsyncIterable<Message>,
  each?: (message: Message) => Promise<void>,
): Promise<void> {
  const { delay, interval } = session.command;
  if (delay > 0) await sleep(delay);
  let first = true;
  for await (const message of messages) {
    if (!first && interval > 0) await sleep(interval);
    first = false;
    await send(session, socket, message);
    if (each) await each(message);
  }
}

/** Prints received messages until `count` (forever when undefined). */
async function printAll(
  session: Session,
  socket: AnySocket,
  codec: FrameCodec,
  out: RecordWriter,
  count: number | undefined,
  each?: (message: Buffer[]) => Promise<void>,
): Promise<void> {
  for (let n = 0; count === undefined || n < count; n++) {
    const message = await receive(session, socket);
    await out.write(codec.encode(message));
    if (each) await each(message);
  }
}

async function open(session: Session): Promise<{ socket: AnySocket; peers: () => Promise<void> }> {
  const { command } = session;
  const socket = await session.socket();
  const peers = command.peers > 0 ? session.handshakes(socket, command.peers) : async () => {};
  await session.attach(socket, command.bind, command.connect);
  return { socket, peers };
}

function writer(session: Session): RecordWriter {
  return new RecordWriter(session.io.stdout, session.command.separator);
}

function codecOf(command: Command): FrameCodec {
  return frameCodec(command.format, command.delimiter);
}

// ---- the verbs -------------------------------------------------------------------------

/** send, push, and pub without --peers. */
async function sender(session: Session): Promise<void> {
  const { socket, peers } = await open(session);
  await peers();
  await sendAll(session, socket, outgoing(session, codecOf(session.command), true));
}

/** recv, pull, sub. */
async function receiver(session: Session, defaultCount: number | undefined): Promise<void> {
  const { command } = session;
  const { socket } = await open(session);
  await printAll(session, socket, codecOf(command), writer(session), command.count ?? defaultCount);
}

/** pub: with --peers, an XPUB that waits for that many subscriptions first. */
async function pub(session: Session): Promise<void> {
  const { command } = session;
  if (command.peers === 0) return sender(session);
  const socket = await session.socket("xpub");
  (socket as unknown as zmq.XPublisher).verbosity = "allSubs";
  await session.attach(socket, command.bind, command.connect);
  let subscriptions = 0;
  while (subscriptions < command.peers) {
    const [frame] = await receive(session, socket).catch((error) => {
      if (error instanceof TimeoutError) {
        throw new TimeoutError(
          `timed out after ${command.timeout} ms waiting for ${command.peers} subscriptions`,
        );
      }
      throw error;
    });
    if (frame?.[0] === 1) subscriptions++;
  }
  // Later subscriptions are read and dropped, so they never fill the socket's queue.
  socket.receiveTimeout = -1;
  const drain = (async () => {
    for await (const _ of socket as unknown as AsyncIterable<unknown>) void _;
  })().catch(() => {});
  void drain;
  await sendAll(session, socket, outgoing(session, codecOf(command), true));
}

async function req(session: Session): Promise<void> {
  const codec = codecOf(session.command);
  const out = writer(session);
  const { socket, peers } = await open(session);
  await peers();
  await sendAll(session, socket, outgoing(session, codec, true), async () => {
    const reply = await receive(session, socket);
    await out.write(codec.encode(reply));
  });
}

async function rep(session: Session): Promise<void> {
  const { command } = session;
  const codec = codecOf(command);
  const out = writer(session);
  const fromStdin = command.args.length === 1 && command.args[0] === "-";
  const fixed = command.args.length > 0 && !fromStdin ? argumentMessage(command) : undefined;
  const replies = fromStdin ? stdinMessages(session, codec) : undefined;
  const { socket } = await open(session);
  await printAll(session, socket, codec, out, command.count, async (request) => {
    let reply: Message = request;
    if (fixed) reply = fixed;
    else if (replies) {
      const next = await replies.next();
      if (next.done) throw new CliError("stdin ended: no reply for the last request");
      reply = next.value;
    }
    await send(session, socket, reply);
  });
}

/** dealer and router: send (arguments once, stdin, or echo) while printing what arrives. */
async function duplex(session: Session): Promise<void> {
  const { command } = session;
  const codec = codecOf(command);
  const out = writer(session);
  const { socket, peers } = await open(session);
  const echo = command.echo ? (message: Buffer[]) => send(session, socket, message) : undefined;
  const receiving = printAll(session, socket, codec, out, command.count, echo);
  if (echo) return receiving;
  const sending = (async () => {
    await peers();
    await sendAll(session, socket, outgoing(session, codec, false));
  })();
  // A send failure ends the run; the end of sending does not.
  await Promise.race([receiving, sending.then(() => receiving)]);
}

async function monitor(session: Session): Promise<void> {
  const { command } = session;
  const socket = await session.socket();
  const observer = new zmq.Observer(socket);
  session.defer(() => observer.close());
  await session.attach(socket, command.bind, command.connect);
  if (socket.receive) {
    // Messages are not what is watched: read and drop them so peers are not blocked.
    socket.receiveTimeout = -1;
    void (async () => {
      for await (const _ of socket as unknown as AsyncIterable<unknown>) void _;
    })().catch(() => {});
  }
  const out = writer(session);
  for (let n = 0; command.count === undefined || n < command.count; n++) {
    const event = await session.waitFor(observer.receive(), "waiting for an event");
    if (event.type === "end") return;
    const time = new Date();
    const line =
      command.format === "json"
        ? JSON.stringify(eventObject(event, time))
        : `${time.toISOString()} ${describeEvent(event)}`;
    await out.write(Buffer.from(line));
  }
}

async function proxy(session: Session): Promise<void> {
  const { command } = session;
  const { kind } = command.proxy;
  const [front, back] =
    kind === "queue"
      ? [new zmq.Router(), new zmq.Dealer()]
      : kind === "forwarder"
        ? [new zmq.XSubscriber(), new zmq.XPublisher()]
        : [new zmq.Pull(), new zmq.Push()];
  session.defer(() => {
    front.close();
    back.close();
  });
  if (command.verbose) {
    session.logEvents(front, "frontend ");
    session.logEvents(back, "backend ");
  }
  let capture: zmq.Publisher | undefined;
  if (command.proxy.capture !== undefined) {
    capture = new zmq.Publisher();
    session.defer(() => capture?.close());
    await session.attach(capture, [command.proxy.capture], []);
  }
  await session.attach(front, command.proxy.frontendBind, command.proxy.frontendConnect);
  await session.attach(back, command.proxy.backendBind, command.proxy.backendConnect);
  const forwarder = new zmq.Proxy(front, back, capture);
  session.onStop(() => {
    try {
      forwarder.terminate();
    } catch {
      // Not running yet, or already stopped.
    }
  });
  await forwarder.run();
}

async function keygen(session: Session): Promise<void> {
  const { publicKey, secretKey } = zmq.curveKeyPair();
  const text =
    session.command.format === "json"
      ? `${JSON.stringify({ publicKey, secretKey })}\n`
      : `public-key ${publicKey}\nsecret-key ${secretKey}\n`;
  session.io.stdout.write(text);
}

/** Runs the command's verb. */
export async function runVerb(session: Session): Promise<void> {
  switch (session.command.verb) {
    case "send":
      // A PUB waits for subscriptions, not handshakes (see pub).
      return session.command.socketType === "pub" ? pub(session) : sender(session);
    case "push":
      return sender(session);
    case "pub":
      return pub(session);
    case "recv":
      return receiver(session, 1);
    case "pull":
    case "sub":
      return receiver(session, undefined);
    case "req":
      return req(session);
    case "rep":
      return rep(session);
    case "dealer":
    case "router":
      return duplex(session);
    case "monitor":
      return monitor(session);
    case "proxy":
      return proxy(session);
    case "keygen":
      return keygen(session);
  }
}
