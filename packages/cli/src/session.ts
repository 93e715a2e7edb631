/**
 * One run of a verb: the sockets it opened (made from the command's flags,
 * with security, events and endpoints), the ZAP handler, and how it stops.
 */
import * as zmq from "@zmq/node";
import type { Command, Security, SocketTypeName } from "./command";
import { CliError, TimeoutError, UsageError } from "./errors";
import type { CliIO } from "./io";
import { z85Decode } from "./z85";

/** The methods and options the verbs use, whichever class the socket is. */
export type AnySocket = zmq.Socket & {
  send?: (message: Uint8Array[]) => Promise<void>;
  receive?: () => Promise<Buffer[]>;
  subscribe?: (...prefixes: string[]) => void;
  receiveTimeout?: number;
  sendTimeout?: number;
  routingId?: string | null;
  // The security options. @zmq/node declares them by augmenting Socket from a module its
  // declaration files never import, so they are spelt out here.
  curveServer?: boolean;
  curvePublicKey?: string | null;
  curveSecretKey?: string | null;
  curveServerKey?: string | null;
  plainServer?: boolean;
  plainUsername?: string | null;
  plainPassword?: string | null;
};

const CLASSES: Record<SocketTypeName, new () => zmq.Socket> = {
  pair: zmq.Pair,
  pub: zmq.Publisher,
  sub: zmq.Subscriber,
  req: zmq.Request,
  rep: zmq.Reply,
  dealer: zmq.Dealer,
  router: zmq.Router,
  pull: zmq.Pull,
  push: zmq.Push,
  xpub: zmq.XPublisher,
  xsub: zmq.XSubscriber,
};

/** Every event type an Observer reports, for emitter-mode listeners. */
export const EVENT_TYPES: zmq.EventType[] = [
  "accept",
  "accept:error",
  "bind",
  "bind:error",
  "connect",
  "connect:delay",
  "connect:retry",
  "close",
  "close:error",
  "disconnect",
  "handshake",
  "handshake:error:protocol",
  "handshake:error:auth",
  "handshake:error:other",
  "unknown",
];

/** An event as one line of text (without time). */
export function describeEvent(event: zmq.Event): string {
  const parts: string[] = [event.type];
  if ("address" in event) parts.push(event.address);
  if ("interval" in event) parts.push(`interval=${event.interval}ms`);
  if ("error" in event) {
    const error = event.error as Error & { code?: string; status?: number };
    const code = error.code ?? (error.status !== undefined ? String(error.status) : undefined);
    parts.push(code !== undefined ? `${code}: ${error.message}` : error.message);
  }
  return parts.join(" ");
}

/** An event as a JSON-ready object. */
export function eventObject(event: zmq.Event, time: Date): Record<string, unknown> {
  const out: Record<string, unknown> = { time: time.toISOString(), type: event.type };
  if ("address" in event) out.address = event.address;
  if ("interval" in event) out.interval = event.interval;
  if ("error" in event) {
    const error = event.error as Error & { code?: string; status?: number };
    out.error = {
      message: error.message,
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
    };
  }
  return out;
}

/** Is this the EAGAIN a send or receive timeout gives? */
export function isTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "EAGAIN";
}

export class Session {
  readonly command: Command;
  readonly io: CliIO;
  readonly #sockets: zmq.Socket[] = [];
  readonly #cleanups: Array<() => void> = [];
  #zap: zmq.ZapHandler | undefined;
  /** The exit code a signal (or a closed stdout) asked for. */
  stoppedWith: number | undefined;
  #onStop: Array<() => void> = [];

  constructor(command: Command, io: CliIO) {
    this.command = command;
    this.io = io;
  }

