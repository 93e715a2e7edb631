/**
 * Helpers for the behaviour tests: one run per transport, unique addresses,
 * bounded waits for events.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe } from "vitest";
import type { EventOfType, EventType, Socket } from "../src/index";

export type Proto = "tcp" | "ipc" | "inproc";

let dir: string | undefined;
let counter = 0;

function ipcDir(): string {
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), "zmq-node-test-"));
    const made = dir;
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** A fresh address to bind: tcp uses a wildcard port (read `lastEndpoint` after binding). */
export function uniqueAddress(proto: Proto): string {
  counter++;
  switch (proto) {
    case "tcp":
      return "tcp://127.0.0.1:*";
    case "ipc":
      return `ipc://${join(ipcDir(), `s${process.pid}-${counter}.sock`)}`;
    case "inproc":
      return `inproc://test-${process.pid}-${counter}`;
  }
}

/** Binds `socket` to a fresh address and returns the address peers connect to. */
export async function bindAny(socket: Socket, proto: Proto): Promise<string> {
  await socket.bind(uniqueAddress(proto));
  return socket.lastEndpoint!;
}

/** Sockets created in a test, closed after it. */
const open: Socket[] = [];

/** Registers sockets to close after the current test. */
export function track<S extends Socket[]>(...sockets: S): S {
  open.push(...sockets);
  return sockets;
}

export function closeTracked(): void {
  for (const socket of open.splice(0)) socket.close();
}

/** Runs `fn` as a describe block once per transport, closing tracked sockets after each test. */
export function testProtos(...protos: Proto[]) {
  return (name: string, fn: (proto: Proto) => void) => {
    for (const proto of protos) {
      describe(`${name} (${proto})`, () => {
        afterEach(closeTracked);
        fn(proto);
      });
    }
  };
}

afterAll(closeTracked);

/** Rejects if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms = 5000, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The next event of `type` on `socket` (bounded). */
export function nextEvent<E extends EventType>(
  socket: Socket,
  type: E,
  ms = 5000,
): Promise<EventOfType<E>> {
  const events = socket.events;
  return within(
    new Promise<EventOfType<E>>((resolve) => {
      const listener = (event: EventOfType<E>) => {
        events.off(type, listener);
        resolve(event);
      };
      events.on(type, listener);
    }),
    ms,
    `event ${type}`,
  );
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true (bounded). */
export async function until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await delay(5);
  }
}

/** Frames as strings, for comparisons. */
export function strings(message: Buffer[]): string[] {
  return message.map((frame) => frame.toString());
}
