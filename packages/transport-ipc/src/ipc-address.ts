import { TransportError } from "@zmq/transport";

/**
 * The longest socket path the OS takes, in bytes: `sizeof(sun_path) - 1`
 * (107 on Linux, 103 on macOS and the BSDs).
 */
export const IPC_PATH_MAX: number = process.platform === "linux" ? 107 : 103;

/** A parsed ipc address. */
export interface IpcAddress {
  /** `ipc://*`: bind a fresh path under a new temporary directory. */
  readonly wildcard: boolean;
  /** The path for `node:net` (abstract names start with `"\0"`); empty for a wildcard. */
  readonly path: string;
  /** The path as written in endpoints (`@name` for abstract names). */
  readonly display: string;
}

/**
 * Parses the address part of an ipc endpoint (after `ipc://`): a path
 * (`/tmp/feed`, relative paths too), `@name` for the Linux abstract namespace,
 * or `*` (bind only). A path longer than `IPC_PATH_MAX` bytes is ENAMETOOLONG,
 * as libzmq reports it.
 */
export function parseIpcAddress(
  address: string,
  raw: string,
  mode: "bind" | "connect",
): IpcAddress {
  if (address === "*") {
    if (mode === "connect") throw new TransportError("EINVAL", `cannot connect to ${raw}`, raw);
    return { wildcard: true, path: "", display: "*" };
  }
  if (address.includes("\0")) {
    throw new TransportError("EINVAL", `ipc path contains a NUL byte: ${JSON.stringify(raw)}`, raw);
  }
  const bytes = new TextEncoder().encode(address).length;
  if (bytes > IPC_PATH_MAX) {
    throw new TransportError(
      "ENAMETOOLONG",
      `ipc path is ${bytes} bytes, over this OS's limit of ${IPC_PATH_MAX} bytes: ${raw}`,
      raw,
    );
  }
  if (address.startsWith("@") && process.platform === "linux") {
    if (address.length === 1)
      throw new TransportError("EINVAL", `empty abstract socket name: ${raw}`, raw);
    return { wildcard: false, path: `\0${address.slice(1)}`, display: address };
  }
  return { wildcard: false, path: address, display: address };
}
