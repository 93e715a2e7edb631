/** One trie node: how many times the prefix ending here was subscribed, and longer prefixes. */
class TrieNode {
  count = 0;
  children: Map<number, TrieNode> | undefined = undefined;
}

/**
 * Counted prefix subscriptions (libzmq `trie_t`, used by SUB/XSUB): subscribing to
 * a topic twice needs two removals. A message matches when any subscribed topic is
 * a prefix of it; the empty topic matches everything.
 */
export class SubscriptionTrie {
  private readonly root = new TrieNode();
  private distinct = 0;

  /** Number of distinct topics. */
  get size(): number {
    return this.distinct;
  }

  /**
   * Add one reference to the topic `bytes[offset..]`. Returns true when the topic
   * is new (its count went from 0 to 1).
   */
  add(bytes: Uint8Array, offset = 0): boolean {
    let node = this.root;
    for (let i = offset; i < bytes.length; i++) {
      const byte = bytes[i]!;
      node.children ??= new Map();
      let child = node.children.get(byte);
      if (child === undefined) {
        child = new TrieNode();
        node.children.set(byte, child);
      }
      node = child;
    }
    node.count++;
    if (node.count === 1) {
      this.distinct++;
      return true;
    }
    return false;
  }

  /**
   * Remove one reference to the topic `bytes[offset..]`. Returns true when that was
   * the last one (the topic is gone); false when references remain or the topic was
   * never subscribed.
   */
  remove(bytes: Uint8Array, offset = 0): boolean {
    const path: TrieNode[] = [this.root];
    let node = this.root;
    for (let i = offset; i < bytes.length; i++) {
      const child = node.children?.get(bytes[i]!);
      if (child === undefined) return false;
      node = child;
      path.push(node);
    }
    if (node.count === 0) return false;
    node.count--;
    if (node.count > 0) return false;
    this.distinct--;
    // Prune nodes that hold nothing any more.
    for (let depth = path.length - 1; depth > 0; depth--) {
      const current = path[depth]!;
      if (current.count > 0 || (current.children !== undefined && current.children.size > 0)) break;
      const parent = path[depth - 1]!;
      parent.children!.delete(bytes[offset + depth - 1]!);
    }
    return true;
  }

  /** True when some subscribed topic is a prefix of `data`. */
  matches(data: Uint8Array): boolean {
    let node = this.root;
    if (node.count > 0) return true;
    for (let i = 0; i < data.length; i++) {
      const child = node.children?.get(data[i]!);
      if (child === undefined) return false;
      if (child.count > 0) return true;
      node = child;
    }
    return false;
  }

  /** Call `visit` once per distinct topic (counts are not repeated), in byte order. */
  forEach(visit: (topic: Uint8Array) => void): void {
    const path: number[] = [];
    const walk = (node: TrieNode): void => {
      if (node.count > 0) visit(Uint8Array.from(path));
      if (node.children === undefined) return;
      const keys = [...node.children.keys()].sort((a, b) => a - b);
      for (const key of keys) {
        path.push(key);
        walk(node.children.get(key)!);
        path.pop();
      }
    };
    walk(this.root);
  }
}
