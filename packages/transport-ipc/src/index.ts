/**
 * @zmq/transport-ipc — the ipc transport over real Unix domain sockets, so
 * libzmq programs on the same host talk to us unchanged: `ipc:///path`,
 * `ipc://@name` (Linux abstract namespace), `ipc://*` (a fresh path under a
 * temporary directory, reported like `ZMQ_LAST_ENDPOINT`). A later bind to a
 * path takes it over, as in libzmq; the file is removed on close.
 *
 * @example
 * ```ts
 * import { ipc } from "@zmq/transport-ipc";
 *
 * const listener = await ipc.bind("ipc://*");
 * console.log(listener.endpoint); // ipc:///tmp/tmpAbC123/socket
 * listener.onConnection((server) => {
 *   if (server.kind !== "stream") return;
 *   server.setHandler({
 *     data: (chunk) => console.log(new TextDecoder().decode(chunk)), // hello
 *     drain() {},
 *     end: () => server.end(),
 *     close: () => void listener.close(),
 *   });
 * });
 *
 * const client = await ipc.connect(listener.endpoint);
 * client.setHandler({ data() {}, drain() {}, end() {}, close() {} });
 * client.write([new TextEncoder().encode("hello")]);
 * client.end();
 * ```
 *
 * @packageDocumentation
 */
export { IPC_PATH_MAX, type IpcAddress, parseIpcAddress } from "./ipc-address";
export {
  type IpcBindOptions,
  type IpcConnectOptions,
  IpcTransport,
  ipc,
} from "./ipc-transport";
