import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FilteredQueue } from "../strategies/filtered-queue";

const singlePart = (msg: Message): boolean => msg.length === 1;

/**
 * GATHER (RFC 49, draft): a single-part PULL. Fair-queues from its SCATTER peers
 * and drops multipart input; send is ENOTSUP.
 */
export class Gather extends SocketBase {
  private readonly fq = new FilteredQueue(singlePart);

  override get type(): SocketType {
    return "GATHER";
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
