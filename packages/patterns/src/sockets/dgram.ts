import { requireTwoParts } from "../draft-messages";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";

/**
 * DGRAM (draft, udp only): messages are `[address, body]` in both directions,
 * `address` being `"ip:port"` text (libzmq appends a NUL byte on receive and
 * accepts it with or without one on send). One pipe only, to the udp session;
 * blocks (returns false) when it is full or absent. Any other shape is EINVAL.
 */
export class Dgram extends SocketBase {
  private pipe: Pipe | undefined = undefined;

  override get type(): SocketType {
    return "DGRAM";
  }

  protected xattachPipe(pipe: Pipe): void {
    if (this.pipe === undefined) this.pipe = pipe;
    else pipe.terminate(0);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.pipe === pipe) this.pipe = undefined;
  }

  protected override xsend(msg: Message): boolean {
    requireTwoParts(msg, "DGRAM", "address");
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
