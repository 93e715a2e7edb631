import type { Pipe } from "../pipe";
import { PipeList } from "./pipe-list";

/**
 * Round-robin bookkeeping shared by `LoadBalancer` and `FairQueue`: the attached
 * pipes, of which the first `activeCount` are in rotation, and whose turn it is.
 * A pipe leaves the rotation when found full/empty and comes back on `activated`.
 */
export class Rotation {
  /** The attached pipes, in rotation order; each pipe stores its own index in it. */
  protected readonly list: PipeList;
  /** How many pipes, from the start of `list`, are in the rotation. */
  protected active = 0;
  /** Index in `list` of the pipe whose turn is next (below `active`, or 0). */
  protected current = 0;

  /** `slot` is the per-strategy index slot the `PipeList` keeps on each pipe. */
  constructor(slot: 0 | 1) {
    this.list = new PipeList(slot);
  }

  /** All attached pipes; the first `activeCount` are the ones in rotation. */
  get pipes(): readonly Pipe[] {
    return this.list.items;
  }

  /** How many pipes are in the rotation now (neither found full/empty nor terminated). */
  get activeCount(): number {
    return this.active;
  }

  /** Add a new pipe; it joins the rotation at once. */
  attach(pipe: Pipe): void {
    this.list.push(pipe);
    this.activated(pipe);
  }

  /** Put a pipe back into the rotation (it became readable/writable again); idempotent. */
  activated(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < this.active) return;
    this.list.swap(index, this.active);
    this.active++;
  }

  /** Forget a pipe that terminated; unknown pipes are ignored. */
  terminated(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < 0) return;
    if (index < this.active) this.deactivate(index);
    this.list.erase(pipe);
  }

  /** The current pipe has had its turn: move to the next one. */
  protected advance(): void {
    this.current++;
    if (this.current >= this.active) this.current = 0;
  }

  /**
   * Take the pipe at `index` out of the rotation without reordering the others
   * (libzmq swaps in the last active pipe, which can serve that pipe twice in a row).
   */
  protected deactivate(index: number): void {
    this.active--;
    this.list.moveDown(index, this.active);
    if (index < this.current) this.current--;
    if (this.current >= this.active) this.current = 0;
  }
}
