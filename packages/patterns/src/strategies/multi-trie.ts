/** One trie node: the values subscribed to the prefix ending here, and longer prefixes. */
class MultiNode<T> {
  values: Set<T> | undefined = undefined;
  children: Map<number, MultiNode<T>> | undefined = undefined;
}

/** Receives the values matching a message (`Distributor` implements it). */
export interface MatchSink<T> {
  /** Called once per matching value (a value matching by several topics is reported for each). */
  match(value: T): void;
}

/** Outcome of `MultiTrie.remove`, as libzmq's `rm_result`. */
export type MultiTrieRemoveResult = "not-found" | "last-value-removed" | "values-remain";

/**
 * Prefix subscriptions per subscriber (libzmq `mtrie_t`, used by XPUB/PUB): each
 * topic holds a set of values (pipes). A value subscribed twice to the same topic is
 * still one entry, as in libzmq.
 */
export class MultiTrie<T> {
  private readonly root = new MultiNode<T>();

  /** Subscribe `value` to topic `bytes[offset..]`; true when the topic had no values before. */
  add(bytes: Uint8Array, offset: number, value: T): boolean {
    let node = this.root;
    for (let i = offset; i < bytes.length; i++) {
      const byte = bytes[i]!;
      node.children ??= new Map();
      let child = node.children.get(byte);
      if (child === undefined) {
        child = new MultiNode<T>();
        node.children.set(byte, child);
      }
      node = child;
    }
    const first = node.values === undefined || node.values.size === 0;
    node.values ??= new Set();
    node.values.add(value);
    return first;
  }

  /** Unsubscribe `value` from topic `bytes[offset..]`. */
  remove(bytes: Uint8Array, offset: number, value: T): MultiTrieRemoveResult {
    const path: MultiNode<T>[] = [this.root];
    let node = this.root;
    for (let i = offset; i < bytes.length; i++) {
      const child = node.children?.get(bytes[i]!);
      if (child === undefined) return "not-found";
      node = child;
      path.push(node);
    }
    if (node.values === undefined || !node.values.delete(value)) return "not-found";
    if (node.values.size > 0) return "values-remain";
    node.values = undefined;
    for (let depth = path.length - 1; depth > 0; depth--) {
      const current = path[depth]!;
      if (
        current.values !== undefined ||
        (current.children !== undefined && current.children.size > 0)
      )
        break;
      path[depth - 1]!.children!.delete(bytes[offset + depth - 1]!);
    }
    return "last-value-removed";
  }

  /**
   * Remove `value` from every topic. `removed` is called with each topic it held —
   * only for topics left with no values when `onlyIfLast` is true.
   */
  removeValue(value: T, removed: (topic: Uint8Array) => void, onlyIfLast: boolean): void {
    const path: number[] = [];
    const walk = (node: MultiNode<T>): boolean => {
      if (node.values?.delete(value)) {
        const last = node.values.size === 0;
        if (last) node.values = undefined;
        if (last || !onlyIfLast) removed(Uint8Array.from(path));
      }
      if (node.children !== undefined) {
        const keys = [...node.children.keys()].sort((a, b) => a - b);
        for (const key of keys) {
          path.push(key);
          if (walk(node.children.get(key)!)) node.children.delete(key);
          path.pop();
        }
      }
      return node.values === undefined && (node.children === undefined || node.children.size === 0);
    };
    walk(this.root);
  }

  /** Call `sink.match` for the values of every topic that is a prefix of `data`. */
  forEachMatch(data: Uint8Array, sink: MatchSink<T>): void {
    let node: MultiNode<T> | undefined = this.root;
    let i = 0;
    for (;;) {
      if (node.values !== undefined) for (const value of node.values) sink.match(value);
      if (i >= data.length) return;
      node = node.children?.get(data[i]!);
      if (node === undefined) return;
      i++;
    }
  }

  /** True when `value` is subscribed to some topic that is a prefix of `data`. */
  has(data: Uint8Array, value: T): boolean {
    let found = false;
    this.forEachMatch(data, {
      match(v) {
        if (v === value) found = true;
      },
    });
    return found;
  }
}
