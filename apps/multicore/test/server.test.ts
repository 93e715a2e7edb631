import { describe, expect, it } from "vitest";
import { type ImplName, loadImpl } from "../src/impl";
import { startServer } from "../src/server";
import { work } from "../src/work";

const impls: ImplName[] = ["zeromq.js", "@zmq/node"];

describe.each(impls)("the multithreaded server on %s", (impl) => {
  it("answers every request with its work's result, from both worker threads", async () => {
    const server = await startServer({
      impl,
      workers: 2,
      port: 21000 + (process.pid % 20000) + impls.indexOf(impl),
      rounds: 5,
    });
    const zmq = await loadImpl("zeromq.js");
    const dealer = new zmq.Dealer();
    dealer.connect(server.endpoint);
    try {
      const empty = new Uint8Array(0);
      const bodies = Array.from({ length: 40 }, (_, i) => new Uint8Array(32).fill(i));
      for (const body of bodies) await dealer.send([empty, body]);
      const threads = new Set<string>();
      const results = new Set<number>();
      for (let i = 0; i < bodies.length; i++) {
        const [delimiter, result, who] = await dealer.receive();
        expect(delimiter!.byteLength).toBe(0);
        results.add(new DataView(result!.buffer, result!.byteOffset).getUint32(0));
        threads.add(who!.toString());
      }
      expect(results).toEqual(new Set(bodies.map((body) => work(body, 5))));
      expect(threads.size).toBe(2);
    } finally {
      dealer.close();
      await server.stop();
    }
  }, 60_000);
});
