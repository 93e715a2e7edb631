/**
 * A reconnect loop builds nothing per retry: through a connecter that reports
 * through callbacks (`Connecter.attempt`), every attempt of an endpoint gets the
 * same callback and the same transport options (rebuilt once a socket option
 * changes), and on a runtime with reusable timers (`Runtime.timer`) every retry
 * arms the same timer. The schedule and the events stay as they were.
 */
import {
  type ConnectDone,
  type Connecter,
  type ConnectOptions,
  type StreamConnection,
  type Transport,
  TransportError,
} from "@zmq/transport";
import { describe, expect, it } from "vitest";
import {
  Context,
  Dealer,
  ManualRuntime,
  type RuntimeTimer,
  type TimerOptions,
  type TransportOptions,
} from "../src/index";
import { settle } from "./fake-stream";

/** A transport whose connecter refuses every attempt (reported after `attempt` returns). */
class RefusingTransport implements Transport<StreamConnection> {
  readonly scheme = "refuse";
  readonly kind = "stream" as const;
  readonly reportsConnecting = true;
  readonly options: TransportOptions[] = [];
  readonly callbacks: ConnectDone<StreamConnection>[] = [];
  closed = 0;

  constructor(readonly runtime: ManualRuntime) {}

  checkEndpoint(): void {}

  bind(): never {
    throw new Error("not here");
  }

  connect(endpoint: string): Promise<StreamConnection> {
    return Promise.reject(new TransportError("ECONNREFUSED", "refused", endpoint));
  }

  connecter(endpoint: string): Connecter<StreamConnection> {
    return {
      connect: () => this.connect(endpoint),
      attempt: (options: ConnectOptions | undefined, done: ConnectDone<StreamConnection>) => {
        this.options.push(options as TransportOptions);
        this.callbacks.push(done);
        (options as TransportOptions).onConnecting?.();
        this.runtime.defer(() =>
          done(undefined, new TransportError("ECONNREFUSED", "refused", endpoint)),
        );
      },
      close: () => {
        this.closed++;
      },
    };
  }
}

/** A manual runtime with reusable timers, counting them and their starts. */
class TimerRuntime extends ManualRuntime {
  made = 0;
  starts: { ms: number; slack: number | undefined }[] = [];

  timer(callback: () => void): RuntimeTimer {
    this.made++;
    let cancel: (() => void) | undefined;
    return {
      start: (ms: number, options?: TimerOptions) => {
        cancel?.();
        this.starts.push({ ms, slack: options?.slack });
        cancel = this.setTimer(ms, () => {
          cancel = undefined;
          callback();
        });
      },
      cancel: () => {
        cancel?.();
        cancel = undefined;
      },
    };
  }
}

async function tick(runtime: ManualRuntime, ms: number): Promise<void> {
  runtime.advance(ms);
  await settle(runtime);
}

function setup() {
  const runtime = new TimerRuntime();
  const transport = new RefusingTransport(runtime);
  const context = new Context({}, { runtime, transports: [transport as Transport] });
  return { runtime, transport, context };
}

describe("a reconnect loop reuses its callback, options and timer", () => {
  it("every refused attempt: the same callback and options; every retry: the same timer", async () => {
    const { runtime, transport, context } = setup();
    const dealer = new Dealer({ context, reconnectInterval: 100 });
    dealer.connect("refuse://nobody");
    await settle(runtime);
    for (let i = 0; i < 40; i++) await tick(runtime, 200);
    expect(transport.options.length).toBeGreaterThanOrEqual(25);
    expect(new Set(transport.options).size).toBe(1);
    expect(new Set(transport.callbacks).size).toBe(1);
    expect(runtime.made).toBe(1);
    // The schedule is the usual one: interval + 0 or 1 third-interval step, that
    // step as the slack.
    expect(runtime.starts.length).toBeGreaterThanOrEqual(transport.options.length - 1);
    expect(new Set(runtime.starts.map((s) => s.ms))).toEqual(new Set([100, 133]));
    expect(runtime.starts.every((s) => s.slack === 33)).toBe(true);
    dealer.close();
    expect(transport.closed).toBe(1);
    expect(runtime.pendingTimers).toBe(0);
  });

  it("a changed socket option gives the next attempts fresh options", async () => {
    const { runtime, transport, context } = setup();
    const dealer = new Dealer({ context, reconnectInterval: 100 });
    dealer.connect("refuse://nobody");
    await settle(runtime);
    for (let i = 0; i < 5; i++) await tick(runtime, 200);
    const before = transport.options.at(-1)!;
    expect(before.keepAlive).toBeUndefined();
    dealer.tcpKeepalive = 1;
    const count = transport.options.length;
    for (let i = 0; i < 5; i++) await tick(runtime, 200);
    const after = transport.options.slice(count);
    expect(after.length).toBeGreaterThanOrEqual(3);
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(before);
    expect(after[0]!.keepAlive).toBe(true);
    dealer.close();
  });

  it("events stay as they were while observed: connect:delay, close, connect:retry per attempt", async () => {
    const { runtime, transport, context } = setup();
    const dealer = new Dealer({ context, reconnectInterval: 100 });
    const seen: string[] = [];
    for (const type of ["connect:delay", "close", "connect:retry"] as const) {
      dealer.events.on(type, () => seen.push(type));
    }
    dealer.connect("refuse://nobody");
    await settle(runtime);
    for (let i = 0; i < 10; i++) await tick(runtime, 200);
    const attempts = transport.options.length;
    expect(attempts).toBeGreaterThanOrEqual(6);
    expect(seen.slice(0, 6)).toEqual([
      "connect:delay",
      "close",
      "connect:retry",
      "connect:delay",
      "close",
      "connect:retry",
    ]);
    expect(seen.filter((t) => t === "connect:delay")).toHaveLength(attempts);
    dealer.close();
  });

  it("a runtime without reusable timers gets setTimer, as before", async () => {
    const runtime = new ManualRuntime();
    const transport = new RefusingTransport(runtime);
    const context = new Context({}, { runtime, transports: [transport as Transport] });
    const dealer = new Dealer({ context, reconnectInterval: 100 });
    dealer.connect("refuse://nobody");
    await settle(runtime);
    for (let i = 0; i < 10; i++) await tick(runtime, 200);
    expect(transport.options.length).toBeGreaterThanOrEqual(6);
    dealer.close();
    expect(runtime.pendingTimers).toBe(0);
  });
});
