/**
 * @zmq/node sockets over ws:// (ZWS 2.0) against libzmq: zeromq.js (libzmq
 * 4.3.5) and Debian's pyzmq (libzmq 4.3.4), each in a child process; we bind and
 * we connect, both orientations of each pair, 1 MB and 60 KB frames.
 * (Neither libzmq build has wss://, so wss is tested between our own ends in
 * packages/node.)
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { Peer, type PeerKind, pattern, pyzmqUnavailable } from "./harness";
import { type CellInfo, expectFrames, PAIRS } from "./patterns";
import { makeEnd } from "./suite";

const WS_PAIRS = new Set([
  "REQ-REP",
  "REQ-ROUTER",
  "DEALER-ROUTER",
  "PUB-SUB",
  "XPUB-XSUB",
  "PUSH-PULL",
]);

function defineWsSuite(kind: PeerKind): void {
  describe(`${kind} over ws://`, () => {
    let peer: Peer;
    beforeAll(async () => {
      peer = await Peer.start(kind);
    });
    afterAll(async () => {
      await peer?.stop();
    });

    for (const spec of PAIRS.filter((p) => WS_PAIRS.has(p.name))) {
      for (const oursIsA of [true, false]) {
        for (const weBind of [true, false]) {
          const ourType = oursIsA ? spec.a : spec.b;
          const theirType = oursIsA ? spec.b : spec.a;
          it(`${spec.name}: our ${ourType} ${weBind ? "binds" : "connects"}, ${kind} ${theirType} ${weBind ? "connects" : "binds"}`, async () => {
            const aBinds = oursIsA === weBind;
            const ids = spec.routingIds ?? {};
            const optionsFor = (isA: boolean): Record<string, unknown> => {
              const id = isA ? ids.a : ids.b;
              return id === undefined ? {} : { ROUTING_ID: id };
            };
            const a = await makeEnd(peer, oursIsA, spec.a, optionsFor(true));
            const b = await makeEnd(peer, !oursIsA, spec.b, optionsFor(false));
            try {
              const [binder, connector] = aBinds ? [a, b] : [b, a];
              const endpoint = await binder.bind("ws://127.0.0.1:*/zmq");
              await connector.connect(endpoint);
              const info: CellInfo = { aBinds, ids };
              await spec.run(a, b, info);
            } finally {
              await a.close();
              await b.close();
            }
          });
        }
      }
    }

    for (const weBind of [true, false]) {
      it(`PUSH/PULL, 60 KB frames both ways: we ${weBind ? "bind" : "connect"}`, async () => {
        for (const oursPushes of [true, false]) {
          const push = await makeEnd(peer, oursPushes, "PUSH");
          const pull = await makeEnd(peer, !oursPushes, "PULL");
          try {
            const [binder, connector] = oursPushes === weBind ? [push, pull] : [pull, push];
            const endpoint = await binder.bind("ws://127.0.0.1:*");
            await connector.connect(endpoint);
            for (let i = 0; i < 20; i++) {
              // A fresh buffer per send (zeromq.js masks a client's frames in place).
              const frames = [pattern(60_000, i), pattern(60_000, i + 100)];
              await push.send(frames);
              expectFrames(await pull.recv(), [pattern(60_000, i), pattern(60_000, i + 100)]);
            }
          } finally {
            await push.close();
            await pull.close();
          }
        }
      });
    }
  });
}

defineWsSuite("zmqjs");
const unavailable = pyzmqUnavailable();
if (unavailable === undefined) defineWsSuite("pyzmq");
else {
  console.warn(`interop: skipping the pyzmq ws half: ${unavailable}`);
  describe.skip("pyzmq over ws://", () => {
    it.skip(unavailable, () => {});
  });
}
