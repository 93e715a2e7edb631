import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FairQueue } from "../strategies/fair-queue";

/** PULL (RFC 30): fair-queues whole messages from its peers. */
export class Pull extends SocketBase {
  private readonly fq = new FairQueue();

  override get type(): SocketType {
    return "PULL";
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xreceive(): Message | undefined {
    return this.fq.receive();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }
}
