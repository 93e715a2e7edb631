import { ERRNO, parseEndpoint, type TransportErrorCode } from "@zmq/transport";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { streamConnectionTests } from "./stream-connection-tests";
import { delay, expectTransportError, SuiteContext } from "./suite-context";
import type { TransportSuiteOptions } from "./transport-fixture";

/** Handles that keep a Node process alive and belong to transports. */
function transportHandles(): number {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
  if (info === undefined) return 0;
  return info().filter((name) => /TCP|Pipe/.test(name)).length;
}

/**
 * The transport compliance suite: bind/connect/close lifecycles, resolved
 * endpoints, every error path, many concurrent connections, and then the
 * stream connection tests. Call it at the
 * top level of a vitest test file.
 *
 * @example
 * ```ts
 * import { transportSuite } from "@zmq/compliance";
 * import { tcp } from "@zmq/transport-tcp";
 *
 * transportSuite({
 *   name: "tcp",
 *   kind: "stream",
 *   setup: () => ({
 *     transport: tcp,
 *     bindEndpoint: () => "tcp://127.0.0.1:*",
 *     unboundEndpoint: () => "tcp://127.0.0.1:1",
 *     unbound: ["ECONNREFUSED"],
 *     doubleBind: "EADDRINUSE",
 *   }),
 * });
 * ```
 */