  /** Ends the run from outside (a signal): sockets close, pending calls reject. */
  stop(exitCode: number): void {
    if (this.stoppedWith !== undefined) return;
    this.stoppedWith = exitCode;
    for (const hook of this.#onStop) hook();
    this.close();
  }

  onStop(hook: () => void): void {
    this.#onStop.push(hook);
  }

  /** Runs `cleanup` when the session closes. */
  defer(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  close(): void {
    for (const socket of this.#sockets) socket.close();
    this.#zap?.close();
    this.#zap = undefined;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }

  /** A socket of `type` with the command's options and security, not yet bound or connected. */
  async socket(type: SocketTypeName = this.command.socketType): Promise<AnySocket> {
    const command = this.command;
    const socket = new CLASSES[type]() as AnySocket;
    this.#sockets.push(socket);
    socket.linger = command.linger ?? command.timeout ?? -1;
    if (command.timeout !== undefined) {
      if ("receiveTimeout" in socket) socket.receiveTimeout = command.timeout;
      if ("sendTimeout" in socket) socket.sendTimeout = command.timeout;
    }
    if (command.routingId !== undefined) socket.routingId = command.routingId;
    if (type === "sub") {
      if (command.subscribe.length === 0) socket.subscribe!();
      else socket.subscribe!(...command.subscribe);
    }
    await this.#secure(socket, command.security);
    if (command.verbose) this.logEvents(socket);
    return socket;
  }

  /** Prints the socket's events on stderr as `zmq: <event>` lines. */
  logEvents(socket: zmq.Socket, label = ""): void {
    const observer = new zmq.Observer(socket);
    for (const type of EVENT_TYPES) {
      observer.on(type, (event) => {
        this.io.stderr.write(`zmq: ${label}${describeEvent(event)}\n`);
      });
    }
  }

  async #secure(socket: AnySocket, security: Security): Promise<void> {
    try {
      if (security.curveServer) {
        socket.curveServer = true;
        socket.curveSecretKey = security.curveSecretKey!;
        if (security.curvePublicKey !== undefined) socket.curvePublicKey = security.curvePublicKey;
        if (security.curveAllow.length > 0) {
          const allowed = new Set(
            security.curveAllow.map((key) => Buffer.from(z85Decode(key)).toString("hex")),
          );
          await this.#zapHandler((request) =>
            request.mechanism === "CURVE" &&
            allowed.has(request.credentials[0]?.toString("hex") ?? "")
              ? { status: 200 }
              : { status: 400, statusText: "CURVE key not allowed" },
          );
        }
      } else if (security.curveServerKey !== undefined) {
        const own =
          security.curvePublicKey !== undefined && security.curveSecretKey !== undefined
            ? { publicKey: security.curvePublicKey, secretKey: security.curveSecretKey }
            : zmq.curveKeyPair();
        socket.curvePublicKey = own.publicKey;
        socket.curveSecretKey = own.secretKey;
        socket.curveServerKey = security.curveServerKey;
      } else if (security.plainServer) {
        socket.plainServer = true;
        const allowed = security.plainAllow;
        await this.#zapHandler((request) => {
          const [user, pass] = request.credentials.map((c) => c.toString("utf8"));
          const ok =
            request.mechanism === "PLAIN" &&
            (allowed.length === 0 ||
              allowed.some((a) => a.username === user && a.password === pass));
          return ok
            ? { status: 200, userId: user ?? "" }
            : { status: 400, statusText: "bad user name or password" };
        });
      } else if (security.plainUsername !== undefined) {
        socket.plainUsername = security.plainUsername;
        socket.plainPassword = security.plainPassword ?? "";
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new UsageError(`bad security option: ${(error as Error).message}`);
    }
  }

  async #zapHandler(
    handle: (request: zmq.ZapHandlerRequest) => zmq.ZapHandlerReply,
  ): Promise<void> {
    // One handler serves every socket of the (default) context.
    if (this.#zap !== undefined) return;
    this.#zap = await zmq.zapHandler(handle);
  }

  /** Binds and connects `socket`; a bad or unusable endpoint is a UsageError (exit 2). */
  async attach(socket: zmq.Socket, bind: string[], connect: string[]): Promise<void> {
    for (const endpoint of bind) {
      try {
        await socket.bind(endpoint);
      } catch (error) {
        throw new UsageError(`cannot bind to ${endpoint}: ${reason(error)}`);
      }
    }
    for (const endpoint of connect) {
      try {
        socket.connect(endpoint);
      } catch (error) {
        throw new UsageError(`cannot connect to ${endpoint}: ${reason(error)}`);
      }
    }
  }

  /** Resolves after `count` handshakes with peers; rejects with a TimeoutError after `timeout`. */
  handshakes(socket: zmq.Socket, count: number): () => Promise<void> {
    let seen = 0;
    let wake: (() => void) | undefined;
    const observer = new zmq.Observer(socket);
    observer.on("handshake", () => {
      seen++;
      if (seen >= count) wake?.();
    });
    return () =>
      seen >= count
        ? Promise.resolve()
        : this.waitFor(
            new Promise<void>((resolve) => {
              wake = resolve;
            }),
            `waiting for ${count} peer${count === 1 ? "" : "s"}`,
          );
  }

  /** `promise`, or a TimeoutError after the command's `--timeout`. */
  waitFor<T>(promise: Promise<T>, what: string): Promise<T> {
    const timeout = this.command.timeout;
    if (timeout === undefined) return promise;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`timed out after ${timeout} ms ${what}`)),
        timeout,
      );
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }
}

/**
 * One line for an error: libzmq's text and code (what zeromq.js reports), then the
 * explanation @zmq/node keeps as the error's `cause`, when it says more.
 */
function reason(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: unknown };
  const message = e.message ?? String(error);
  const head = e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
  const cause = (e.cause as { message?: unknown } | undefined)?.message;
  if (typeof cause !== "string" || cause === "" || cause === message) return head;
  return `${head}: ${cause.replaceAll("\n", " ")}`;
}
