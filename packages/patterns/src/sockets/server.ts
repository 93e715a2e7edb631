import { decodeServerRoutingId, encodeServerRoutingId, requireTwoParts } from "../draft-messages";
import { PatternError } from "../errors";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import type { SocketRuntime } from "../socket-base";
import { SocketBase } from "../socket-base";
import type { SocketOptions } from "../socket-options";
import type { SocketType } from "../socket-type";
import { FilteredQueue } from "../strategies/filtered-queue";

const singlePart = (msg: Message): boolean => msg.length === 1;

/**
 * SERVER (RFC 41, draft): every pipe gets a routing id, a non-zero uint32 from a
 * counter that starts at a random value (libzmq). Messages travel on the socket as
 * `[id, body]` with `id` the 4-byte big-endian routing id
 * (`encodeServerRoutingId`); pipes carry the body alone. Sending to an unknown id
 * throws EHOSTUNREACH, to a full pipe returns false (EAGAIN); `canSend` is always
 * true, as in libzmq. Single-part: any other shape is EINVAL; multipart input is
 * dropped.
 */
export class Server extends SocketBase {
  private readonly fq = new FilteredQueue(singlePart);
  private readonly outPipes = new Map<number, Pipe>();
  private readonly ids = new Map<Pipe, number>();
  private nextId: number;
  /** The routing id given to the most recently attached pipe (PEER's `connectPeer`). */
  protected lastAttachedId: number | undefined = undefined;

  /**
   * Create an unconnected socket; `runtime.random` picks the first generated routing id.
   * Options are validated as in {@link SocketBase}'s constructor (EINVAL).
   */
  constructor(options?: Partial<SocketOptions>, runtime?: SocketRuntime) {
    super(options, runtime);
    this.nextId = Math.floor(this.random() * 0x100000000) >>> 0;
  }

  override get type(): SocketType {
    return "SERVER";
  }

  /** Routing ids of the attached peers. */
  get routingIds(): number[] {
    return Array.from(this.outPipes.keys());
  }

  /** The routing id of an attached pipe. */
  routingIdOf(pipe: Pipe): number | undefined {
    return this.ids.get(pipe);
  }

  protected xattachPipe(pipe: Pipe): void {
    let id = this.nextId;
    while (id === 0 || this.outPipes.has(id)) id = (id + 1) >>> 0;
    this.nextId = (id + 1) >>> 0;
    this.outPipes.set(id, pipe);
    this.ids.set(pipe, id);
    this.lastAttachedId = id;
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    const id = this.ids.get(pipe);
    if (id !== undefined) {
      this.ids.delete(pipe);
      if (this.outPipes.get(id) === pipe) this.outPipes.delete(id);
    }
    this.fq.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    requireTwoParts(msg, this.type, "routing id");
    const id = decodeServerRoutingId(msg[0]!);
    const pipe = id === undefined ? undefined : this.outPipes.get(id);
    if (pipe === undefined) throw new PatternError("EHOSTUNREACH", "no peer with that routing id");
    if (!pipe.checkWrite()) {
      if (pipe.state === "active") return false;
      throw new PatternError("EHOSTUNREACH", "peer is disconnecting");
    }
    pipe.write([msg[1]!]);
    return true;
  }

  protected override xreceive(): Message | undefined {
    const msg = this.fq.receive();
    if (msg === undefined) return undefined;
    const id = this.ids.get(this.fq.lastPipe!) ?? 0;
    return [encodeServerRoutingId(id), msg[0]!];
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return true;
  }
}
