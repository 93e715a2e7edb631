/** §1.1–1.5: exports, methods per socket class, option accessors and defaults on all 19 types. */
import type { Case, Ctx } from "../harness";
import { describeValue } from "../harness";

export const STD_TYPES = [
  "Pair",
  "Publisher",
  "Subscriber",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Pull",
  "Push",
  "XPublisher",
  "XSubscriber",
  "Stream",
] as const;
export const DRAFT_TYPES = [
  "Server",
  "Client",
  "Radio",
  "Dish",
  "Gather",
  "Scatter",
  "Datagram",
] as const;
export const ALL_TYPES = [...STD_TYPES, ...DRAFT_TYPES];

export function ctorOf(ctx: Ctx, type: string) {
  return (STD_TYPES as readonly string[]).includes(type) ? ctx.zmq[type] : ctx.draft[type];
}

/** Every option name zeromq.js 6 declares or defines on any socket class, plus ours' extras. */
export const OPTIONS = [
  "affinity", "backlog", "conflate", "connectTimeout", "correlate", "curvePublicKey", "curveSecretKey",
  "curveServer", "curveServerKey", "gssapiPlainText", "gssapiPrincipal", "gssapiPrincipalNameType",
  "gssapiServer", "gssapiServicePrincipal", "gssapiServicePrincipalNameType", "handover",
  "handshakeInterval", "heartbeatInterval", "heartbeatTimeToLive", "heartbeatTimeout", "immediate",
  "interface", "invertMatching", "ipv6", "lastEndpoint", "linger", "loopbackFastPath", "mandatory",
  "manual", "maxMessageSize", "multicastHops", "multicastLoop", "multicastMaxTransportDataUnit", "noDrop",
  "notify", "plainPassword", "plainServer", "plainUsername", "probeRouter", "rate", "receiveBufferSize",
  "receiveHighWaterMark", "receiveTimeout", "reconnectInterval", "reconnectMaxInterval",
  "recoveryInterval", "relaxed", "routingId", "securityMechanism", "sendBufferSize", "sendHighWaterMark",
  "sendTimeout", "socksProxy", "tcpAcceptFilter", "tcpKeepalive", "tcpKeepaliveCount", "tcpKeepaliveIdle",
  "tcpKeepaliveInterval", "tcpMaxRetransmitTimeout", "threadSafe", "type", "typeOfService", "verbosity",
  "vmciBufferMaxSize", "vmciBufferMinSize", "vmciBufferSize", "vmciConnectTimeout", "welcomeMessage",
  "zapDomain", "zapEnforceDomain", "closed", "readable", "writable",
] as const; // biome-ignore format: one long list

/** Which accessors the prototype chain defines for `name`: "get/set", "get", "set", "value", "absent". */
export function accessKind(obj: object, name: string): string {
  let o: object | null = obj;
  while (o !== null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d !== undefined) {
      if ("value" in d) return typeof d.value === "function" ? "method" : "value";
      return `${d.get ? "get" : ""}${d.get && d.set ? "/" : ""}${d.set ? "set" : ""}`;
    }
    o = Object.getPrototypeOf(o);
  }
  return "absent";
}

function read(obj: Record<string, unknown>, name: string): unknown {
  try {
    return describeValue(obj[name]);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return `get:${e.code ?? e.message}`;
  }
}

const REF_EXPORTS = [
  "version", "capability", "context", "curveKeyPair", "Context", "Socket", "Observer", "Proxy",
  ...STD_TYPES,
]; // biome-ignore format: list
const SOCKET_METHODS = [
  "bind", "unbind", "connect", "disconnect", "close", "bindSync", "unbindSync", "events", "context",
  "subscribe", "unsubscribe", "getBoolOption", "setBoolOption", "getInt32Option", "setInt32Option",
  "getUint32Option", "setUint32Option", "getInt64Option", "setInt64Option", "getUint64Option",
  "setUint64Option", "getStringOption", "setStringOption",
]; // biome-ignore format: list
const GENERIC_IO = ["send", "receive", "join", "leave"];

