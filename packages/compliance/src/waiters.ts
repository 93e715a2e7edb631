interface Waiter {
  predicate(): boolean;
  resolve(): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Promises that resolve when a predicate becomes true; `check()` after each state change. */
export class Waiters {
  #list: Waiter[] = [];

  until(predicate: () => boolean, what: string, timeout: number): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.#list = this.#list.filter((w) => w !== waiter);
          reject(new Error(`timed out after ${timeout} ms waiting for ${what}`));
        }, timeout),
      };
      this.#list.push(waiter);
    });
  }

  check(): void {
    if (this.#list.length === 0) return;
    const ready = this.#list.filter((w) => w.predicate());
    if (ready.length === 0) return;
    this.#list = this.#list.filter((w) => !ready.includes(w));
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }
}
