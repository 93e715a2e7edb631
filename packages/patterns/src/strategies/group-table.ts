import { bytesKey } from "../message";

/**
 * Exact-match groups (libzmq RADIO/DISH): each group name maps to the set of values
 * (pipes) that joined it. Groups are compared byte for byte, no prefix matching.
 */
export class GroupTable<T> {
  private readonly groups = new Map<string, Set<T>>();

  /** Number of groups with at least one member. */
  get size(): number {
    return this.groups.size;
  }

  /** Add `value` to `group`; false when it was already a member. */
  join(group: Uint8Array, value: T): boolean {
    const key = bytesKey(group);
    let members = this.groups.get(key);
    if (members === undefined) {
      members = new Set();
      this.groups.set(key, members);
    }
    if (members.has(value)) return false;
    members.add(value);
    return true;
  }

  /** Remove `value` from `group`; false when it was not a member. */
  leave(group: Uint8Array, value: T): boolean {
    const key = bytesKey(group);
    const members = this.groups.get(key);
    if (members === undefined || !members.delete(value)) return false;
    if (members.size === 0) this.groups.delete(key);
    return true;
  }

  /** Remove `value` from every group. */
  leaveAll(value: T): void {
    for (const [key, members] of this.groups) {
      if (members.delete(value) && members.size === 0) this.groups.delete(key);
    }
  }

  /** Members of exactly `group` (an empty iterable when none). */
  members(group: Uint8Array): ReadonlySet<T> {
    return this.groups.get(bytesKey(group)) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<never> = new Set();
