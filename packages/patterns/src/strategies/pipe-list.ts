import type { Pipe } from "../pipe";

/**
 * An array of pipes where each pipe knows its own position (libzmq's `array_t`),
 * so swap, lookup and erase are O(1). `slot` 0 is for outbound strategies
 * (load-balance, distribute), 1 for inbound ones (fair-queue).
 */
export class PipeList {
  readonly items: Pipe[] = [];

  constructor(private readonly slot: 0 | 1) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): Pipe {
    return this.items[index]!;
  }

  indexOf(pipe: Pipe): number {
    const index = pipe._index[this.slot];
    return index < this.items.length && this.items[index] === pipe ? index : -1;
  }

  push(pipe: Pipe): void {
    pipe._index[this.slot] = this.items.length;
    this.items.push(pipe);
  }

  swap(i: number, j: number): void {
    if (i === j) return;
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    b._index[this.slot] = i;
    a._index[this.slot] = j;
  }

  /**
   * Move the element at `from` to position `to` (>= from), shifting the ones in
   * between down by one: keeps their relative (round-robin) order.
   */
  moveDown(from: number, to: number): void {
    for (let i = from; i < to; i++) this.swap(i, i + 1);
  }

  /** Remove by swapping with the last element. */
  erase(pipe: Pipe): void {
    const index = this.indexOf(pipe);
    if (index < 0) return;
    this.swap(index, this.items.length - 1);
    this.items.pop();
    pipe._index[this.slot] = -1;
  }
}
