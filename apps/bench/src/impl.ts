/**
 * The two implementations under test, behind one type: the zeromq.js v6 API.
 * Benchmark code is written once against it and receives the module to use.
 */
import { createRequire } from "node:module";
import type * as Zmq from "zeromq";

export type ImplName = "ours" | "zeromq";
export const IMPLS: readonly ImplName[] = ["ours", "zeromq"];
export type Impl = typeof Zmq;

export function isImplName(value: string | undefined): value is ImplName {
  return value === "ours" || value === "zeromq";
}

export async function loadImpl(name: ImplName): Promise<Impl> {
  if (name === "ours") return (await import("@zmq/node")) as unknown as Impl;
  return createRequire(import.meta.url)("zeromq") as Impl;
}
