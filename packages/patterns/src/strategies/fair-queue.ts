import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { Rotation } from "./rotation";

/**
 * Round-robin over readable pipes, one whole message per turn (libzmq `fq_t`).
 * Pipes found empty leave the rotation until `activated` (their `readable` event).
 */
export class FairQueue extends Rotation {
  /** The pipe the last message returned by `receive` came from. */
  lastPipe: Pipe | undefined = undefined;

  /** An empty queue (uses the pipes' inbound index slot). */
  constructor() {
    super(1);
  }

  override terminated(pipe: Pipe): void {
    super.terminated(pipe);
    if (this.lastPipe === pipe) this.lastPipe = undefined;
  }

  /**
   * The next whole message from the pipe whose turn it is, skipping (and taking
   * out of the rotation) pipes that turn out empty; undefined when every pipe is.
   */
  receive(): Message | undefined {
    while (this.active > 0) {
      const pipe = this.list.at(this.current);
      const msg = pipe.read();
      if (msg !== undefined) {
        this.lastPipe = pipe;
        this.advance();
        return msg;
      }
      this.deactivate(this.current);
    }
    return undefined;
  }

  /** Whether some pipe in the rotation has a message; empty ones leave the rotation. */
  hasIn(): boolean {
    while (this.active > 0) {
      if (this.list.at(this.current).checkRead()) return true;
      this.deactivate(this.current);
    }
    return false;
  }
}
