/**
 * The two implementations the demo runs on, behind the few calls it makes: the
 * zeromq npm package (zeromq.js over libzmq) and @zmq/node. The same server,
 * worker and client code runs on either.
 */
export type ImplName = "zeromq.js" | "@zmq/node";

export interface ZmqSocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: unknown): Promise<void>;
  receive(): Promise<Buffer[]>;
  close(): void;
  readonly closed: boolean;
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]>;
}

export interface ZmqApi {
  Router: new () => ZmqSocket;
  Dealer: new () => ZmqSocket;
  Reply: new () => ZmqSocket;
  Proxy: new (front: ZmqSocket, back: ZmqSocket) => { run(): Promise<void>; terminate(): void };
}

export async function loadImpl(name: ImplName): Promise<ZmqApi> {
  const module = name === "zeromq.js" ? await import("zeromq") : await import("@zmq/node");
  return module as unknown as ZmqApi;
}

export function implName(value: string | undefined): ImplName {
  if (value === undefined || value === "zeromq.js" || value === "zeromq") return "zeromq.js";
  if (value === "@zmq/node" || value === "ours" || value === "node") return "@zmq/node";
  throw new Error(`unknown implementation ${value} (zeromq.js or @zmq/node)`);
}
