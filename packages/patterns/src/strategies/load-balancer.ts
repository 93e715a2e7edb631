import type { Message } from "../message";
import type { Pipe } from "../pipe";
import { Rotation } from "./rotation";

/**
 * Round-robin over writable pipes (libzmq `lb_t`). Pipes found full are moved out
 * of the active set until `activated` is called for them (their `writable` event).
 */
export class LoadBalancer extends Rotation {
  /** An empty balancer (uses the pipes' outbound index slot). */
  constructor() {
    super(0);
  }

  /** Write `msg` to the next writable pipe; returns that pipe, or undefined when none. */
  send(msg: Message): Pipe | undefined {
    while (this.active > 0) {
      const pipe = this.list.at(this.current);
      if (pipe.write(msg)) {
        this.advance();
        return pipe;
      }
      this.deactivate(this.current);
    }
    return undefined;
  }

  /** Whether some pipe in the rotation accepts a message; full ones leave the rotation. */
  hasOut(): boolean {
    while (this.active > 0) {
      if (this.list.at(this.current).checkWrite()) return true;
      this.deactivate(this.current);
    }
    return false;
  }
}
