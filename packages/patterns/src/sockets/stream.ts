import { PatternError } from "../errors";
import { bytesKey, EMPTY_FRAME, type Message } from "../message";
import type { Pipe } from "../pipe";
import { RingQueue } from "../ring-queue";
import { autoRoutingId } from "../routing-id";
import type { AttachOptions, SocketRuntime } from "../socket-base";
import { SocketBase } from "../socket-base";
import type { SocketOptions } from "../socket-options";
import type { SocketType } from "../socket-type";
import { FairQueue } from "../strategies/fair-queue";

/**
 * STREAM: raw connections addressed like ROUTER. Each pipe carries raw data chunks
 * (one frame per message from the raw engine). Received: `[routingId, data]`.
 * Sent: `[routingId, ...data]`, written as one message; `[routingId, ""]` closes
 * the connection. Routing ids are automatic (or `connectRoutingId`); peers'
 * identities are not used. With `streamNotify` (default) the socket itself delivers
 * `[routingId, ""]` when a pipe attaches and when it goes away, so the raw engine
 * must not inject those. Unknown id: EHOSTUNREACH; full pipe: false (EAGAIN).
 */
export class Stream extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly outPipes = new Map<string, Pipe>();
  private readonly notices = new RingQueue<Message>();
  private nextId: number;

  /**
   * Create an unconnected socket; `runtime.random` picks the first generated routing id.
   * Options are validated as in {@link SocketBase}'s constructor (EINVAL).
   */
  constructor(options?: Partial<SocketOptions>, runtime?: SocketRuntime) {
    super(options, runtime);
    this.nextId = Math.floor(this.random() * 0x100000000) >>> 0;
  }

  override get type(): SocketType {
    return "STREAM";
  }

  protected xattachPipe(pipe: Pipe, options: AttachOptions): void {
    let id = options.connectRoutingId;
    if (id === undefined || id.length === 0 || this.outPipes.has(bytesKey(id))) {
      id = autoRoutingId(this.nextId);
      this.nextId = (this.nextId + 1) >>> 0;
    }
    const key = bytesKey(id);
    pipe._routingId = id;
    pipe._routingKey = key;
    this.outPipes.set(key, pipe);
    this.fq.attach(pipe);
    if (this.opts.streamNotify) this.notices.push([id, EMPTY_FRAME]);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    const key = pipe._routingKey;
    if (key !== undefined && this.outPipes.get(key) === pipe) {
      this.outPipes.delete(key);
      if (this.opts.streamNotify && !this.closed)
        this.notices.push([pipe._routingId!, EMPTY_FRAME]);
    }
    this.fq.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    if (msg.length < 2) return true;
    const key = bytesKey(msg[0]!);
    const pipe = this.outPipes.get(key);
    if (pipe === undefined)
      throw new PatternError("EHOSTUNREACH", "no connection with that routing id");
    if (msg.length === 2 && msg[1]!.length === 0) {
      // Closing by the application: no disconnect notice.
      this.outPipes.delete(key);
      pipe.terminate(0);
      return true;
    }
    if (pipe.write(msg.slice(1))) return true;
    if (pipe.state === "active") return false;
    throw new PatternError("EHOSTUNREACH", "connection is closing");
  }

  protected override xreceive(): Message | undefined {
    const notice = this.notices.shift();
    if (notice !== undefined) return notice;
    const msg = this.fq.receive();
    if (msg === undefined) return undefined;
    const out: Message = new Array<Uint8Array>(msg.length + 1);
    out[0] = this.fq.lastPipe!._routingId!;
    for (let i = 0; i < msg.length; i++) out[i + 1] = msg[i]!;
    return out;
  }

  protected override xhasIn(): boolean {
    return this.notices.length > 0 || this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return true;
  }
}
