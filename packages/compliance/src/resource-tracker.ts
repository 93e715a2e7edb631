import type { Connection, Listener } from "@zmq/transport";

/** Remembers listeners and connections a test opened, and closes them all afterwards. */
export class ResourceTracker {
  #listeners: Listener[] = [];
  #connections: Connection[] = [];

  listener<L extends Listener>(listener: L): L {
    this.#listeners.push(listener);
    return listener;
  }

  connection<C extends Connection>(connection: C): C {
    this.#connections.push(connection);
    return connection;
  }

  /** Closes every tracked connection and listener. */
  async closeAll(): Promise<void> {
    const connections = this.#connections;
    const listeners = this.#listeners;
    this.#connections = [];
    this.#listeners = [];
    for (const connection of connections) connection.destroy();
    await Promise.all(listeners.map((listener) => listener.close()));
  }
}
