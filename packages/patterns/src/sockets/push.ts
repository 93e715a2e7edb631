import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { LoadBalancer } from "../strategies/load-balancer";

/** PUSH (RFC 30): round-robin to writable peers; blocks (returns false) when none. */
export class Push extends SocketBase {
  private readonly lb = new LoadBalancer();

  override get type(): SocketType {
    return "PUSH";
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
    return this.lb.send(msg) !== undefined;
  }

  protected override xhasOut(): boolean {
    return this.lb.hasOut();
  }
}
