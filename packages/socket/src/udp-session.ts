/**
 * Sessions for the draft sockets: a udp session (libzmq's `udp_engine`) and a
 * ZMTP session that translates a DISH's JOIN/LEAVE between the pipe form of
 * `@zmq/patterns` and the wire commands.
 */
import { decodeGroupCommand, encodeGroupCommand, socketTraits } from "@zmq/patterns";
import type { DatagramConnection, DatagramHandler, TransportError } from "@zmq/transport";
import {
  type Command,
  decodeRadioDatagram,
  encodeJoin,
  encodeLeave,
  encodeRadioDatagram,
  type SocketTypeName,
  utf8Decode,
  utf8Encode,
} from "@zmq/wire";
import { ZmqError } from "./errors";
import { Session, type SessionEnd, ZmtpSession } from "./session";

/** Messages moved per turn before yielding to I/O. */
const OUT_BUDGET_MESSAGES = 4096;

/**
 * Why `type` may not `mode` a udp endpoint, or undefined when it may: only RADIO
 * connects, only DISH and DGRAM bind, and no other type uses udp (ENOCOMPATPROTO).
 */
export function udpRoleError(type: SocketTypeName, mode: "bind" | "connect"): string | undefined {
  const roles = socketTraits(type).udp;
  if (roles === undefined) return `${type} sockets cannot use the udp transport`;
  if (!roles[mode]) return `${type} sockets cannot ${mode} over udp`;
  return undefined;
}

/** Throws ENOCOMPATPROTO when `type` may not `mode` an endpoint of `scheme` (udp roles). */
export function checkTransportRole(
  type: SocketTypeName,
  scheme: string,
  mode: "bind" | "connect",
  address: string,
): void {
  if (scheme !== "udp") return;
  const why = udpRoleError(type, mode);
  if (why !== undefined) throw new ZmqError("ENOCOMPATPROTO", why, address);
}

/**
 * One udp socket as a session. RADIO/DISH: each `[group, body]` message is one
 * datagram `group_len group body`, and JOIN/LEAVE from a DISH are dropped (the
 * DISH filters by itself). DGRAM: messages are `[address, body]`, the address
 * being `ip:port` plus a NUL byte on receive, as libzmq delivers it. Nothing is
 * ever split; what the pipe cannot take is dropped, as the OS would.
 *
 * @internal Exported for a runtime's `udpSession` (the Node runtime's).
 */
export class UdpSession extends Session implements DatagramHandler {
  readonly connection: DatagramConnection;
  readonly #raw: boolean;
  #droppedIn = 0;

  constructor(owner: Session["owner"], endpoint: string, connection: DatagramConnection) {
    super(owner, endpoint);
    this.connection = connection;
    this.#raw = owner.socketType === "DGRAM";
  }

  /** Datagrams dropped because the socket's queue was full. */
  get droppedInbound(): number {
    return this.#droppedIn;
  }

  start(): void {
    this.connection.setHandler(this);
    const type = this.owner.socketType;
    const peer = type === "RADIO" ? "DISH" : type === "DISH" ? "RADIO" : "DGRAM";
    this.owner.sessionReady(this, { socketType: peer, routingId: new Uint8Array(0) });
  }

  datagram(data: Uint8Array, from: string): void {
    const pipe = this.pipe;
    if (this.ended || pipe === undefined) return;
    let frames: Uint8Array[] | undefined;
    if (this.#raw) frames = [utf8Encode(`${from}\0`), data];
    else frames = decodeRadioDatagram(data);
    if (frames !== undefined && !pipe.write(frames)) this.#droppedIn++;
  }

  close(error?: TransportError): void {
    this.#finish(error === undefined ? { kind: "closed" } : { kind: "closed", error });
  }

  protected override pump(): void {
    const pipe = this.pipe;
    if (pipe === undefined || this.ended) return;
    let messages = 0;
    for (;;) {
      const msg = pipe.read();
      if (msg === undefined) return;
      this.#send(msg);
      if (++messages >= OUT_BUDGET_MESSAGES) {
        this.schedulePump();
        return;
      }
    }
  }

  #send(msg: Uint8Array[]): void {
    if (msg.length !== 2) return;
    if (this.#raw) this.connection.send(msg[1]!, utf8Decode(msg[0]!));
    else if (msg[0]!.length <= 255) this.connection.send(encodeRadioDatagram(msg[0]!, msg[1]!));
  }

  protected override resumeInput(): void {}

  protected override flushAndEnd(): void {
    // The socket closed (its linger): what the pipe still holds goes out first, past
    // the pump's budget; datagrams leave at once, so closing right after loses none.
    this.drainPipeForExit((msg) => this.#send(msg));
    this.#finish({ kind: "local" });
  }

  /** At process end: every datagram the pipe holds goes out now (sends do not wait). */
  override flushForExit(_wait: () => boolean): boolean {
    this.drainPipeForExit((msg) => this.#send(msg));
    return true;
  }

  override closeForExit(): void {
    this.forget?.();
    this.#finish({ kind: "local" });
  }

  override shutdown(): void {
    this.#finish({ kind: "local" });
  }

  #finish(end: SessionEnd): void {
    if (this.ended) return;
    this.markEnded();
    this.connection.close();
    this.owner.sessionEnded(this, end);
  }
}

/**
 * A ZMTP session for RADIO and DISH: a DISH's JOIN/LEAVE pipe messages go out as
 * the `JOIN`/`LEAVE` commands, and a RADIO gets the commands it receives as pipe
 * messages. `[group, body]` data needs nothing: it is a two-frame message on the
 * wire too.
 */
export class GroupSession extends ZmtpSession {
  protected override sendMessage(msg: Uint8Array[]): void {
    const command = this.owner.socketType === "DISH" ? decodeGroupCommand(msg) : undefined;
    if (command === undefined) {
      super.sendMessage(msg);
      return;
    }
    this.engine.sendCommand(command.join ? encodeJoin(command.group) : encodeLeave(command.group));
  }

  command(command: Command): void {
    if (this.owner.socketType !== "RADIO") return;
    if (command.type === "join" || command.type === "leave") {
      this.message(encodeGroupCommand(command.type === "join", command.group));
    }
  }
}
