import { PatternError } from "../errors";
import { EMPTY_FRAME, type Message } from "../message";
import type { Pipe } from "../pipe";
import type { SocketRuntime } from "../socket-base";
import type { SocketOptions } from "../socket-options";
import type { SocketType } from "../socket-type";
import { Dealer } from "./dealer";

/**
 * REQ (RFC 28): a DEALER with a lock-step state machine. Each request gets an empty
 * delimiter frame (and, with `correlate`, a 4-byte request id before it); a second
 * `send` before the reply throws EFSM unless `relaxed`. Replies are accepted only
 * from the pipe the last request went to; everything else is dropped.
 */
export class Req extends Dealer {
  private receivingReply = false;
  private replyPipe: Pipe | undefined = undefined;
  private requestId: number;
  private prefetched: Message | undefined = undefined;

  /**
   * Create an unconnected socket; `runtime.random` picks the first request id.
   * Options are validated as in {@link SocketBase}'s constructor (EINVAL).
   */
  constructor(options?: Partial<SocketOptions>, runtime?: SocketRuntime) {
    super(options, runtime);
    this.requestId = Math.floor(this.random() * 0x100000000) >>> 0;
  }

  override get type(): SocketType {
    return "REQ";
  }

  protected override xpipeTerminated(pipe: Pipe): void {
    if (this.replyPipe === pipe) this.replyPipe = undefined;
    super.xpipeTerminated(pipe);
  }

  protected override xsend(msg: Message): boolean {
    if (this.receivingReply) {
      if (!this.opts.relaxed) {
        throw new PatternError("EFSM", "REQ must receive the reply before sending again");
      }
      this.receivingReply = false;
      this.prefetched = undefined;
      this.replyPipe = undefined;
    }
    // Drop stale replies before the new request goes out.
    while (this.fq.receive() !== undefined) {}
    // Envelope + body, copied by index (a spread goes through the iterator
    // protocol on every request).
    let request: Message;
    let at: number;
    if (this.opts.correlate) {
      this.requestId = (this.requestId + 1) >>> 0;
      request = [encodeId(this.requestId), EMPTY_FRAME];
      at = 2;
    } else {
      request = [EMPTY_FRAME];
      at = 1;
    }
    for (let i = 0; i < msg.length; i++) request[at + i] = msg[i] as Uint8Array;
    const pipe = this.lb.send(request);
    if (pipe === undefined) return false;
    this.replyPipe = pipe;
    this.receivingReply = true;
    this.changed();
    return true;
  }

  protected override xreceive(): Message | undefined {
    if (!this.receivingReply) throw new PatternError("EFSM", "REQ must send a request first");
    const reply = this.prefetched ?? this.fetchReply();
    this.prefetched = undefined;
    if (reply === undefined) return undefined;
    this.receivingReply = false;
    this.replyPipe = undefined;
    this.changed();
    return reply;
  }

  protected override xhasIn(): boolean {
    if (!this.receivingReply) return false;
    this.prefetched ??= this.fetchReply();
    return this.prefetched !== undefined;
  }

  protected override xhasOut(): boolean {
    if (this.receivingReply && !this.opts.relaxed) return false;
    return super.xhasOut();
  }

  private fetchReply(): Message | undefined {
    for (;;) {
      const msg = this.fq.receive();
      if (msg === undefined) return undefined;
      if (this.fq.lastPipe !== this.replyPipe || this.replyPipe === undefined) continue;
      let at = 0;
      if (this.opts.correlate) {
        const id = msg[0]!;
        if (msg.length < 3 || id.length !== 4 || decodeId(id) !== this.requestId) continue;
        at = 1;
      }
      if (msg.length < at + 2 || msg[at]!.length !== 0) continue;
      return msg.slice(at + 1);
    }
  }
}

/** Request ids are 4 bytes in host order (little-endian), as libzmq on x86/ARM. */
function encodeId(id: number): Uint8Array {
  return Uint8Array.of(id & 0xff, (id >>> 8) & 0xff, (id >>> 16) & 0xff, (id >>> 24) & 0xff);
}

function decodeId(frame: Uint8Array): number {
  return (frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24)) >>> 0;
}
