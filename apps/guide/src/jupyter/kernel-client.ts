/**
 * A Jupyter kernel client on @zmq/node: starts Debian's ipykernel with a
 * connection file we write, then talks to it on its five channels:
 *
 * - shell (DEALER → the kernel's ROUTER): execute_request, kernel_info_request;
 * - control (DEALER → ROUTER): shutdown_request;
 * - iopub (SUB ← PUB): status, execute_input, stream, execute_result, error,
 *   matched to our request by `parent_header.msg_id`;
 * - stdin (DEALER ← ROUTER): connected; this client never allows input;
 * - heartbeat (REQ → REP): the kernel echoes whatever bytes we send, so an
 *   echo within the timeout means it is alive.
 *
 * Every message we send is signed with HMAC-SHA256 and every message we
 * receive is checked; badly signed ones are counted and dropped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Request, Subscriber } from "@zmq/node";
import { type ConnectionInfo, endpoint, writeConnectionFile } from "./connection";
import {
  deserialize,
  type Header,
  InvalidMessageError,
  type JupyterMessage,
  newHeader,
  Signer,
  serialize,
} from "./protocol";

export interface KernelClientOptions {
  /** The Python that runs ipykernel (Debian's by default). */
  python?: string;
  /** How long the kernel may take to answer its first kernel_info_request (ms). */
  readyTimeout?: number;
}

export interface Execution {
  /** The execute_reply's content: status "ok" (with execution_count) or "error". */
  reply: Record<string, unknown>;
  /** Every IOPub message this request caused, in arrival order. */
  messages: JupyterMessage[];
  stdout: string;
  stderr: string;
  /** The execute_result's text/plain, if the code produced a value. */
  result: string | undefined;
}

type Waiter = (message: JupyterMessage) => void;

export class KernelClient {
  readonly info: ConnectionInfo;
  readonly session = randomUUID();
  readonly kernel: ChildProcess;
  /** Resolves with the kernel's exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** Messages received with a valid signature / dropped as invalid. */
  readonly counts = { verified: 0, invalid: 0 };
  #stderr = "";
  readonly #dir: string;
  readonly #signer: Signer;
  readonly #shell = new Dealer();
  readonly #control = new Dealer();
  readonly #stdin = new Dealer();
  readonly #iopub = new Subscriber();
  #hb: Request;
  readonly #replies = new Map<string, Waiter>();
  readonly #iopubListeners = new Set<Waiter>();
  #closed = false;

