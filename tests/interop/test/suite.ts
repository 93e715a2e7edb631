/**
 * The interop suite for one kind of libzmq peer: the socket-pair matrix (each
 * pair in both orientations, we bind and we connect, tcp and ipc) and the
 * cross-cutting checks (wire forms of subscriptions, heartbeats, peer restart,
 * socket-type mismatch, routing ids, STREAM against raw tcp).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { defineFeatures } from "./features";
import {
  bindAddress,
  cleanupIpc,
  type End,
  ourSocket,
  Peer,
  type PeerKind,
  type SocketTypeName,
  type Transport,
} from "./harness";
import { type CellInfo, PAIRS } from "./patterns";

const TRANSPORTS: Transport[] = ["tcp", "ipc"];

/** libzmq option name -> our (zeromq.js-style) option name. */
const OUR_OPTION: Record<string, string> = {
  ROUTING_ID: "routingId",
  ROUTER_MANDATORY: "mandatory",
  HEARTBEAT_IVL: "heartbeatInterval",
  HEARTBEAT_TIMEOUT: "heartbeatTimeout",
  HEARTBEAT_TTL: "heartbeatTimeToLive",
  RECONNECT_IVL: "reconnectInterval",
};

/** Makes one end, ours or the peer's, with options in libzmq's names. */
export async function makeEnd(
  peer: Peer,
  ours: boolean,
  type: SocketTypeName,
  options: Record<string, unknown> = {},
  monitor = false,
): Promise<End> {
  if (!ours) return peer.socket(type, options, monitor);
  const mapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    const our = OUR_OPTION[name];
    if (our === undefined) throw new Error(`no mapping for option ${name}`);
    mapped[our] = value;
  }
  const end = ourSocket(type, mapped);
  return end;
}

export function defineInteropSuite(kind: PeerKind): void {
  let peer: Peer;

  beforeAll(async () => {
    peer = await Peer.start(kind);
  });
  afterAll(async () => {
    await peer?.stop();
    cleanupIpc();
  });

  describe("matrix", () => {
    for (const spec of PAIRS) {
      const orientations = spec.a === spec.b ? [true] : [true, false];
      for (const oursIsA of orientations) {
        for (const weBind of [true, false]) {
          for (const transport of TRANSPORTS) {
            const ourType = oursIsA ? spec.a : spec.b;
            const theirType = oursIsA ? spec.b : spec.a;
            const title = `${spec.name}: our ${ourType} ${weBind ? "binds" : "connects"}, ${kind} ${theirType} ${weBind ? "connects" : "binds"}, ${transport}`;
            it(title, async () => {
              const aBinds = oursIsA === weBind;
              const ids = spec.routingIds ?? {};
              const optionsFor = (isA: boolean): Record<string, unknown> => {
                const id = isA ? ids.a : ids.b;
                const options: Record<string, unknown> = id === undefined ? {} : { ROUTING_ID: id };
                // A ROUTER that speaks first fails (EHOSTUNREACH) until the peer is routable.
                if (spec.connectRoutingId !== undefined && isA !== aBinds)
                  options.ROUTER_MANDATORY = true;
                return options;
              };
              const a = await makeEnd(peer, oursIsA, spec.a, optionsFor(true));
              const b = await makeEnd(peer, !oursIsA, spec.b, optionsFor(false));
              try {
                const [binder, connector] = aBinds ? [a, b] : [b, a];
                const endpoint = await binder.bind(bindAddress(transport));
                await connector.connect(endpoint, spec.connectRoutingId);
                const info: CellInfo = {
                  aBinds,
                  ids,
                  ...(spec.connectRoutingId !== undefined && { connectId: spec.connectRoutingId }),
                };
                await spec.run(a, b, info);
              } finally {
                await a.close();
                await b.close();
              }
            });
          }
        }
      }
    }
  });

  defineFeatures(kind, () => peer);
}
