import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { Distributor } from "../strategies/distributor";
import { FairQueue } from "../strategies/fair-queue";
import { SubscriptionTrie } from "../strategies/subscription-trie";

/**
 * XSUB (RFC 29): fair-queues messages from publishers and sends to all of them.
 * A sent single-frame message starting with 1 or 0 is a (un)subscription: it is
 * counted locally and forwarded (a removal only when its count reaches zero, as
 * libzmq); every subscription is re-sent to each newly attached pipe. XSUB does not
 * filter what it receives; SUB does.
 */
export class XSub extends SocketBase {
  private readonly dist = new Distributor();
  private readonly fq = new FairQueue();
  private readonly trie = new SubscriptionTrie();
  private readonly filter = this.type === "SUB";
  private prefetched: Message | undefined = undefined;

  override get type(): SocketType {
    return "XSUB";
  }

  /** Number of distinct subscribed topics. */
  get topicCount(): number {
    return this.trie.size;
  }

  protected xattachPipe(pipe: Pipe): void {
    this.fq.attach(pipe);
    this.dist.attach(pipe);
    // Resubscribe: this is how subscriptions survive reconnects.
    this.trie.forEach((topic) => {
      const frame = new Uint8Array(topic.length + 1);
      frame[0] = 1;
      frame.set(topic, 1);
      pipe.write([frame]);
    });
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

  protected override xsend(msg: Message): boolean {
    this.upstream(msg);
    return true;
  }

  protected override xreceive(): Message | undefined {
    const msg = this.prefetched ?? this.fetch();
    this.prefetched = undefined;
    return msg;
  }

  protected override xhasIn(): boolean {
    this.prefetched ??= this.fetch();
    return this.prefetched !== undefined;
  }

  protected override xhasOut(): boolean {
    return true;
  }

  protected override xsubscribe(topic: Uint8Array, subscribe: boolean): void {
    const frame = new Uint8Array(topic.length + 1);
    frame[0] = subscribe ? 1 : 0;
    frame.set(topic, 1);
    this.upstream([frame]);
  }

  private upstream(msg: Message): void {
    const frame = msg[0]!;
    if (msg.length === 1 && frame.length > 0) {
      if (frame[0] === 1) {
        this.trie.add(frame, 1);
      } else if (frame[0] === 0) {
        // Forward a cancel only when the last reference goes.
        if (!this.trie.remove(frame, 1)) return;
      }
    }
    this.dist.sendToAll(msg);
  }

  private fetch(): Message | undefined {
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined || !this.filter) return msg;
      if (this.trie.matches(msg[0]!) !== this.opts.invertMatching) return msg;
    }
  }
}