  private constructor(info: ConnectionInfo, kernel: ChildProcess, dir: string) {
    this.info = info;
    this.kernel = kernel;
    this.#dir = dir;
    this.#signer = new Signer(info.key);
    this.exited = once(kernel, "exit").then(
      ([code, signal]) => (code ?? signal) as number | string,
    );
    kernel.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr += chunk.toString("utf8");
    });
    kernel.stdout!.resume();
    // The shell and control DEALERs get a routing id, as Jupyter clients do.
    this.#shell.routingId = `${this.session}-shell`;
    this.#control.routingId = `${this.session}-control`;
    this.#shell.connect(endpoint(info, "shell"));
    this.#control.connect(endpoint(info, "control"));
    this.#stdin.connect(endpoint(info, "stdin"));
    this.#iopub.connect(endpoint(info, "iopub"));
    this.#iopub.subscribe();
    this.#hb = this.#openHeartbeat();
    const toReply = (message: JupyterMessage) => {
      const id = message.parent_header.msg_id;
      if (id !== undefined) this.#replies.get(id)?.(message);
    };
    void this.#read(this.#shell, toReply);
    void this.#read(this.#control, toReply);
    void this.#read(this.#iopub, (message) => {
      for (const listener of this.#iopubListeners) listener(message);
    });
  }

  /** Writes a connection file, starts `python -m ipykernel_launcher -f <file>`, waits until it answers. */
  static async start(options: KernelClientOptions = {}): Promise<KernelClient> {
    const { python = "/usr/bin/python3", readyTimeout = 30_000 } = options;
    const dir = await mkdtemp(join(tmpdir(), "zmq-jupyter-"));
    const file = join(dir, "kernel.json");
    const info = await writeConnectionFile(file);
    const kernel = spawn(python, ["-m", "ipykernel_launcher", "-f", file], {
      stdio: ["ignore", "pipe", "pipe"],
      // Keep IPython's profile and history out of the user's home.
      env: { ...process.env, IPYTHONDIR: join(dir, "ipython"), JUPYTER_RUNTIME_DIR: dir },
    });
    const client = new KernelClient(info, kernel, dir);
    try {
      await client.#waitUntilReady(readyTimeout);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** What the kernel wrote on stderr (its log). */
  get stderr(): string {
    return this.#stderr;
  }

  /** A signed message, ready to send; `frames` can be altered to test the kernel. */
  message(msgType: string, content: unknown): { header: Header; frames: Buffer[] } {
    const header = newHeader(msgType, this.session);
    const frames = serialize(this.#signer, { header, parent_header: {}, metadata: {}, content });
    return { header, frames };
  }

  /** Sends raw frames on the shell or control channel. */
  async sendFrames(channel: "shell" | "control", frames: Buffer[]): Promise<void> {
    await (channel === "shell" ? this.#shell : this.#control).send(frames);
  }

  /** The reply to message `msgId`, or rejects after `timeoutMs`. Register before sending. */
  replyTo(msgId: string, timeoutMs: number): Promise<JupyterMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#replies.delete(msgId);
        reject(new Error(`no reply to ${msgId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#replies.set(msgId, (message) => {
        clearTimeout(timer);
        this.#replies.delete(msgId);
        resolve(message);
      });
    });
  }

  /** Sends a request on shell or control and resolves with its reply. */
  async request(
    channel: "shell" | "control",
    msgType: string,
    content: unknown,
    timeoutMs = 10_000,
  ): Promise<JupyterMessage> {
    const { header, frames } = this.message(msgType, content);
    const reply = this.replyTo(header.msg_id, timeoutMs);
    await this.sendFrames(channel, frames);
    return reply;
  }

  /**
   * Runs `code`; `onMessage` sees each IOPub message as it arrives (so output
   * streams while the code runs). Resolves once the execute_reply is in and
   * the kernel has gone idle for this request.
   */
  async execute(
    code: string,
    options: { onMessage?: (message: JupyterMessage) => void; timeoutMs?: number } = {},
  ): Promise<Execution> {
    const { timeoutMs = 20_000 } = options;
    const { header, frames } = this.message("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const messages: JupyterMessage[] = [];
    let listener: Waiter | undefined;
    const idle = new Promise<void>((resolve) => {
      listener = (message) => {
        if (message.parent_header.msg_id !== header.msg_id) return;
        messages.push(message);
        options.onMessage?.(message);
        if (message.header.msg_type === "status" && message.content.execution_state === "idle") {
          resolve();
        }
      };
      this.#iopubListeners.add(listener);
    });
    try {
      const reply = this.replyTo(header.msg_id, timeoutMs);
      await this.sendFrames("shell", frames);
      const [message] = await Promise.all([reply, withTimeout(idle, timeoutMs, "idle status")]);
      const text = (name: string) =>
        messages
          .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
          .map((m) => String(m.content.text))
          .join("");
      const result = messages.find((m) => m.header.msg_type === "execute_result");
      return {
        reply: message.content,
        messages,
        stdout: text("stdout"),
        stderr: text("stderr"),
        result: (result?.content.data as Record<string, string> | undefined)?.["text/plain"],
      };
    } finally {
      this.#iopubListeners.delete(listener!);
    }
  }

  /**
   * One heartbeat: sends random bytes and waits for the same bytes back.
   * Resolves with the round trip (ms), or undefined if none came in time (the
   * REQ socket is then replaced, since it waits for a reply forever).
   */
  async heartbeat(timeoutMs = 1000): Promise<number | undefined> {
    const ping = randomBytes(16);
    const began = performance.now();
    await this.#hb.send(ping);
    try {
      this.#hb.receiveTimeout = timeoutMs;
      const [echo] = await this.#hb.receive();
      if (!Buffer.from(echo!).equals(ping)) throw new Error("heartbeat echoed other bytes");
      return performance.now() - began;
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      this.#hb.close();
      this.#hb = this.#openHeartbeat();
      return undefined;
    }
  }

  /** Asks the kernel to shut down (control channel) and waits for it to exit. */
  async shutdown(timeoutMs = 10_000): Promise<JupyterMessage> {
    const reply = await this.request("control", "shutdown_request", { restart: false }, timeoutMs);
    await withTimeout(this.exited, timeoutMs, "kernel exit");
    return reply;
  }

  /** Closes our sockets, kills the kernel if it still runs, removes the connection file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of [this.#shell, this.#control, this.#stdin, this.#iopub, this.#hb]) {
      socket.close();
    }
    if (this.kernel.exitCode === null && this.kernel.signalCode === null) {
      this.kernel.kill("SIGKILL");
      await this.exited;
    }
    await rm(this.#dir, { recursive: true, force: true });
  }

  #openHeartbeat(): Request {
    const hb = new Request({ linger: 0 });
    hb.connect(endpoint(this.info, "hb"));
    return hb;
  }

  async #read(socket: Dealer | Subscriber, deliver: Waiter): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = (await socket.receive()) as Buffer[];
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
      let message: JupyterMessage;
      try {
        message = deserialize(this.#signer, frames);
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        this.counts.invalid++;
        continue;
      }
      this.counts.verified++;
      deliver(message);
    }
  }

  /**
   * Ready when a kernel_info_request is answered on shell and its status
   * messages show up on IOPub (so our subscription is in place too). Asks
   * again every second, as the kernel may still be starting.
   */
  async #waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    while (Date.now() < deadline && !exited) {
      const { header, frames } = this.message("kernel_info_request", {});
      let seenOnIopub!: () => void;
      const onIopub = new Promise<void>((resolve) => {
        seenOnIopub = resolve;
      });
      const listener: Waiter = (message) => {
        if (message.parent_header.msg_id === header.msg_id) seenOnIopub();
      };
      this.#iopubListeners.add(listener);
      try {
        const reply = this.replyTo(header.msg_id, 1000);
        await this.sendFrames("shell", frames);
        await reply;
        await withTimeout(onIopub, 1000, "iopub");
        return;
      } catch {
        // Not ready yet: ask again.
      } finally {
        this.#iopubListeners.delete(listener);
      }
    }
    throw new Error(
      exited
        ? `the kernel exited before answering:\n${this.#stderr}`
        : `the kernel did not answer within ${timeoutMs} ms:\n${this.#stderr}`,
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
