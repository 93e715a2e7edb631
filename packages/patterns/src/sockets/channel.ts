import { requireSinglePart } from "../draft-messages";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { FilteredQueue } from "../strategies/filtered-queue";

/**
 * CHANNEL (draft, libzmq `channel.cpp`): a single-part PAIR. Exactly one CHANNEL peer (further
 * pipes are terminated), blocks in mute state; a multipart send is EINVAL and
 * multipart input is dropped.
 */
export class Channel extends SocketBase {
  private pipe: Pipe | undefined = undefined;
  private readonly input = new FilteredQueue((msg) => msg.length === 1);

  override get type(): SocketType {
    return "CHANNEL";
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.pipe === undefined) {
      this.pipe = pipe;
      this.input.attach(pipe);
    } else pipe.terminate(0);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.pipe !== pipe) return;
    this.pipe = undefined;
    this.input.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    if (this.pipe === pipe) this.input.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    requireSinglePart(msg, "CHANNEL");
    return this.pipe?.write(msg) === true;
  }

  protected override xreceive(): Message | undefined {
    return this.input.receive();
  }

  protected override xhasIn(): boolean {
    return this.input.hasIn();
  }

  protected override xhasOut(): boolean {
    return this.pipe?.checkWrite() === true;
  }
}
