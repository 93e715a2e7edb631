import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { PipeList } from "./pipe-list";

/**
 * Round-robin over readable pipes, one whole message per turn (libzmq `fq_t`).
 * Pipes found empty leave the rotation until `activated` (their `readable` event).
 */
export class FairQueue {
  private readonly list = new PipeList(1);
  private active = 0;
  private current = 0;
  /** The pipe the last message returned by `receive` came from. */
  lastPipe: Pipe | undefined = undefined;

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
    if (this.lastPipe === pipe) this.lastPipe = undefined;
  }

  receive(): Message | undefined {
    while (this.active > 0) {
      const pipe = this.list.at(this.current);
      const msg = pipe.read();
      if (msg !== undefined) {
        this.lastPipe = pipe;
        this.current++;
        if (this.current >= this.active) this.current = 0;
        return msg;
      }
      this.deactivate(this.current);
    }
    return undefined;
  }

  hasIn(): boolean {
    while (this.active > 0) {
      if (this.list.at(this.current).checkRead()) return true;
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
