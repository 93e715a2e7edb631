/**
 * The runtime's `trace` hook: the lines the socket layer writes through it, in
 * order, on a manual clock; and with no hook (tracing off) nothing is formatted.
 */
import { TransportError } from "@zmq/transport";
import { describe, expect, it } from "vitest";
import {
  Context,
  ManualRuntime,
  Publisher,
  Pull,
  Push,
  Router,
  Subscriber,
  tracePipe,
  traceRouterSend,
} from "../src/index";
import { FakeTransport, settle } from "./fake-stream";

/** A manual runtime whose `trace` is either a recorder or absent, counting reads of the field. */
class TraceRuntime extends ManualRuntime {
  readonly lines: string[] = [];
  // The pipe-level lines come with the runtime, as the Node runtime's do.
  readonly tracing = { pipe: tracePipe, routerSend: traceRouterSend };
  reads = 0;
  readonly #on: boolean;
  constructor(on: boolean) {
    super();
    this.#on = on;
  }
  get trace(): ((line: string) => void) | undefined {
    this.reads++;
    return this.#on ? (line) => this.lines.push(line) : undefined;
  }
}

/** A connect failure whose text is a spy: formatting a trace line would read it. */
class SpyError extends TransportError {
  formatted = 0;
  override toString(): string {
    this.formatted++;
    return `SpyError: ${this.code}`;
  }
}

class SpyTransport extends FakeTransport {
  readonly errors: SpyError[] = [];
  override connect(endpoint: string, options = {}) {
    if (endpoint === "fake://spy") {
      const error = new SpyError("ECONNREFUSED", "refused", endpoint);
      this.errors.push(error);
      return Promise.reject(error);
    }
    return super.connect(endpoint, options);
  }
}

function setup(on: boolean) {
  const runtime = new TraceRuntime(on);
  const transport = new SpyTransport(runtime);
  const context = new Context({}, { runtime, transports: [transport] });
  return { runtime, transport, context };
}

async function tick(runtime: ManualRuntime, ms: number): Promise<void> {
  runtime.advance(ms);
  await settle(runtime);
}

/** Runs the scenario every test shares: refused connects, a handshake, a disconnect, drops. */
async function scenario(runtime: ManualRuntime, context: Context): Promise<void> {
  const push = new Push({ context, reconnectInterval: 100, reconnectMaxInterval: 100 });
  // A connect that is refused (its own socket: PUSH queues to every connected pipe).
  const lonely = new Push({ context, reconnectInterval: 100, reconnectMaxInterval: 100 });
  lonely.connect("fake://spy");
  push.connect("fake://pull");
  await settle(runtime);
  const pull = new Pull({ context });
  await pull.bind("fake://pull");
  await tick(runtime, 100);
  await push.send("a");
  await tick(runtime, 1);
  expect((await pull.receive()).map((f) => new TextDecoder().decode(f))).toEqual(["a"]);
  await pull.unbind("fake://pull");
  await tick(runtime, 1);
  const pub = new Publisher({ context, sendHighWaterMark: 1 });
  await pub.bind("fake://pub");
  const sub = new Subscriber({ context });
  sub.subscribe();
  sub.connect("fake://pub");
  await tick(runtime, 1);
  // Five sends in one turn: the first fills the session pipe (HWM 1), the rest drop.
  for (let i = 0; i < 5; i++) await pub.send("x");
  const router = new Router({ context });
  await router.send(["nobody", "hi"]);
  await tick(runtime, 1);
  for (const s of [lonely, push, pull, pub, sub, router]) s.close();
  await tick(runtime, 1);
}

describe("runtime.trace", () => {
  it("writes connect, retry, handshake, disconnect and drop lines in order", async () => {
    const { runtime, transport, context } = setup(true);
    await scenario(runtime, context);
    const lines = runtime.lines;
    if (process.env.SHOW_TRACE) console.log(lines.join("\n"));
    const at = (pattern: RegExp, from = 0): number => {
      const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
      expect(
        index,
        `${pattern} after line ${from} in:\n${lines.join("\n")}`,
      ).toBeGreaterThanOrEqual(0);
      return index;
    };
    const attempt = at(/^PUSH connect fake:\/\/spy attempt$/);
    const failed = at(/^PUSH connect fake:\/\/spy failed SpyError: ECONNREFUSED$/, attempt);
    at(/^PUSH reconnect fake:\/\/spy in 100ms$/, failed);
    const retry = at(/^PUSH reconnect fake:\/\/pull in 100ms$/);
    const ok = at(/^PUSH connect fake:\/\/pull ok$/, retry);
    const handshake = at(/^PUSH handshake fake:\/\/pull mechanism=NULL peer=PULL /, ok);
    at(/^PULL handshake fake:\/\/pull mechanism=NULL peer=PUSH /);
    const down = at(/^PUSH disconnect fake:\/\/pull reason=peer-closed$/, handshake);
    at(/^PUSH reconnect fake:\/\/pull in 100ms$/, down);
    at(/^PUB drop fake:\/\/pub reason=hwm /);
    at(/^ROUTER drop - reason=unroutable \(no peer with routing id 0x6e6f626f6479\)$/);
    // Once per transition: four refused sends, one line.
    expect(lines.filter((line) => line.startsWith("PUB drop"))).toHaveLength(1);
    expect(transport.errors.some((e) => e.formatted > 0)).toBe(true);
  });

  it("with no trace hook, formats nothing (the call sites only read the field)", async () => {
    const { runtime, transport, context } = setup(false);
    await scenario(runtime, context);
    expect(runtime.lines).toEqual([]);
    expect(runtime.reads).toBeGreaterThan(10);
    expect(transport.errors.length).toBeGreaterThan(0);
    expect(transport.errors.every((e) => e.formatted === 0)).toBe(true);
  });
});
