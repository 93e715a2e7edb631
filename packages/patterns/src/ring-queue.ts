/**
 * A FIFO over a power-of-two ring buffer: O(1) push and shift, no `Array.shift`.
 */
export class RingQueue<T> {
  private buffer: (T | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;

  /**
   * An empty queue.
   * @param capacity - initial slots, rounded up to a power of two; the queue grows as needed.
   */
  constructor(capacity = 8) {
    let size = 2;
    while (size < capacity) size *= 2;
    this.buffer = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** Number of queued items. */
  get length(): number {
    return this.count;
  }

  /** Append an item at the tail (doubles the buffer when full). */
  push(item: T): void {
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Remove and return the head item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return item;
  }

  /** The head item without removing it, or undefined when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.buffer[this.head];
  }

  /** Drop every item (releasing the references). */
  clear(): void {
    if (this.count === 0) return;
    this.buffer.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const old = this.buffer;
    const size = old.length * 2;
    const next = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & this.mask];
    this.buffer = next;
    this.head = 0;
    this.mask = size - 1;
  }
}
