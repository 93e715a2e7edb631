import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { PipeList } from "./pipe-list";

/**
 * Fan-out (libzmq `dist_t`). The list is split in regions:
 * `[0, matching)` ⊆ `[0, active)` ⊆ all. A pipe that refuses a write (full) leaves
 * the active region — the message is dropped for it — until `activated`.
 */
export class Distributor {
  private readonly list = new PipeList(0);
  private matching = 0;
  private active = 0;

  /** All attached pipes (matching first, then the other active ones, then full ones). */
  get pipes(): readonly Pipe[] {
    return this.list.items;
  }

  /** How many pipes are writable as far as the distributor knows. */
  get activeCount(): number {
    return this.active;
  }

  /** How many pipes are marked by `match` for the next `sendToMatching`. */
  get matchingCount(): number {
    return this.matching;
  }

  /** Add a new pipe; it starts active (not matching). */
  attach(pipe: Pipe): void {
    this.list.push(pipe);
    this.list.swap(this.list.length - 1, this.active);
    this.active++;
  }

  /** Mark a pipe as matching the message about to be sent (idempotent). */
  match(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < 0 || index < this.matching || index >= this.active) return;
    this.list.swap(index, this.matching);
    this.matching++;
  }

  /** Swap matching and non-matching active pipes (`ZMQ_INVERT_MATCHING`). */
  reverseMatch(): void {
    const previous = this.matching;
    this.matching = 0;
    for (let i = previous; i < this.active; i++) {
      this.list.swap(i, this.matching);
      this.matching++;
    }
  }

  /** Clear every `match` mark without sending. */
  unmatch(): void {
    this.matching = 0;
  }

  /** A full pipe accepts messages again: back into the active region; idempotent. */
  activated(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < this.active) return;
    this.list.swap(index, this.active);
    this.active++;
  }

  /** Forget a terminated pipe; unknown pipes are ignored. */
  terminated(pipe: Pipe): void {
    let index = this.list.indexOf(pipe);
    if (index < 0) return;
    if (index < this.matching) {
      this.list.swap(index, this.matching - 1);
      this.matching--;
      index = this.matching;
    }
    if (index < this.active) {
      this.list.swap(index, this.active - 1);
      this.active--;
    }
    this.list.erase(pipe);
  }

  /** Send to every active pipe. */
  sendToAll(msg: Message): void {
    this.matching = this.active;
    this.sendToMatching(msg);
  }

  /** Send to the matching pipes, then clear the match. Full pipes drop the message. */
  sendToMatching(msg: Message): void {
    let i = 0;
    while (i < this.matching) {
      const pipe = this.list.at(i);
      if (pipe.write(msg)) {
        i++;
        continue;
      }
      // Full: move out of the matching and active regions; retry index i.
      this.list.swap(i, this.matching - 1);
      this.matching--;
      this.list.swap(this.matching, this.active - 1);
      this.active--;
    }
    this.matching = 0;
  }

  /** True when every matching pipe would accept a message (`ZMQ_XPUB_NODROP`). */
  checkHwm(): boolean {
    for (let i = 0; i < this.matching; i++) if (!this.list.at(i).checkWrite()) return false;
    return true;
  }

  /** True when every attached pipe would accept a message. */
  allWritable(): boolean {
    const items = this.list.items;
    for (let i = 0; i < items.length; i++) if (!items[i]!.checkWrite()) return false;
    return true;
  }
}
