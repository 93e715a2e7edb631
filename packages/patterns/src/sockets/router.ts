import { PatternError } from "../errors";
import { bytesKey, EMPTY_FRAME, type Message } from "../message";
import type { Pipe } from "../pipe";
import { autoRoutingId } from "../routing-id";
import type { AttachOptions, SocketRuntime } from "../socket-base";
import { SocketBase } from "../socket-base";
import type { SocketOptions } from "../socket-options";
import type { SocketType } from "../socket-type";
import { FairQueue } from "../strategies/fair-queue";

/**
 * ROUTER (RFC 28): every pipe gets a routing id — the `connectRoutingId` of a local
 * connect, else the peer's announced `Identity`, else an automatic 5-byte id.
 * Received messages are prefixed with it; the first frame of a sent message selects
 * the pipe. Unroutable or full: dropped, or EHOSTUNREACH / false (EAGAIN) with
 * `routerMandatory`. A peer announcing an id already in use is ignored, or takes it
 * over with `routerHandover`.
 */
export class Router extends SocketBase {
  private readonly fq = new FairQueue();
  private readonly outPipes = new Map<string, Pipe>();
  /** Pipes ignored because their routing id was taken (no handover). */
  private readonly anonymous = new Set<Pipe>();
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
    return "ROUTER";
  }

  /** Routing ids of the connected peers. */
  get routingIds(): Uint8Array[] {
    return Array.from(this.outPipes.values(), (pipe) => pipe._routingId!);
  }

  protected xattachPipe(pipe: Pipe, options: AttachOptions): void {
    if (this.opts.probeRouter) pipe.write([EMPTY_FRAME]);
    if (this.identify(pipe, options)) this.fq.attach(pipe);
    else this.anonymous.add(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.anonymous.delete(pipe)) return;
    const key = pipe._routingKey;
    if (key !== undefined && this.outPipes.get(key) === pipe) this.outPipes.delete(key);
    this.fq.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    if (!this.anonymous.has(pipe)) this.fq.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    // A routing id alone (no body) is dropped silently, as libzmq does.
    if (msg.length < 2) return true;
    const pipe = this.outPipes.get(bytesKey(msg[0]!));
    if (pipe === undefined) {
      if (this.opts.routerMandatory)
        throw new PatternError("EHOSTUNREACH", "no peer with that routing id");
      return true;
    }
    if (pipe.write(msg.slice(1))) return true;
    if (!this.opts.routerMandatory) return true;
    if (pipe.state === "active") return false;
    throw new PatternError("EHOSTUNREACH", "peer is disconnecting");
  }

  protected override xreceive(): Message | undefined {
    const msg = this.fq.receive();
    if (msg === undefined) return undefined;
    const out: Message = new Array<Uint8Array>(msg.length + 1);
    out[0] = this.fq.lastPipe!._routingId!;
    for (let i = 0; i < msg.length; i++) out[i + 1] = msg[i]!;
    return out;
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    if (!this.opts.routerMandatory) return true;
    for (const pipe of this.outPipes.values()) if (pipe.checkWrite()) return true;
    return false;
  }

  private identify(pipe: Pipe, options: AttachOptions): boolean {
    let id = options.connectRoutingId;
    if (id === undefined || id.length === 0) id = options.routingId ?? pipe.routingId;
    if (id === undefined || id.length === 0) {
      id = autoRoutingId(this.nextId);
      this.nextId = (this.nextId + 1) >>> 0;
    } else {
      const existing = this.outPipes.get(bytesKey(id));
      if (existing !== undefined) {
        if (!this.opts.routerHandover) return false;
        // The old pipe gets a fresh automatic id and is closed; the new one takes over.
        this.outPipes.delete(existing._routingKey!);
        this.register(existing, autoRoutingId(this.nextId));
        this.nextId = (this.nextId + 1) >>> 0;
        existing.terminate(this.opts.linger);
      }
    }
    this.register(pipe, id);
    return true;
  }

  private register(pipe: Pipe, id: Uint8Array): void {
    const key = bytesKey(id);
    pipe._routingId = id;
    pipe._routingKey = key;
    this.outPipes.set(key, pipe);
  }
}