export const apiCases: Case[] = [
  {
    id: "api.exports",
    ref: "§1.1",
    run: ({ zmq }) => Object.fromEntries(REF_EXPORTS.map((n) => [n, typeof zmq[n]])),
  },
  {
    id: "api.exports.draft",
    ref: "§1.1",
    run: ({ draft }) => Object.fromEntries(DRAFT_TYPES.map((n) => [n, typeof draft[n]])),
  },
  { id: "api.version", ref: "§1.1", run: ({ zmq }) => zmq.version },
  { id: "api.capability", ref: "§1.1", run: ({ zmq }) => describeValue(zmq.capability) },
  {
    id: "api.curveKeyPair",
    ref: "§1.1",
    run: ({ zmq }) => {
      const kp = zmq.curveKeyPair();
      return { keys: Object.keys(kp).sort(), lengths: [kp.publicKey.length, kp.secretKey.length] };
    },
  },
  {
    id: "api.context.options",
    ref: "§1.6",
    run: ({ zmq }) => {
      const c = new zmq.Context();
      const out: Record<string, unknown> = {};
      for (const n of [
        "blocky",
        "ioThreads",
        "maxMessageSize",
        "maxSockets",
        "maxSocketsLimit",
        "ipv6",
        "threadPriority",
        "threadSchedulingPolicy",
      ]) {
        out[n] = `${accessKind(c, n)}=${JSON.stringify(read(c, n))}`;
      }
      return out;
    },
  },
  {
    id: "api.context.methods",
    ref: "B2",
    run: ({ zmq }) => {
      const c = new zmq.Context();
      return Object.fromEntries(
        ["getBoolOption", "setBoolOption", "getInt32Option", "setInt32Option"].map((n) => [
          n,
          typeof c[n],
        ]),
      );
    },
  },
  {
    id: "api.observer.members",
    ref: "§1.8",
    run: ({ zmq, track }) => {
      const s = track(new zmq.Dealer());
      const o = s.events;
      const out = Object.fromEntries(
        ["receive", "close", "on", "off", "closed", "emitter"].map((n) => [n, accessKind(o, n)]),
      );
      return {
        ...out,
        asyncIterator: typeof o[Symbol.asyncIterator],
        same: s.events === o,
        isObserver: o instanceof zmq.Observer,
      };
    },
  },
  {
    // What `Object.keys` (and so console.log, deep-equal and serialisers such as
    // mocha's parallel-mode one, which deletes functions it finds) sees.
    id: "api.own-keys",
    ref: "§1.6",
    run: ({ zmq, track }) => {
      const s = track(new zmq.Dealer());
      const p = new zmq.Proxy(track(new zmq.Router()), track(new zmq.Dealer()));
      return {
        context: Object.keys(new zmq.Context()),
        defaultContext: Object.keys(zmq.context),
        socket: Object.keys(s),
        observer: Object.keys(s.events),
        proxy: Object.keys(p),
      };
    },
  },
  {
    id: "api.proxy.members",
    ref: "§1.9",
    run: ({ zmq, track }) => {
      const p = new zmq.Proxy(track(new zmq.Router()), track(new zmq.Dealer()));
      return Object.fromEntries(
        ["run", "pause", "resume", "terminate", "frontEnd", "backEnd"].map((n) => [
          n,
          accessKind(p, n),
        ]),
      );
    },
  },
  ...ALL_TYPES.map(
    (type): Case => ({
      id: `api.methods.${type}`,
      ref: "§1.3",
      run: (ctx) => {
        const s = ctx.track(new (ctorOf(ctx, type))());
        return {
          methods: Object.fromEntries(SOCKET_METHODS.map((n) => [n, accessKind(s, n)])),
          instanceofSocket: s instanceof ctx.zmq.Socket,
          sealed: Object.isSealed(s),
          sameContext: s.context === ctx.zmq.context,
        };
      },
    }),
  ),
  ...ALL_TYPES.map(
    (type): Case => ({
      id: `api.generic-io.${type}`,
      ref: "B7",
      run: (ctx) => {
        const s = ctx.track(new (ctorOf(ctx, type))());
        const out = Object.fromEntries(GENERIC_IO.map((n) => [n, typeof s[n]]));
        return { ...out, asyncIterator: typeof s[Symbol.asyncIterator] };
      },
    }),
  ),
  ...ALL_TYPES.map(
    (type): Case => ({
      id: `api.state.${type}`,
      ref: "§1.5",
      run: (ctx) => {
        const s = ctx.track(new (ctorOf(ctx, type))());
        return {
          closed: s.closed,
          readable: s.readable,
          writable: s.writable,
          threadSafe: s.threadSafe,
          type: s.type,
        };
      },
    }),
  ),
  // One case per option and family: its access kind and default on each of the 12 standard
  // and the 7 draft types (separately: the draft entry point has its own problems, C1).
  ...[false, true].flatMap((isDraft) =>
    OPTIONS.map(
      (name): Case => ({
        id: `options.default${isDraft ? "-draft" : ""}.${name}`,
        ref: "§1.5",
        run: (ctx) => {
          const out: Record<string, unknown> = {};
          for (const type of isDraft ? DRAFT_TYPES : STD_TYPES) {
            const s = ctx.track(new (ctorOf(ctx, type))());
            const kind = accessKind(s, name);
            out[type] = kind === "absent" ? "absent" : `${kind}=${JSON.stringify(read(s, name))}`;
          }
          return out;
        },
      }),
    ),
  ),
];

/** The type a setter case uses for an option: the first of the 19 that has it. */
const PREFERRED = ["Dealer", ...ALL_TYPES.filter((t) => t !== "Dealer")];
const SET_VALUES: [string, () => unknown][] = [
  ['"5"', () => "5"],
  ['"abc"', () => "abc"],
  ["-2", () => -2],
  ["1.5", () => 1.5],
  ["2**33", () => 2 ** 33],
  ["5", () => 5],
  ["5n", () => 5n],
  ['Buffer("ab")', () => Buffer.from("ab")],
  ["null", () => null],
  ["true", () => true],
  ["undefined", () => undefined],
];
const SETTABLE = OPTIONS.filter(
  (n) =>
    ![
      "lastEndpoint",
      "securityMechanism",
      "threadSafe",
      "type",
      "closed",
      "readable",
      "writable",
    ].includes(n),
);

export const setterCases: Case[] = SETTABLE.map(
  (name): Case => ({
    id: `options.set.${name}`,
    ref: "§1.7",
    run: (ctx) => {
      const type = PREFERRED.find((t) => {
        const s = ctx.track(new (ctorOf(ctx, t))());
        return accessKind(s, name).includes("set");
      });
      if (type === undefined) return "no type has a setter";
      const out: Record<string, unknown> = { type };
      for (const [label, make] of SET_VALUES) {
        const s = ctx.track(new (ctorOf(ctx, type))());
        try {
          s[name] = make();
          out[label] = `ok→${JSON.stringify(read(s, name))}`;
        } catch (err) {
          const e = err as Error & { code?: string };
          out[label] = e.code ?? `${e.constructor.name}`;
        }
      }
      return out;
    },
  }),
);
