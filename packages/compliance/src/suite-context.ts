import {
  type Connection,
  isTransportError,
  type Listener,
  type StreamConnection,
  type TransportError,
  type TransportErrorCode,
} from "@zmq/transport";
import { expect } from "vitest";
import { ResourceTracker } from "./resource-tracker";
import type { TransportFixture } from "./transport-fixture";

/** Accepted connections of one listener, in arrival order. */
export interface AcceptQueue<C extends Connection = Connection> {
  /** Every connection accepted so far. */
  readonly all: C[];
  /** The next connection not yet returned by `next`. */
  next(): Promise<C>;
}

/** A connected pair of one transport. */
export interface ConnectedPair<C extends Connection> {
  listener: Listener;
  client: C;
  server: C;
}

/** Shared state and helpers for the compliance sub-suites. */
export class SuiteContext {
  readonly track = new ResourceTracker();
  #fixture: TransportFixture | undefined;

  get fixture(): TransportFixture {
    if (this.#fixture === undefined) throw new Error("compliance suite: setup() has not run");
    return this.#fixture;
  }

  set fixture(fixture: TransportFixture) {
    this.#fixture = fixture;
  }

  /** Binds (a fresh endpoint by default) and tracks the listener. */
  async bind(endpoint = this.fixture.bindEndpoint()): Promise<Listener> {
    const listener = await this.fixture.transport.bind(endpoint, this.fixture.bindOptions);
    return this.track.listener(listener);
  }

  /** Connects and tracks the connection. */
  async connect(endpoint: string, signal?: AbortSignal): Promise<Connection> {
    const options =
      signal === undefined
        ? this.fixture.connectOptions
        : { ...this.fixture.connectOptions, signal };
    const connection = await this.fixture.transport.connect(endpoint, options);
    return this.track.connection(connection);
  }

  /** Collects the listener's connections (and tracks them). */
  accept(listener: Listener): AcceptQueue {
    const all: Connection[] = [];
    const waiting: Array<(c: Connection) => void> = [];
    let taken = 0;
    listener.onConnection((connection) => {
      this.track.connection(connection);
      all.push(connection);
      const waiter = waiting.shift();
      if (waiter !== undefined) {
        taken++;
        waiter(connection);
      }
    });
    return {
      all,
      next: () => {
        const ready = all[taken];
        if (ready !== undefined) {
          taken++;
          return Promise.resolve(ready);
        }
        return new Promise<Connection>((resolve) => waiting.push(resolve));
      },
    };
  }

  /** Binds, connects and accepts one connection. */
  async pair(): Promise<ConnectedPair<Connection>> {
    const listener = await this.bind();
    const accepted = this.accept(listener);
    const client = await this.connect(listener.endpoint);
    const server = await accepted.next();
    return { listener, client, server };
  }

  async streamPair(): Promise<ConnectedPair<StreamConnection>> {
    const { listener, client, server } = await this.pair();
    if (client.kind !== "stream" || server.kind !== "stream") throw new Error("expected streams");
    return { listener, client, server };
  }
}

/** Awaits `promise`, expecting a `TransportError` with one of `codes`; returns it. */
export async function expectTransportError(
  promise: Promise<unknown>,
  codes: readonly TransportErrorCode[],
  address?: string,
): Promise<TransportError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a rejection").toBeDefined();
  expect(isTransportError(caught), `expected a TransportError, got ${String(caught)}`).toBe(true);
  const error = caught as TransportError;
  expect(codes, `unexpected code ${error.code}: ${error.message}`).toContain(error.code);
  expect(typeof error.errno).toBe("number");
  if (address !== undefined) expect(error.address).toBe(address);
  return error;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
