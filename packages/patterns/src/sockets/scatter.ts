import { requireSinglePart } from "../draft-messages";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { LoadBalancer } from "../strategies/load-balancer";

/**
 * SCATTER (RFC 49, draft): a single-part PUSH. Round-robin to writable GATHER
 * peers, blocks when none; a multipart send is EINVAL; receive is ENOTSUP.
 */
export class Scatter extends SocketBase {
  private readonly lb = new LoadBalancer();

  override get type(): SocketType {
    return "SCATTER";
  }

  protected xattachPipe(pipe: Pipe): void {
    this.lb.attach(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.lb.terminated(pipe);
  }

  protected override xwriteActivated(pipe: Pipe): void {
    this.lb.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    requireSinglePart(msg, "SCATTER");
    return this.lb.send(msg) !== undefined;
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}
