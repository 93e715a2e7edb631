import { checkGroup, encodeGroupCommand, MAX_GROUP_LENGTH } from "../draft-messages";
import { PatternError } from "../errors";
import { bytesKey, type Message, toBytes } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { Distributor } from "../strategies/distributor";
import { FilteredQueue } from "../strategies/filtered-queue";

/**
 * DISH (RFC 48, draft): `join`/`leave` groups (exact match, at most 255 non-zero bytes;
 * joining a group twice or leaving one not joined is EINVAL). Every join/leave
 * goes to each pipe as an `encodeGroupCommand` message, and a new pipe first gets
 * one join per current group. Receives `[group, body]` from its RADIO peers,
 * fair-queued; messages of other shapes or of groups not joined are dropped
 * (groups are filtered here too, as a udp sender sends everything). Send is
 * ENOTSUP. Linger defaults to 0, as in libzmq.
 */
export class Dish extends SocketBase {
  private readonly fq = new FilteredQueue((msg) => this.accepts(msg));
  private readonly dist = new Distributor();
  private readonly joined = new Map<string, Uint8Array>();

  override get type(): SocketType {
    return "DISH";
  }

  /** The groups joined, in join order. */
  get groups(): Uint8Array[] {
    return Array.from(this.joined.values());
  }

  /** Join `group` (string = UTF-8); EINVAL when longer than 255 bytes or already joined. */
  join(group: Uint8Array | string): void {
    this.change(group, true);
  }

  /** Leave `group`; EINVAL when longer than 255 bytes or not joined. */
  leave(group: Uint8Array | string): void {
    this.change(group, false);
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
    this.dist.attach(pipe);
    for (const group of this.joined.values()) pipe.write(encodeGroupCommand(true, group));
  }

  protected xpipeTerminated(pipe: Pipe): void {
    this.fq.terminated(pipe);
    this.dist.terminated(pipe);
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  protected override xwriteActivated(pipe: Pipe): void {
    this.dist.activated(pipe);
  }

  protected override xreceive(): Message | undefined {
    return this.fq.receive();
  }

  protected override xhasIn(): boolean {
    return this.fq.hasIn();
  }

  protected override xhasOut(): boolean {
    return true; // joins and leaves can go at any time
  }

  private accepts(msg: Message): boolean {
    return (
      msg.length === 2 && msg[0]!.length <= MAX_GROUP_LENGTH && this.joined.has(bytesKey(msg[0]!))
    );
  }

  private change(value: Uint8Array | string, join: boolean): void {
    if (this.closed) throw new PatternError("ETERM", "socket is closed");
    if (typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new PatternError("EINVAL", "a group is a string or bytes");
    }
    const group = toBytes(value);
    checkGroup(group);
    const key = bytesKey(group);
    if (join === this.joined.has(key)) {
      throw new PatternError("EINVAL", join ? "group already joined" : "group not joined");
    }
    if (join) this.joined.set(key, group.slice());
    else this.joined.delete(key);
    this.dist.sendToAll(encodeGroupCommand(join, group));
  }
}
