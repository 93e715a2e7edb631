import { requireSinglePart } from "../draft-messages";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FilteredQueue } from "../strategies/filtered-queue";
import { LoadBalancer } from "../strategies/load-balancer";

const singlePart = (msg: Message): boolean => msg.length === 1;

/**
 * CLIENT (RFC 41, draft): round-robin out to writable SERVER peers (blocks when
 * none), fair-queue in. Single-part only: a multipart send is EINVAL, multipart
 * input is dropped.
 */
export class Client extends SocketBase {
  private readonly lb = new LoadBalancer();
  private readonly fq = new FilteredQueue(singlePart);

  override get type(): SocketType {
    return "CLIENT";
  }

  protected xattachPipe(pipe: Pipe): void {
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
    requireSinglePart(msg, "CLIENT");
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
