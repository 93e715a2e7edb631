/**
 * The interop harness: a libzmq peer in another process (zeromq.js or pyzmq),
 * driven over a line-based JSON protocol on its stdin/stdout, plus small
 * helpers for our own sockets, endpoints, events and a TCP byte sniffer.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as zmq from "@zmq/node";

export type PeerKind = "zmqjs" | "pyzmq";
export type Transport = "tcp" | "ipc";
export type SocketTypeName =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "STREAM";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ZMQJS_PEER = join(HERE, "..", "src", "zmqjs-peer.cjs");
const PYZMQ_PEER = join(HERE, "..", "python", "peer.py");
/** Debian's python: the one python3-zmq installs into (not a pyenv python3 on PATH). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** Why the pyzmq half cannot run here, or undefined when it can. */
export function pyzmqUnavailable(): string | undefined {
  try {
    execFileSync(SYSTEM_PYTHON, ["-c", "import zmq"], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    return `${SYSTEM_PYTHON} -c "import zmq" failed (${String((error as Error).message).split("\n")[0]}); install python3-zmq`;
  }
}

// ---- frames -------------------------------------------------------------------------

export type FrameLike = Buffer | Uint8Array | string;

export const buf = (frame: FrameLike): Buffer =>
  typeof frame === "string" ? Buffer.from(frame) : Buffer.from(frame);

/** A frame of `size` bytes with a recognisable pattern. */
export function pattern(size: number, seed = 0): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Frames as short strings for assertion messages. */
export function show(frames: readonly Uint8Array[]): string[] {
  return frames.map((f) =>
    f.length > 32 ? `<${f.length} bytes>` : JSON.stringify(Buffer.from(f).toString("latin1")),
  );
}

// ---- the peer process ---------------------------------------------------------------

interface Reply {
  id: number;
  ok: boolean;
  code?: string;
  error?: string;
  [key: string]: unknown;
}

export class PeerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface PeerEvent {
  event: string;
  endpoint: string;
  value?: number;
  code?: string;
}

/** A libzmq peer process. Commands run in the order they are sent. */
export class Peer {
  readonly kind: PeerKind;
  readonly child: ChildProcess;
  version = "";
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  #exited = false;
  #stderr = "";
  readonly exited: Promise<void>;

  private constructor(kind: PeerKind) {
    this.kind = kind;
    const [command, args] =
      kind === "zmqjs" ? [process.execPath, [ZMQJS_PEER]] : [SYSTEM_PYTHON, ["-u", PYZMQ_PEER]];
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", () => {
        this.#exited = true;
        for (const waiter of this.#pending.values()) {
          waiter.reject(new Error(`${kind} peer exited; stderr: ${this.#stderr}`));
        }
        this.#pending.clear();
        resolve();
      });
    });
    this.child.stdin!.on("error", () => {});
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        return;
      }
      const waiter = this.#pending.get(reply.id);
      if (waiter === undefined) return;
      this.#pending.delete(reply.id);
      waiter.resolve(reply);
    });
  }

  static async start(kind: PeerKind): Promise<Peer> {
    const peer = new Peer(kind);
    const hello = await peer.request("hello");
    peer.version = String(hello.version);
    return peer;
  }

  get alive(): boolean {
    return !this.#exited;
  }

  async request(op: string, args: Record<string, unknown> = {}): Promise<Reply> {
    if (this.#exited) throw new Error(`${this.kind} peer has exited`);
    const id = this.#nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
    if (!reply.ok) throw new PeerError(reply.code ?? "EUNKNOWN", `${op}: ${reply.error}`);
    return reply;
  }

  async socket(
    type: SocketTypeName,
    options: Record<string, unknown> = {},
    monitor = false,
  ): Promise<RemoteSocket> {
    const reply = await this.request("socket", { type, options, monitor });
    return new RemoteSocket(this, type, Number(reply.sock));
  }

  /** Kills the process (SIGKILL by default) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.#exited) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** Stops or resumes the process without closing its connections. */
  signal(signal: "SIGSTOP" | "SIGCONT"): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    try {
      await Promise.race([this.request("exit"), delay(2000)]);
    } catch {}
    if (!this.#exited) this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** A socket living in a peer process. */
export class RemoteSocket implements End {
  readonly peer: Peer;
  readonly type: SocketTypeName;
  readonly sock: number;
  readonly side = "theirs" as const;

  constructor(peer: Peer, type: SocketTypeName, sock: number) {
    this.peer = peer;
    this.type = type;
    this.sock = sock;
  }

  get label(): string {
    return `${this.peer.kind} ${this.type}`;
  }

  async bind(endpoint: string): Promise<string> {
    const reply = await this.peer.request("bind", { sock: this.sock, endpoint });
    return String(reply.endpoint);
  }

  async connect(endpoint: string, routingId?: string): Promise<void> {
    await this.peer.request("connect", {
      sock: this.sock,
      endpoint,
      ...(routingId !== undefined && { routingId }),
    });
  }

  async disconnect(endpoint: string): Promise<void> {
    await this.peer.request("disconnect", { sock: this.sock, endpoint });
  }

  async setOption(name: string, value: unknown): Promise<void> {
    await this.peer.request("setopt", { sock: this.sock, name, value });
  }

  async subscribe(topic: FrameLike): Promise<void> {
    await this.setOption("SUBSCRIBE", buf(topic).toString("base64"));
  }

  async unsubscribe(topic: FrameLike): Promise<void> {
    await this.setOption("UNSUBSCRIBE", buf(topic).toString("base64"));
  }

  async send(frames: readonly FrameLike[], timeout = 5000): Promise<void> {
    await this.peer.request("send", {
      sock: this.sock,
      frames: frames.map((f) => buf(f).toString("base64")),
      timeout,
    });
  }

  async recv(timeout = 5000): Promise<Buffer[]> {
    const reply = await this.peer.request("recv", { sock: this.sock, timeout });
    return (reply.frames as string[]).map((f) => Buffer.from(f, "base64"));
  }

  /** Reads ZMQ_EVENTS, which makes libzmq process its pending commands (attach new peers). */
  async nudge(): Promise<void> {
    await this.peer.request("poll", { sock: this.sock });
  }

  async monitor(): Promise<void> {
    await this.peer.request("monitor", { sock: this.sock });
  }

  /** Events since the last call; with `wait`, first waits (up to `timeout`) for that event. */
  async events(wait?: string, timeout = 0): Promise<PeerEvent[]> {
    const reply = await this.peer.request("events", {
      sock: this.sock,
      timeout,
      ...(wait !== undefined && { wait }),
    });
    return reply.events as PeerEvent[];
  }

  async close(): Promise<void> {
    if (this.peer.alive) await this.peer.request("close", { sock: this.sock });
  }
}

// ---- our sockets ----------------------------------------------------------------------

const OUR_TYPES = {
  PAIR: zmq.Pair,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PULL: zmq.Pull,
  PUSH: zmq.Push,
  XPUB: zmq.XPublisher,
  XSUB: zmq.XSubscriber,
  STREAM: zmq.Stream,
} as const;

type AnySocket = zmq.Socket & {
  send?(message: unknown): Promise<void>;
  receive?(): Promise<Buffer[]>;
  receiveTimeout?: number;
  sendTimeout?: number;
  subscribe?(...topics: Array<Buffer | string>): void;
  unsubscribe?(...topics: Array<Buffer | string>): void;
};

/** Creates one of our sockets by libzmq type name, with zeromq.js-style options. */
export function ourSocket(type: SocketTypeName, options: Record<string, unknown> = {}): Ours {
  const Type = OUR_TYPES[type] as unknown as new (options?: object) => AnySocket;
  return new Ours(type, new Type({ linger: 0, ...options }));
}

/** Records every event of one of our sockets. */
export class EventLog {
  readonly events: zmq.Event[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(socket: zmq.Socket) {
    const observer = socket.events;
    void (async () => {
      for await (const event of observer) {
        this.events.push(event);
        for (const waiter of this.#waiters) waiter();
      }
    })().catch(() => {});
  }

  count(type: zmq.EventType): number {
    return this.events.filter((e) => e.type === type).length;
  }

  /** Waits until `count` events of `type` were seen; returns the last one. */
  async waitFor<T extends zmq.EventType>(
    type: T,
    timeout = 5000,
    count = 1,
  ): Promise<zmq.EventOfType<T>> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const seen = this.events.filter((e) => e.type === type);
      if (seen.length >= count) return seen[count - 1] as zmq.EventOfType<T>;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no ${type} event (x${count}) within ${timeout} ms; saw ${this.events.map((e) => e.type).join(", ")}`,
        );
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.#waiters.add(done);
      });
    }
  }
}

/** Both kinds of socket end, as the pattern checks use them. */
export interface End {
  readonly type: SocketTypeName;
  readonly side: "ours" | "theirs";
  readonly label: string;
  send(frames: readonly FrameLike[], timeout?: number): Promise<void>;
  recv(timeout?: number): Promise<Buffer[]>;
  subscribe(topic: FrameLike): Promise<void>;
  unsubscribe(topic: FrameLike): Promise<void>;
  /**
   * libzmq attaches a newly accepted peer only when the application next calls
   * into the socket; a peer socket nobody reads from must be nudged.
   */
  nudge(): Promise<void>;
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string, routingId?: string): Promise<void>;
  close(): Promise<void>;
}

export class Ours implements End {
  readonly type: SocketTypeName;
  readonly socket: AnySocket;
  readonly side = "ours" as const;
  /** Every event of the socket, from its creation. */
  readonly log: EventLog;

  constructor(type: SocketTypeName, socket: AnySocket) {
    this.type = type;
    this.socket = socket;
    this.log = new EventLog(socket);
  }

  get label(): string {
    return `our ${this.type}`;
  }

  async bind(endpoint: string): Promise<string> {
    await this.socket.bind(endpoint);
    return this.socket.lastEndpoint!;
  }

  async connect(endpoint: string, routingId?: string): Promise<void> {
    if (routingId !== undefined) {
      (this.socket as zmq.Router).connect(endpoint, { routingId });
    } else {
      this.socket.connect(endpoint);
    }
  }

  async send(frames: readonly FrameLike[], timeout = 5000): Promise<void> {
    this.socket.sendTimeout = timeout;
    await this.socket.send!(frames.map(buf));
  }

  async recv(timeout = 5000): Promise<Buffer[]> {
    this.socket.receiveTimeout = timeout;
    return await this.socket.receive!();
  }

  async nudge(): Promise<void> {}

  async subscribe(topic: FrameLike): Promise<void> {
    this.socket.subscribe!(buf(topic));
  }

  async unsubscribe(topic: FrameLike): Promise<void> {
    this.socket.unsubscribe!(buf(topic));
  }

  async close(): Promise<void> {
    this.socket.close();
  }
}

// ---- endpoints, waits -------------------------------------------------------------------

let ipcCounter = 0;
const ipcFiles: string[] = [];

/** A bind address: an ephemeral tcp port, or a fresh ipc path. */
export function bindAddress(transport: Transport): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  const path = join(tmpdir(), `zmq-interop-${process.pid}-${++ipcCounter}.sock`);
  ipcFiles.push(path);
  return `ipc://${path}`;
}

/** Removes the ipc files this process made. */
export function cleanupIpc(): void {
  for (const path of ipcFiles.splice(0)) {
    try {
      unlinkSync(path);
    } catch {}
  }
}

export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Tries `action` until it resolves, for at most `timeout` ms. */
export async function until<T>(action: () => Promise<T>, timeout = 5000, pause = 20): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await delay(pause);
  }
}

/** Receives or gives undefined on EAGAIN (timeout). */
export async function tryRecv(end: End, timeout: number): Promise<Buffer[] | undefined> {
  try {
    return await end.recv(timeout);
  } catch (error) {
    if ((error as { code?: string }).code === "EAGAIN") return undefined;
    throw error;
  }
}

export const randomId = (): string => randomBytes(4).toString("hex");

// ---- a byte sniffer between two tcp ends -----------------------------------------------

/**
 * A tcp relay that records the bytes of each direction. `patch` may rewrite a
 * chunk in flight (given the direction and the offset of the chunk in its
 * stream), e.g. to downgrade a greeting's minor version.
 */
export class Sniffer {
  readonly server: net.Server;
  /** Bytes from the client (the connecting side) to the target. */
  up: Buffer = Buffer.alloc(0);
  /** Bytes from the target back to the client. */
  down: Buffer = Buffer.alloc(0);
  readonly #sockets = new Set<net.Socket>();

  private constructor(
    target: { host: string; port: number },
    patch?: (dir: "up" | "down", chunk: Buffer, offset: number) => Buffer,
  ) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      this.#sockets.add(client).add(upstream);
      let upOffset = 0;
      let downOffset = 0;
      client.on("data", (chunk) => {
        const out = patch ? patch("up", chunk, upOffset) : chunk;
        upOffset += chunk.length;
        this.up = Buffer.concat([this.up, out]);
        upstream.write(out);
      });
      upstream.on("data", (chunk) => {
        const out = patch ? patch("down", chunk, downOffset) : chunk;
        downOffset += chunk.length;
        this.down = Buffer.concat([this.down, out]);
        client.write(out);
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("close", end).on("error", end);
      upstream.on("close", end).on("error", end);
    });
  }

  static async start(
    targetEndpoint: string,
    patch?: (dir: "up" | "down", chunk: Buffer, offset: number) => Buffer,
  ): Promise<{ sniffer: Sniffer; endpoint: string }> {
    const url = new URL(targetEndpoint);
    const sniffer = new Sniffer({ host: url.hostname, port: Number(url.port) }, patch);
    await new Promise<void>((resolve) => sniffer.server.listen(0, "127.0.0.1", resolve));
    const { port } = sniffer.server.address() as net.AddressInfo;
    return { sniffer, endpoint: `tcp://127.0.0.1:${port}` };
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A patch for `Sniffer` that makes `dir`'s greeting announce ZMTP 3.0 (minor byte 0). */
export function downgradeGreeting(dir: "up" | "down") {
  return (d: "up" | "down", chunk: Buffer, offset: number): Buffer => {
    if (d !== dir || offset > 11 || offset + chunk.length <= 11) return chunk;
    const out = Buffer.from(chunk);
    out[11 - offset] = 0;
    return out;
  };
}

/** True when `haystack` contains `needle`. */
export const contains = (haystack: Buffer, needle: FrameLike): boolean =>
  haystack.indexOf(buf(needle)) >= 0;
