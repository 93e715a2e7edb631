import { PatternError } from "../errors";
import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { RingQueue } from "../ring-queue";
import { SocketBase } from "../socket-base";
import type { SocketType } from "../socket-type";
import { Distributor } from "../strategies/distributor";
import { MultiTrie } from "../strategies/multi-trie";

/**
 * XPUB (RFC 29): PUB that also receives. Subscriptions arrive on pipes as
 * single-frame messages `\x01topic` / `\x00topic` and are applied to a per-pipe
 * prefix trie; new subscriptions and removals of the last subscriber are passed to
 * the application in the same form (all of them with `xpubVerbose`/`xpubVerboser`,
 * or raw and unapplied with `xpubManual`, where `subscribe`/`unsubscribe` then act
 * on the pipe of the last received subscription). A departing subscriber produces
 * `\x00topic` for its topics. Other messages from subscribers are passed up as is.
 * Sends go to matching pipes (inverted with `invertMatching`) and are dropped for
 * full ones, or refused (false, EAGAIN) with `xpubNoDrop`.
 */
export class XPub extends SocketBase {
  /** Fan-out to the subscribers; PUB, a subclass, sends through it too. */
  protected readonly dist = new Distributor();
  private readonly subscriptions = new MultiTrie<Pipe>();
  private readonly manualSubscriptions = new MultiTrie<Pipe>();
  private readonly pending = new RingQueue<Message>();
  private readonly pendingPipes = new RingQueue<Pipe | undefined>();
  private lastPipe: Pipe | undefined = undefined;
  private readonly isPub = this.type === "PUB";

  override get type(): SocketType {
    return "XPUB";
  }

  protected xattachPipe(pipe: Pipe): void {
    this.dist.attach(pipe);
    const welcome = this.opts.xpubWelcomeMessage;
    if (welcome !== undefined && welcome.length > 0) pipe.write([welcome]);
    this.drain(pipe);
  }

  protected xpipeTerminated(pipe: Pipe): void {
    if (this.opts.xpubManual) {
      this.manualSubscriptions.removeValue(pipe, (topic) => this.queueCancel(topic), false);
      this.subscriptions.removeValue(pipe, noop, false);
    } else {
      this.subscriptions.removeValue(
        pipe,
        (topic) => this.queueCancel(topic),
        !this.opts.xpubVerboser,
      );
    }
    this.dist.terminated(pipe);
    if (this.lastPipe === pipe) this.lastPipe = undefined;
  }

  protected override xreadActivated(pipe: Pipe): void {
    this.drain(pipe);
  }

  protected override xwriteActivated(pipe: Pipe): void {
    this.dist.activated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    const dist = this.dist;
    this.subscriptions.forEachMatch(msg[0]!, dist);
    if (this.opts.invertMatching) dist.reverseMatch();
    if (this.opts.xpubNoDrop && !dist.checkHwm()) {
      dist.unmatch();
      return false;
    }
    dist.sendToMatching(msg);
    return true;
  }

  protected override xreceive(): Message | undefined {
    if (this.isPub) throw new PatternError("ENOTSUP", "PUB sockets cannot receive");
    const msg = this.pending.shift();
    if (msg === undefined) return undefined;
    const pipe = this.pendingPipes.shift();
    if (this.opts.xpubManual) this.lastPipe = pipe;
    return msg;
  }

  protected override xhasIn(): boolean {
    return !this.isPub && this.pending.length > 0;
  }

  protected override xhasOut(): boolean {
    return !this.opts.xpubNoDrop || this.dist.allWritable();
  }

  protected override xsubscribe(topic: Uint8Array, subscribe: boolean): void {
    if (!this.opts.xpubManual) {
      throw new PatternError("EINVAL", "XPUB takes subscribe/unsubscribe only with xpubManual");
    }
    const pipe = this.lastPipe;
    if (pipe === undefined || !this.pipes.has(pipe)) return;
    if (subscribe) this.subscriptions.add(topic, 0, pipe);
    else this.subscriptions.remove(topic, 0, pipe);
  }

  /** Read everything the pipe has: subscriptions are applied at once. */
  private drain(pipe: Pipe): void {
    const manual = this.opts.xpubManual;
    for (let msg = pipe.read(); msg !== undefined; msg = pipe.read()) {
      const frame = msg[0]!;
      const kind = msg.length === 1 && frame.length > 0 ? frame[0]! : 2;
      if (kind > 1) {
        if (!this.isPub) this.queue(msg, undefined);
        continue;
      }
      if (manual) {
        if (kind === 1) this.manualSubscriptions.add(frame, 1, pipe);
        else this.manualSubscriptions.remove(frame, 1, pipe);
        this.queue(msg, pipe);
        continue;
      }
      const notify =
        kind === 1
          ? this.subscriptions.add(frame, 1, pipe) || this.opts.xpubVerbose
          : this.subscriptions.remove(frame, 1, pipe) !== "values-remain" || this.opts.xpubVerboser;
      if (notify && !this.isPub) this.queue(msg, undefined);
    }
  }

  private queue(msg: Message, pipe: Pipe | undefined): void {
    this.pending.push(msg);
    this.pendingPipes.push(pipe);
  }

  private queueCancel(topic: Uint8Array): void {
    if (this.isPub) return;
    const frame = new Uint8Array(topic.length + 1);
    frame.set(topic, 1);
    this.queue([frame], undefined);
  }
}

function noop(): void {}
