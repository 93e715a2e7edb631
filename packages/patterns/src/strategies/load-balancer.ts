import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { PipeList } from "./pipe-list";

/**
 * Round-robin over writable pipes (libzmq `lb_t`). Pipes found full are moved out
 * of the active set until `activated` is called for them (their `writable` event).
 */
export class LoadBalancer {
  private readonly list = new PipeList(0);
  private active = 0;
  private current = 0;

  /** All attached pipes; the first `activeCount` are the ones in rotation. */
  get pipes(): readonly Pipe[] {
    return this.list.items;
  }

  get activeCount(): number {
    return this.active;
  }

  attach(pipe: Pipe): void {
    this.list.push(pipe);
    this.activated(pipe);
  }

  activated(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < this.active) return;
    this.list.swap(index, this.active);
    this.active++;
  }

  terminated(pipe: Pipe): void {
    const index = this.list.indexOf(pipe);
    if (index < 0) return;
    if (index < this.active) this.deactivate(index);
    this.list.erase(pipe);
  }

  /** Write `msg` to the next writable pipe; returns that pipe, or undefined when none. */
  send(msg: Message): Pipe | undefined {
    while (this.active > 0) {
      const pipe = this.list.at(this.current);
      if (pipe.write(msg)) {
        this.current++;
        if (this.current >= this.active) this.current = 0;
        return pipe;
      }
      this.deactivate(this.current);
    }
    return undefined;
  }

  hasOut(): boolean {
    while (this.active > 0) {
      if (this.list.at(this.current).checkWrite()) return true;
      this.deactivate(this.current);
    }
    return false;
  }

  /**
   * Take the pipe at `index` out of the rotation without reordering the others
   * (libzmq swaps in the last active pipe, which can serve that pipe twice in a row).
   */
  private deactivate(index: number): void {
    this.active--;
    this.list.moveDown(index, this.active);
    if (index < this.current) this.current--;
    if (this.current >= this.active) this.current = 0;
  }
}
