import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";

/** PAIR (RFC 31): exactly one peer; further pipes are terminated. Blocks in mute state. */
export class Pair extends SocketBase {
  private pipe: Pipe | undefined = undefined;

  override get type(): SocketType {
    return "PAIR";
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.pipe === undefined) this.pipe = pipe;
    else pipe.terminate(0);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.pipe === pipe) this.pipe = undefined;
  }

  protected override xsend(msg: Message): boolean {
    return this.pipe?.write(msg) === true;
  }

  protected override xreceive(): Message | undefined {
    return this.pipe?.read();
  }

  protected override xhasIn(): boolean {
    return this.pipe?.checkRead() === true;
  }

  protected override xhasOut(): boolean {
    return this.pipe?.checkWrite() === true;
  }
}
