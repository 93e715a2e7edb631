import { PatternError } from "../errors";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FairQueue } from "../strategies/fair-queue";

/**
 * REP (RFC 28): fair-queues requests, strips and stores the envelope (every frame
 * up to and including the first empty one), and prepends it to the reply, which goes
 * back to the originating pipe. Requests without a delimiter are dropped. Replies
 * to a peer that is gone or full are dropped (REP never blocks on send).
 */
export class Rep extends SocketBase {
  private readonly fq = new FairQueue();
  private sendingReply = false;
  private replyPipe: Pipe | undefined = undefined;
  private envelope: Message = [];
  private prefetched: Message | undefined = undefined;
  private prefetchedPipe: Pipe | undefined = undefined;
  private prefetchedAt = 0;

  override get type(): SocketType {
    return "REP";
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.terminated(pipe);
    if (this.replyPipe === pipe) this.replyPipe = undefined;
    if (this.prefetchedPipe === pipe) {
      this.prefetched = undefined;
      this.prefetchedPipe = undefined;
    }
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    if (!this.sendingReply) throw new PatternError("EFSM", "REP must receive a request first");
    const pipe = this.replyPipe;
    this.sendingReply = false;
    this.replyPipe = undefined;
    this.changed();
    if (pipe !== undefined) pipe.write(this.envelope.concat(msg));
    this.envelope = [];
    return true;
  }

  protected override xreceive(): Message | undefined {
    if (this.sendingReply) throw new PatternError("EFSM", "REP must send the reply first");
    if (this.prefetched === undefined && !this.fetch()) return undefined;
    const msg = this.prefetched!;
    const at = this.prefetchedAt;
    this.envelope = msg.slice(0, at + 1);
    this.replyPipe = this.prefetchedPipe;
    this.prefetched = undefined;
    this.prefetchedPipe = undefined;
    this.sendingReply = true;
    this.changed();
    return msg.slice(at + 1);
  }

  protected override xhasIn(): boolean {
    if (this.sendingReply) return false;
    return this.prefetched !== undefined || this.fetch();
  }

  protected override xhasOut(): boolean {
    return this.sendingReply;
  }

  /** Find the next well-formed request; its delimiter index goes to `prefetchedAt`. */
  private fetch(): boolean {
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return false;
      const last = msg.length - 1;
      for (let i = 0; i < last; i++) {
        if (msg[i]!.length === 0) {
          this.prefetched = msg;
          this.prefetchedPipe = this.fq.lastPipe;
          this.prefetchedAt = i;
          return true;
        }
      }
    }
  }
}
