/**
 * Delivery of a connect endpoint's queued messages at process end when no
 * connection was ready for them (the connect was still in progress): Node has no
 * synchronous connect, so a short-lived helper process, run with `spawnSync`,
 * connects (retrying at the reconnect interval), writes the bytes the socket layer
 * prepared (greeting, READY, the messages: `ExitBacklog`), half-closes, and waits
 * for the peer to close, as a peer does once it has read everything; all within
 * the socket's linger. The process that is ending waits for it.
 */
import { spawnSync } from "node:child_process";
import type { ExitBacklog } from "@zmq/socket";

/** The helper: plain node:net, no dependency; its configuration comes in one env variable. */
const RELAY = `"use strict";
const net = require("node:net");
const cfg = JSON.parse(process.env.ZMQ_EXIT_RELAY);
const chunks = [];
let warned = false;
if (cfg.warnAfter >= 0) {
  setTimeout(() => { warned = true; process.stderr.write(cfg.warning); }, cfg.warnAfter).unref();
}
// The peer's greeting and its first command (READY or ERROR): until then libzmq
// takes every frame as a handshake command, so the messages wait for it.
function peerHandshakeEnd(buf) {
  if (buf.length < 66) return -1;
  const flags = buf[64];
  if (flags & 2) {
    if (buf.length < 73) return -1;
    const end = 73 + Number(buf.readBigUInt64BE(65));
    return buf.length >= end ? end : -1;
  }
  const end = 66 + buf[65];
  return buf.length >= end ? end : -1;
}
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const data = Buffer.concat(chunks);
  const hello = data.subarray(0, cfg.handshake);
  const rest = data.subarray(cfg.handshake);
  const attempt = () => {
    let connected = false;
    let got = Buffer.alloc(0);
    let sent = false;
    const socket = net.connect(cfg.target);
    socket.on("connect", () => { connected = true; socket.write(hello); });
    socket.on("data", (d) => {
      if (sent) return;
      got = Buffer.concat([got, d]);
      const end = peerHandshakeEnd(got);
      if (end < 0) return;
      sent = true;
      // An ERROR command: the peer refused us; nothing to deliver.
      if (got.subarray(64, end).includes("ERROR")) { socket.destroy(); process.exit(1); }
      socket.end(rest);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (sent) process.exit(warned ? 10 : 0);
      if (connected) process.exit(1);
      setTimeout(attempt, cfg.reconnect);
    });
  };
  attempt();
});
`;

type Target = { host: string; port: number } | { path: string };

function targetOf(address: string): Target | undefined {
  if (address.startsWith("ipc://")) {
    const path = address.slice("ipc://".length);
    // Abstract sockets: Node spells the leading NUL as "\0".
    return { path: path.startsWith("@") ? `\0${path.slice(1)}` : path };
  }
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  if (match === null) return undefined;
  const host = match[1]!.startsWith("[") ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port: Number(match[2]) };
}

/**
 * Delivers one backlog; resolves nothing, blocks until the helper is done or the
 * linger ran out. `warning`: the text to print after `warnAfter` ms (or -1 for
 * none). Returns whether the peer took it, and whether the helper printed the warning.
 */
export function deliverBacklog(
  backlog: ExitBacklog,
  warning: string,
  warnAfter: number,
): { delivered: boolean; warned: boolean } {
  const target = targetOf(backlog.address);
  // The helper is a Node script: under Bun or Deno `process.execPath` is another CLI.
  const versions = process.versions as Record<string, string | undefined>;
  if (target === undefined || versions.bun !== undefined || "Deno" in globalThis) {
    return { delivered: false, warned: false };
  }
  const result = spawnSync(process.execPath, ["-e", RELAY], {
    input: Buffer.concat(backlog.bytes),
    env: {
      // Electron's binary runs as plain Node only when told so.
      ...(versions.electron !== undefined && { ELECTRON_RUN_AS_NODE: "1" }),
      ZMQ_EXIT_RELAY: JSON.stringify({
        target,
        reconnect: backlog.reconnectInterval,
        handshake: backlog.handshakeLength,
        warnAfter,
        warning,
      }),
    },
    stdio: ["pipe", "ignore", "inherit"],
    ...(backlog.linger >= 0 && { timeout: backlog.linger, killSignal: "SIGKILL" as const }),
    windowsHide: true,
  });
  return {
    delivered: result.status === 0 || result.status === 10,
    warned: result.status === 10,
  };
}
