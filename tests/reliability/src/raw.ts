/**
 * Raw ZMTP 3.1 bytes for the hostile and malformed-traffic scenarios: a NULL
 * greeting, a READY command, frames and commands, written by hand so that a
 * test can send exactly what it wants (and stop anywhere).
 */
import * as net from "node:net";

/** The 64-byte greeting: signature, version 3.1, NULL, as-server 0. */
export function greeting(): Buffer {
  const out = Buffer.alloc(64);
  out[0] = 0xff;
  out[9] = 0x7f;
  out[10] = 3;
  out[11] = 1;
  out.write("NULL", 12, "latin1");
  return out;
}

/** One frame: short or long form, with the MORE / COMMAND flags given. */
export function frame(body: Buffer, flags = 0): Buffer {
  if (body.length <= 255) return Buffer.concat([Buffer.from([flags, body.length]), body]);
  const header = Buffer.alloc(9);
  header[0] = flags | 2;
  header.writeBigUInt64BE(BigInt(body.length), 1);
  return Buffer.concat([header, body]);
}

/** A command frame: name length, name, data. */
export function command(name: string, data: Buffer = Buffer.alloc(0)): Buffer {
  return frame(Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "latin1"), data]), 4);
}

/** READY with a Socket-Type property. */
export function ready(socketType: string): Buffer {
  const name = Buffer.from("Socket-Type", "latin1");
  const value = Buffer.from(socketType, "latin1");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return command("READY", Buffer.concat([Buffer.from([name.length]), name, length, value]));
}

/** A multipart message as frames. */
export function message(parts: Buffer[]): Buffer {
  return Buffer.concat(parts.map((p, i) => frame(p, i < parts.length - 1 ? 1 : 0)));
}

/** The header of a long frame claiming `size` bytes (none of which follow). */
export function claim(size: bigint): Buffer {
  const header = Buffer.alloc(9);
  header[0] = 2;
  header.writeBigUInt64BE(size, 1);
  return header;
}

/**
 * A TCP connection whose incoming bytes are read and kept, and whose errors
 * are ignored (`socket.closed` tells when it is gone).
 */
export function connect(port: number): Promise<net.Socket & { received: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1") as net.Socket & { received: Buffer[] };
    socket.received = [];
    socket.on("data", (chunk: Buffer) => {
      socket.received.push(chunk);
    });
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", () => {});
      resolve(socket);
    });
    socket.once("error", reject);
  });
}
