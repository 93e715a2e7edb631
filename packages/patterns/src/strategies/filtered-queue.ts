import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { FairQueue } from "./fair-queue";

/**
 * A fair queue that silently drops the messages `accept` refuses (multipart input
 * on the single-part draft types, foreign groups on DISH). `hasIn` reads ahead
 * one accepted message, as libzmq's DISH does, so readiness is never reported for
 * a message that would then be dropped.
 */
export class FilteredQueue {
  private readonly fq = new FairQueue();
  private pending: Message | undefined = undefined;
  private pendingPipe: Pipe | undefined = undefined;
  /** The pipe the last message returned by `receive` came from. */
  lastPipe: Pipe | undefined = undefined;

  /**
   * An empty queue with a filter.
   * @param accept - returns false for a message to drop instead of delivering.
   */
  constructor(private readonly accept: (msg: Message) => boolean) {}

  /** All attached pipes. */
  get pipes(): readonly Pipe[] {
    return this.fq.pipes;
  }

  /** Add a new pipe to the fair queue. */
  attach(pipe: Pipe): void {
    this.fq.attach(pipe);
  }

  /** A pipe became readable again: back into the rotation. */
  activated(pipe: Pipe): void {
    this.fq.activated(pipe);
  }

  /** Forget a terminated pipe, with the read-ahead message if it came from there. */
  terminated(pipe: Pipe): void {
    this.fq.terminated(pipe);
    if (this.pendingPipe === pipe) {
      // The peer is gone: its queued messages are dropped, so is the read-ahead one.
      this.pending = undefined;
      this.pendingPipe = undefined;
    }
    if (this.lastPipe === pipe) this.lastPipe = undefined;
  }

  /** The next accepted message (fair-queued), or undefined when none is ready. */
  receive(): Message | undefined {
    if (this.pending !== undefined) {
      const msg = this.pending;
      this.lastPipe = this.pendingPipe;
      this.pending = undefined;
      this.pendingPipe = undefined;
      return msg;
    }
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      if (this.accept(msg)) {
        this.lastPipe = this.fq.lastPipe;
        return msg;
      }
    }
  }

  /** Whether an accepted message is ready; may read it ahead and drop refused ones. */
  hasIn(): boolean {
    if (this.pending !== undefined) return true;
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return false;
      if (this.accept(msg)) {
        this.pending = msg;
        this.pendingPipe = this.fq.lastPipe;
        return true;
      }
    }
  }
}
