import type { InprocListener } from "./inproc-listener";

/** A connect waiting for its name to be bound. */
export interface PendingConnect {
  /** Called with the listener once the name is bound. */
  attach(listener: InprocListener): void;
}

/**
 * The scope of inproc names, like a libzmq context: a name bound in one
 * context is invisible from another. `defaultInprocContext` serves everyone
 * who does not pass one.
 */
export class InprocContext {
  readonly #bound = new Map<string, InprocListener>();
  readonly #pending = new Map<string, Set<PendingConnect>>();

  /** True when `name` is bound in this context. */
  has(name: string): boolean {
    return this.#bound.has(name);
  }

  /** The bound names. */
  names(): string[] {
    return [...this.#bound.keys()];
  }

  /** How many connects wait for `name`. */
  pendingCount(name: string): number {
    return this.#pending.get(name)?.size ?? 0;
  }

  /** @internal The listener for `name`, if bound. */
  lookup(name: string): InprocListener | undefined {
    return this.#bound.get(name);
  }

  /** @internal Registers `listener` (the caller checked the name is free) and hands it the waiting connects. */
  register(name: string, listener: InprocListener): void {
    this.#bound.set(name, listener);
    const waiting = this.#pending.get(name);
    if (waiting === undefined) return;
    this.#pending.delete(name);
    for (const pending of waiting) pending.attach(listener);
  }

  /** @internal Frees `name` if `listener` still holds it. */
  unregister(name: string, listener: InprocListener): void {
    if (this.#bound.get(name) === listener) this.#bound.delete(name);
  }

  /** @internal Queues a connect until `name` is bound; returns the function that withdraws it. */
  wait(name: string, pending: PendingConnect): () => void {
    let set = this.#pending.get(name);
    if (set === undefined) {
      set = new Set();
      this.#pending.set(name, set);
    }
    set.add(pending);
    return () => {
      const current = this.#pending.get(name);
      if (current === undefined) return;
      current.delete(pending);
      if (current.size === 0) this.#pending.delete(name);
    };
  }
}

/** The context used when none is given. */
export const defaultInprocContext: InprocContext = new InprocContext();