export function transportSuite(options: TransportSuiteOptions): void {
  const ctx = new SuiteContext();

  describe(`${options.name} transport compliance`, () => {
    beforeAll(async () => {
      ctx.fixture = await options.setup();
    });
    afterEach(async () => {
      await ctx.track.closeAll();
    });
    afterAll(async () => {
      await options.teardown?.();
    });

    describe("lifecycle", () => {
      it("binds and reports a resolved endpoint of its scheme", async () => {
        const { transport } = ctx.fixture;
        expect(transport.kind).toBe(options.kind);
        const listener = await ctx.bind();
        const parsed = parseEndpoint(listener.endpoint);
        expect(parsed.scheme).toBe(transport.scheme);
        expect(parsed.address).not.toContain("*");
      });

      it("connects to the resolved endpoint; both sides get a connection of its kind", async () => {
        const { transport } = ctx.fixture;
        const { client, server } = await ctx.pair();
        expect(client.kind).toBe(transport.kind);
        expect(server.kind).toBe(transport.kind);
        for (const end of [client, server]) {
          expect(parseEndpoint(end.localEndpoint).scheme).toBe(transport.scheme);
          expect(parseEndpoint(end.remoteEndpoint).scheme).toBe(transport.scheme);
        }
      });

      it("holds connections accepted before onConnection is set", async () => {
        const listener = await ctx.bind();
        await ctx.connect(listener.endpoint);
        await delay(20);
        const accepted = ctx.accept(listener);
        await accepted.next();
        expect(accepted.all).toHaveLength(1);
      });

      it("close() is idempotent and stops accepting", async () => {
        const { unbound } = ctx.fixture;
        const listener = await ctx.bind();
        const endpoint = listener.endpoint;
        await Promise.all([listener.close(), listener.close()]);
        await listener.close();
        if (unbound === "pending") {
          const controller = new AbortController();
          const pending = ctx.connect(endpoint, controller.signal);
          setTimeout(() => controller.abort(), 20);
          await expectTransportError(pending, ["ECANCELED"], endpoint);
        } else {
          await expectTransportError(ctx.connect(endpoint), unbound, endpoint);
        }
      });

      it("closing a listener leaves accepted connections open", async () => {
        const { listener, client, server } = await ctx.pair();
        await listener.close();
        const got: Uint8Array[] = [];
        server.setHandler({ data: (c) => got.push(c), drain() {}, end() {}, close() {} });
        client.setHandler({ data() {}, drain() {}, end() {}, close() {} });
        client.write([new Uint8Array([1, 2, 3])]);
        await expect.poll(() => got.length).toBeGreaterThan(0);
      });

      it("rebinds an address after close, and accepts on it", async () => {
        const { listener, client } = await ctx.pair();
        const endpoint = listener.endpoint;
        client.destroy();
        await listener.close();
        const again = await ctx.bind(endpoint);
        expect(again.endpoint).toBe(endpoint);
        const accepted = ctx.accept(again);
        await ctx.connect(endpoint);
        await accepted.next();
      });

      it("binding an address that is bound is EADDRINUSE, or a takeover where that is the rule", async () => {
        const { doubleBind } = ctx.fixture;
        const first = await ctx.bind();
        if (doubleBind === "EADDRINUSE") {
          await expectTransportError(ctx.bind(first.endpoint), ["EADDRINUSE"], first.endpoint);
          // The failed bind must not have disturbed the first listener.
          const accepted = ctx.accept(first);
          await ctx.connect(first.endpoint);
          await accepted.next();
        } else {
          const second = await ctx.bind(first.endpoint);
          const fromFirst = ctx.accept(first);
          const fromSecond = ctx.accept(second);
          await ctx.connect(first.endpoint);
          await fromSecond.next();
          expect(fromFirst.all).toHaveLength(0);
        }
      });

      it("connecting to an unbound endpoint fails with a typed error, or waits and can be aborted", async () => {
        const { unbound } = ctx.fixture;
        const endpoint = ctx.fixture.unboundEndpoint();
        if (unbound === "pending") {
          const controller = new AbortController();
          const pending = ctx.connect(endpoint, controller.signal);
          let settled = false;
          pending.then(
            () => (settled = true),
            () => (settled = true),
          );
          await delay(30);
          expect(settled).toBe(false);
          controller.abort(new Error("give up"));
          const error = await expectTransportError(pending, ["ECANCELED"], endpoint);
          expect(error.errno).toBe(ERRNO.ECANCELED);
        } else {
          const error = await expectTransportError(ctx.connect(endpoint), unbound, endpoint);
          expect(error.errno).toBe(ERRNO[error.code]);
        }
      });

      it("rejects malformed endpoints with EINVAL", async () => {
        const { transport, malformedBind = [], malformedConnect = [] } = ctx.fixture;
        const codes: readonly TransportErrorCode[] = ctx.fixture.malformedCodes ?? ["EINVAL"];
        const empty = `${transport.scheme}://`;
        for (const endpoint of [empty, ...malformedBind]) {
          await expectTransportError(ctx.bind(endpoint), codes, endpoint);
        }
        for (const endpoint of [empty, ...malformedConnect]) {
          await expectTransportError(ctx.connect(endpoint), codes, endpoint);
        }
        await expectTransportError(ctx.bind("no-scheme-here"), ["EINVAL"]);
        await expectTransportError(ctx.connect("no-scheme-here"), ["EINVAL"]);
      });

      it("rejects another scheme with EPROTONOSUPPORT", async () => {
        const other = ctx.fixture.transport.scheme === "tcp" ? "ipc://x" : "tcp://127.0.0.1:1";
        await expectTransportError(ctx.bind(other), ["EPROTONOSUPPORT"], other);
        await expectTransportError(ctx.connect(other), ["EPROTONOSUPPORT"], other);
      });

      it("rejects an already aborted bind or connect with ECANCELED", async () => {
        const { transport, bindOptions, connectOptions } = ctx.fixture;
        const signal = AbortSignal.abort(new Error("no"));
        const bindAt = ctx.fixture.bindEndpoint();
        await expectTransportError(
          transport.bind(bindAt, { ...bindOptions, signal }),
          ["ECANCELED"],
          bindAt,
        );
        const listener = await ctx.bind();
        const accepted = ctx.accept(listener);
        await expectTransportError(
          transport.connect(listener.endpoint, { ...connectOptions, signal }),
          ["ECANCELED"],
          listener.endpoint,
        );
        await delay(20);
        expect(accepted.all).toHaveLength(0);
      });

      it("opens many connections to one listener at once", async () => {
        const count = ctx.fixture.concurrency ?? 500;
        const listener = await ctx.bind();
        const accepted = ctx.accept(listener);
        const started = performance.now();
        const clients = await Promise.all(
          Array.from({ length: count }, () => ctx.connect(listener.endpoint)),
        );
        await expect.poll(() => accepted.all.length, { timeout: 10_000 }).toBe(count);
        // Every connection carries data: each client sends its index, the server side sees it.
        const seen = new Set<number>();
        for (const server of accepted.all) {
          server.setHandler({
            data: (c) => seen.add(c[0]! | (c[1]! << 8)),
            drain() {},
            end() {},
            close() {},
          });
        }
        clients.forEach((client, i) => {
          const bytes = new Uint8Array([i & 0xff, i >> 8]);
          client.write([bytes]);
        });
        await expect.poll(() => seen.size, { timeout: 10_000 }).toBe(count);
        const ms = performance.now() - started;
        console.log(
          `${options.name}: ${count} concurrent connections + one message each in ${ms.toFixed(0)} ms`,
        );
      });

      it("leaves no open handles once everything is closed", async () => {
        const before = transportHandles();
        const { listener, client, server } = await ctx.pair();
        const closed: Promise<void>[] = [];
        for (const end of [client, server]) {
          closed.push(
            new Promise<void>((resolve) => {
              end.setHandler({ data() {}, drain() {}, end() {}, close: () => resolve() });
              end.destroy();
            }),
          );
        }
        await listener.close();
        await Promise.all(closed);
        await expect.poll(() => transportHandles()).toBeLessThanOrEqual(before);
      });
    });

    streamConnectionTests(ctx);
  });
}
