import { checkGroup, decodeGroupCommand, requireTwoParts } from "../draft-messages";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import type { AttachOptions } from "../socket-base";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { Distributor } from "../strategies/distributor";
import { GroupTable } from "../strategies/group-table";

/**
 * RADIO (RFC 48, draft): sends `[group, body]` to the pipes whose DISH joined
 * exactly that group. Pipes report joins and leaves as `encodeGroupCommand`
 * messages; a pipe attached with `receiveAll` (a udp destination, where the
 * receiving DISH filters) gets every message. Full pipes drop the message, or
 * with `xpubNoDrop` the send returns false (EAGAIN) while any matching pipe is
 * full. Receive is ENOTSUP.
 */
export class Radio extends SocketBase {
  private readonly dist = new Distributor();
  private readonly groups = new GroupTable<Pipe>();
  private readonly receiveAll = new Set<Pipe>();

  override get type(): SocketType {
    return "RADIO";
  }

  protected xattachPipe(pipe: Pipe, options: AttachOptions): void {
    this.dist.attach(pipe);
    if (options.receiveAll === true) this.receiveAll.add(pipe);
    else this.xreadActivated(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.groups.leaveAll(pipe);
    this.receiveAll.delete(pipe);
    this.dist.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    for (let msg = pipe.read(); msg !== undefined; msg = pipe.read()) {
      const command = decodeGroupCommand(msg);
      if (command === undefined) continue; // a RADIO takes nothing else from its peers
      if (command.join) this.groups.join(command.group, pipe);
      else this.groups.leave(command.group, pipe);
    }
  }

  protected override xwriteActivated(pipe: Pipe): void {
    this.dist.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    requireTwoParts(msg, "RADIO", "group");
    checkGroup(msg[0]!);
    this.dist.unmatch();
    for (const pipe of this.groups.members(msg[0]!)) this.dist.match(pipe);
    for (const pipe of this.receiveAll) this.dist.match(pipe);
    if (this.opts.xpubNoDrop && !this.dist.checkHwm()) {
      this.dist.unmatch();
      return false;
    }
    this.dist.sendToMatching(msg);
    return true;
  }

  protected override xhasOut(): boolean {
    return true;
  }
}
