import { EMPTY_FRAME, type Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FairQueue } from "../strategies/fair-queue";
import { LoadBalancer } from "../strategies/load-balancer";

/**
 * DEALER (RFC 28): round-robin out to writable peers (blocks when none), fair-queue
 * in. With `probeRouter`, writes one empty message to each new pipe.
 */
export class Dealer extends SocketBase {
  /** Outbound round-robin over the peers (REQ, a subclass, sends through it too). */
  protected readonly lb = new LoadBalancer();
  /** Inbound fair queue over the peers. */
  protected readonly fq = new FairQueue();

  override get type(): SocketType {
    return "DEALER";
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.opts.probeRouter) pipe.write([EMPTY_FRAME]);
    this.fq.attach(pipe);
    this.lb.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.terminated(pipe);
    this.lb.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xwriteActivated(pipe: Pipe): void {
    this.lb.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    return this.lb.send(msg) !== undefined;
  }

  protected override xreceive(): Message | undefined {
    return this.fq.receive();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}
