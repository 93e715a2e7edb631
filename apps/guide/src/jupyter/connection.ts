/**
 * The kernel's connection file: where its five sockets listen and the key
 * that signs every message. We write it (choosing free ports), the kernel
 * reads it, exactly as Jupyter's own launchers do.
 */
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

/** Ports the OS says are free now (the kernel binds them a moment later). */
async function freePorts(n: number, ip: string): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, ip, resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function writeConnectionFile(path: string, ip = "127.0.0.1"): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = (await freePorts(5, ip)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const info: ConnectionInfo = {
    transport: "tcp",
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomUUID(),
    signature_scheme: "hmac-sha256",
    kernel_name: "python3",
  };
  await writeFile(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return info;
}

export const endpoint = (info: ConnectionInfo, channel: Channel): string =>
  `${info.transport}://${info.ip}:${info[`${channel}_port`]}`;
