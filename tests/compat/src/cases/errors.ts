/**
 * §2: error situations, one row each. A row builds what it needs, then `settle()`s the one call
 * under test, recording how it surfaced (throws / rejects / resolves / returns / pending) and the
 * error's kind, message, code, errno and address.
 */
import * as os from "node:os";
import type { Case, Ctx } from "../harness";
import { describeValue as describe, settle, sleep } from "../harness";

type Row = [id: string, ref: string, run: (ctx: Ctx) => Promise<unknown> | unknown];

const dealer = (ctx: Ctx, opts?: object) => ctx.track(new ctx.zmq.Dealer(opts));
const closed = (ctx: Ctx, type = "Dealer") => {
  const s = new ctx.zmq[type]();
  s.close();
  return s;
};
async function boundTcp(ctx: Ctx, s = dealer(ctx)): Promise<string> {
  await s.bind("tcp://127.0.0.1:*");
  return s.lastEndpoint as string;
}

const rows: Row[] = [
  // ---- bind
  ["bind.protocol", "§2.1", (c) => settle(() => dealer(c).bind("foo://127.0.0.1:5555"))],
  ["bind.no-scheme", "§2.2", (c) => settle(() => dealer(c).bind("abc"))],
  ["bind.tcp-no-port", "§2.3", (c) => settle(() => dealer(c).bind("tcp://127.0.0.1"))],
  [
    "bind.bad-host",
    "§2.4",
    (c) => settle(() => dealer(c).bind("tcp://nonexistent.invalid:5555"), 3000),
  ],
  // libzmq's bind looks a host name up (hosts file, DNS): localhost binds 127.0.0.1, or its
  // IPv4-mapped IPv6 address with ipv6 on.
  ...[false, true].map(
    (ipv6): Row => [
      `bind.localhost${ipv6 ? ".ipv6" : ""}`,
      "§2.4",
      async (c) => {
        const s = dealer(c, { ipv6 });
        const r = await settle(() => s.bind("tcp://localhost:*"), 3000);
        return { r, ep: (s.lastEndpoint as string | null)?.replace(/:\d+$/, ":PORT") };
      },
    ],
  ),
  ["bind.non-local-ip", "§2.5", (c) => settle(() => dealer(c).bind("tcp://192.0.2.1:5555"), 3000)],
  [
    "bind.port-70000",
    "§2.6",
    async (c) => {
      const s = dealer(c);
      return { r: await settle(() => s.bind("tcp://127.0.0.1:70000")), ep: s.lastEndpoint };
    },
  ],
  ["bind.non-string", "§2.7", (c) => settle(() => dealer(c).bind(42))],
  [
    "bind.in-use.two-sockets",
    "§2.8",
    async (c) => {
      const ep = await boundTcp(c);
      return settle(() => dealer(c).bind(ep));
    },
  ],
  [
    "bind.in-use.same-socket",
    "§2.9",
    async (c) => {
      const s = dealer(c);
      const ep = await boundTcp(c, s);
      return settle(() => s.bind(ep));
    },
  ],
  [
    "bind.in-use.inproc",
    "§2.10",
    async (c) => {
      const name = `inproc://${c.uniq("dup")}`;
      await dealer(c).bind(name);
      return settle(() => dealer(c).bind(name));
    },
  ],
  [
    "bind.while-binding",
    "§2.11",
    (c) => {
      const s = dealer(c);
      s.bind("tcp://127.0.0.1:*").catch(() => {});
      return settle(() => s.bind("tcp://127.0.0.1:*"));
    },
  ],
  [
    "bind.ipc-too-long",
    "§2.12",
    (c) => settle(() => dealer(c).bind(`ipc://${c.tmp}/${"x".repeat(200)}`)),
  ],
  ["bind.closed", "§2.13", (c) => settle(() => closed(c).bind("tcp://127.0.0.1:*"))],
  ["bindSync.protocol", "§2.14", (c) => settle(() => dealer(c).bindSync("foo://x"))],
  [
    "bindSync.ok",
    "B1",
    (c) => {
      const s = dealer(c);
      const r = (() => {
        try {
          return {
            value: s.bindSync("tcp://127.0.0.1:*") ?? "<undefined>",
            ep: typeof s.lastEndpoint,
          };
        } catch (err) {
          return { threw: (err as Error).constructor.name };
        }
      })();
      return r;
    },
  ],
  // libzmq resolves a host name in bind; zeromq.js's bindSync is synchronous all the same.
  ...(
    [
      ["localhost", "tcp://localhost:*", false],
      ["localhost.ipv6", "tcp://localhost:*", true],
      ["hostname", `tcp://${os.hostname()}:*`, false],
      ["unresolvable", "tcp://nonexistent.invalid:5555", false],
      ["ipv6-literal", "tcp://[::1]:*", false],
      ["ipv6-literal.ipv6", "tcp://[::1]:*", true],
      ["wildcard-host", "tcp://*:*", false],
    ] as const
  ).map(
    ([name, ep, ipv6]): Row => [
      `bindSync.${name}`,
      "B1",
      (c) => {
        const s = dealer(c, { ipv6 });
        const r = (() => {
          try {
            return { value: describe(s.bindSync(ep)) };
          } catch (err) {
            const e = err as Error & { code?: string; errno?: number; address?: string };
            return { message: e.message, code: e.code, errno: e.errno, address: e.address };
          }
        })();
        return { r, ep: (s.lastEndpoint as string | null)?.replace(/:\d+$/, ":PORT") ?? null };
      },
    ],
  ),
  ["unbindSync.unknown", "B1", (c) => settle(() => dealer(c).unbindSync("tcp://127.0.0.1:5555"))],
  // ---- connect
  ["connect.protocol", "§2.15", (c) => settle(() => dealer(c).connect("foo://127.0.0.1:5555"))],
  ["connect.no-scheme", "§2.16", (c) => settle(() => dealer(c).connect("abc"))],
  ["connect.tcp-no-port", "§2.17", (c) => settle(() => dealer(c).connect("tcp://127.0.0.1"))],
  ["connect.tcp-wildcard", "§2.18", (c) => settle(() => dealer(c).connect("tcp://127.0.0.1:*"))],
  ["connect.non-string", "§2.19", (c) => settle(() => dealer(c).connect(42))],
  [
    "connect.unresolvable",
    "§2.20",
    (c) => settle(() => dealer(c).connect("tcp://nonexistent.invalid:5555")),
  ],
  ["connect.closed", "§2.21", (c) => settle(() => closed(c).connect("tcp://127.0.0.1:5555"))],
  [
    "connect.udp-on-dealer",
    "§2.22",
    (c) => settle(() => dealer(c).connect("udp://127.0.0.1:5555")),
  ],
  ["bind.udp-on-dealer", "§2.23", (c) => settle(() => dealer(c).bind("udp://127.0.0.1:*"))],
  // ---- unbind / disconnect
  ["unbind.unknown", "§2.24", (c) => settle(() => dealer(c).unbind("tcp://127.0.0.1:5555"))],
  [
    "unbind.wildcard",
    "§2.25",
    async (c) => {
      const s = dealer(c);
      await s.bind("tcp://127.0.0.1:*");
      return settle(() => s.unbind("tcp://127.0.0.1:*"));
    },
  ],
  ["unbind.closed", "§2.26", (c) => settle(() => closed(c).unbind("tcp://127.0.0.1:5555"))],
  [
    "disconnect.unknown",
    "§2.27",
    (c) => settle(() => dealer(c).disconnect("tcp://127.0.0.1:5555")),
  ],
  ["disconnect.closed", "§2.28", (c) => settle(() => closed(c).disconnect("tcp://127.0.0.1:5555"))],
  ["unbind.invalid-uri", "§2.50", (c) => settle(() => dealer(c).unbind("foo-bar"))],
  ["unbind.invalid-protocol", "§2.51", (c) => settle(() => dealer(c).unbind("foo://bar"))],
  ["disconnect.invalid-uri", "§2.52", (c) => settle(() => dealer(c).disconnect("foo-bar"))],
  ["disconnect.invalid-protocol", "§2.53", (c) => settle(() => dealer(c).disconnect("foo://bar"))],
  // ---- send / receive
  ["send.closed", "§2.29", (c) => settle(() => closed(c).send("x"))],
  ["receive.closed", "§2.30", (c) => settle(() => closed(c).receive())],
  ["send.no-args", "§2.31", (c) => settle(() => dealer(c).send())],
  ["send.undefined", "§2.32", (c) => settle(() => dealer(c).send(undefined))],
  ["send.object", "§2.33", (c) => settle(() => dealer(c, { sendTimeout: 0 }).send({ a: 1 }))],
  ["send.empty-multipart", "§2.34", (c) => settle(() => ctxPair(c).then(([a]) => a.send([])))],
  [
    "receive.timeout",
    "§2.35",
    (c) => settle(() => dealer(c, { receiveTimeout: 50 }).receive(), 1000),
  ],
  ["receive.timeout-0", "§2.36", (c) => settle(() => dealer(c, { receiveTimeout: 0 }).receive())],
  ["send.timeout", "§2.37", (c) => settle(() => dealer(c, { sendTimeout: 50 }).send("x"), 1000)],
  ["send.timeout-0", "§2.38", (c) => settle(() => dealer(c, { sendTimeout: 0 }).send("x"))],
  [
    "send.concurrent",
    "§2.39",
    (c) => {
      const s = dealer(c);
      s.send("x").catch(() => {});
      return settle(() => s.send("y"));
    },
  ],
  [
    "receive.concurrent",
    "§2.40",
    (c) => {
      const s = dealer(c);
      s.receive().catch(() => {});
      return settle(() => s.receive());
    },
  ],
  [
    "close.cancels-receive",
    "§2.41",
    async (c) => {
      const s = dealer(c);
      const p = s.receive();
      p.catch(() => {});
      await sleep(10);
      s.close();
      return settle(() => p);
    },
  ],
  [
    "close.cancels-send",
    "§2.42",
    async (c) => {
      const s = dealer(c);
      const p = s.send("x");
      p.catch(() => {});
      await sleep(10);
      s.close();
      return settle(() => p);
    },
  ],
  // ---- REQ/REP/ROUTER state
  [
    "req.send-twice",
    "§2.43",
    async (c) => {
      const [req] = await reqRep(c);
      await req.send("a");
      return settle(() => req.send("b"));
    },
  ],
  ["req.receive-first", "§2.44", (c) => settle(() => c.track(new c.zmq.Request()).receive())],
  ["rep.send-first", "§2.45", (c) => settle(() => c.track(new c.zmq.Reply()).send("x"))],
  [
    "req.send-twice.timeout",
    "§2.46",
    async (c) => {
      const [req] = await reqRep(c);
      req.sendTimeout = 2;
      await req.send("a");
      return settle(() => req.send("b"), 1000);
    },
  ],
  [
    "req.receive-first.timeout",
    "§2.47",
    (c) => settle(() => c.track(new c.zmq.Request({ receiveTimeout: 50 })).receive(), 1000),
  ],
  [
    "rep.send-first.timeout",
    "§2.48",
    (c) => settle(() => c.track(new c.zmq.Reply({ sendTimeout: 50 })).send("x"), 1000),
  ],
  [
    "router.mandatory.timeout-0",
    "§2.49",
    (c) =>
      settle(() =>
        c.track(new c.zmq.Router({ mandatory: true, sendTimeout: 0 })).send(["nobody", "x"]),
      ),
  ],
  [
    "router.mandatory.no-timeout",
    "§2.56",
    (c) => settle(() => c.track(new c.zmq.Router({ mandatory: true })).send(["nobody", "x"])),
  ],
  [
    "router.unroutable",
    "§2.57",
    (c) => settle(() => c.track(new c.zmq.Router()).send(["nobody", "x"])),
  ],
  // ---- wrong socket type for the operation
  ["pull.send", "§2.68", (c) => settle(() => c.track(new c.zmq.Pull()).send("x"))],
  ["pub.receive", "§2.69", (c) => settle(() => c.track(new c.zmq.Publisher()).receive())],
  ["sub.send", "§2.70", (c) => settle(() => c.track(new c.zmq.Subscriber()).send("x"))],
  ["sub.send.no-args", "B7", (c) => settle(() => c.track(new c.zmq.Subscriber()).send())],
  [
    "pub.for-await",
    "§2.71",
    (c) => settle(() => c.track(new c.zmq.Publisher())[Symbol.asyncIterator]().next()),
  ],
  // ---- draft
  [
    "server.unroutable",
    "§2.58",
    (c) => settle(() => c.track(new c.draft.Server()).send("x", { routingId: 12345 })),
  ],
  ["server.send.no-options", "§2.59", (c) => settle(() => c.track(new c.draft.Server()).send("x"))],
  [
    "client.multipart",
    "§2.60",
    (c) => settle(() => c.track(new c.draft.Client({ sendTimeout: 0 })).send(["a", "b"])),
  ],
  [
    // No sendTimeout: zeromq.js waits for a peer before it looks at the message. What happens
    // to that send once a peer arrives, and to one sent when a peer is there.
    "client.multipart.no-peer",
    "§2.60",
    async (c) => {
      const cl = c.track(new c.draft.Client());
      const p = cl.send(["a", "b"]);
      p.catch(() => {});
      const first = await settle(() => p);
      const srv = c.track(new c.draft.Server());
      await srv.bind("tcp://127.0.0.1:*");
      cl.connect(srv.lastEndpoint);
      const later = await settle(() => p, 1500);
      const next = await settle(() => cl.send(["c", "d"]), 1500);
      const single = await settle(() => cl.send("e"), 1500);
      srv.receiveTimeout = 1500;
      const received = await settle(async () => (await srv.receive())[0].toString(), 2000);
      return { first, later, next, single, received };
    },
  ],
  ["radio.send.no-group", "§2.61", (c) => settle(() => c.track(new c.draft.Radio()).send("x"))],
  [
    "radio.send.group-300",
    "§2.62",
    async (c) => {
      const r = c.track(new c.draft.Radio());
      r.connect(`udp://127.0.0.1:${await freeUdpPort()}`);
      return settle(() => r.send("x", { group: "g".repeat(300) }));
    },
  ],
  [
    "dish.join.256",
    "§2.63",
    (c) => settle(() => c.track(new c.draft.Dish()).join("g".repeat(256))),
  ],
  [
    "dish.join.twice",
    "§2.64",
    (c) => {
      const d = c.track(new c.draft.Dish());
      d.join("g");
      return settle(() => d.join("g"));
    },
  ],
  ["dish.leave.unjoined", "§2.65", (c) => settle(() => c.track(new c.draft.Dish()).leave("g"))],
  ["dish.join.non-string", "§2.66", (c) => settle(() => c.track(new c.draft.Dish()).join(42))],
  [
    "datagram.single-part",
    "§2.67",
    async (c) => {
      const d = c.track(new c.draft.Datagram({ sendTimeout: 0 }));
      await d.bind(`udp://127.0.0.1:${await freeUdpPort()}`);
      return settle(() => d.send("x"));
    },
  ],
  // ---- subscribe, options
  [
    "sub.subscribe.number",
    "§2.72",
    (c) => settle(() => c.track(new c.zmq.Subscriber()).subscribe(42)),
  ],
  ["sub.subscribe.closed", "§2.73", (c) => settle(() => closed(c, "Subscriber").subscribe("x"))],
  ...(
    [
      ["opt.linger.string", "§2.74", "linger", "abc"],
      ["opt.linger.fraction", "§2.75", "linger", 1.5],
      ["opt.immediate.number", "§2.76", "immediate", 1],
      ["opt.routingId.number", "§2.77", "routingId", 42],
      ["opt.routingId.buffer", "§2.78", "routingId", Buffer.from("ab")],
      ["opt.sendHighWaterMark.negative", "§2.79", "sendHighWaterMark", -5],
      ["opt.linger.negative", "§2.80", "linger", -5],
      ["opt.sendTimeout.2**40", "§2.81", "sendTimeout", 2 ** 40],
      ["opt.affinity.bigint", "§2.82", "affinity", 5n],
      ["opt.maxMessageSize.2**40", "§2.83", "maxMessageSize", 2 ** 40],
      ["opt.curveSecretKey.short", "§2.84", "curveSecretKey", "abc"],
      ["opt.zapDomain.number", "§2.85", "zapDomain", 42],
      ["opt.plainUsername.buffer", "§2.86", "plainUsername", Buffer.from("u")],
      ["opt.type", "§2.88", "type", 3],
      ["opt.lastEndpoint", "§2.89", "lastEndpoint", "x"],
      ["opt.threadSafe", "§2.90", "threadSafe", true],
      ["opt.closed", "§2.91", "closed", true],
      ["opt.unknown", "§2.92", "fooBar", 1],
    ] as [string, string, string, unknown][]
  ).map(
    ([id, ref, name, value]): Row => [
      id,
      ref,
      (c) => {
        const s = dealer(c);
        return settle(() => {
          s[name] = value;
          return s[name];
        });
      },
    ],
  ),
  [
    "opt.verbosity.bogus",
    "§2.87",
    (c) =>
      settle(() => {
        c.track(new c.zmq.XPublisher()).verbosity = "bogus";
      }),
  ],
  [
    "opt.set.closed",
    "§2.93",
    (c) =>
      settle(() => {
        closed(c).linger = 0;
      }),
  ],
  ["opt.get.closed", "§2.94", (c) => settle(() => closed(c).linger)],
  // Every kind of option accessor on a closed socket (libzmq's ENOTSOCK), and the
  // read-only properties that read an option.
  ...(
    [
      ["Dealer", "routingId", "x"],
      ["Dealer", "immediate", true],
      ["Dealer", "affinity", 1],
      ["Dealer", "curveServer", true],
      ["Dealer", "plainUsername", "u"],
      ["Dealer", "zapDomain", "d"],
      ["Dealer", "tcpAcceptFilter", "127.0.0.1"],
      ["Dealer", "heartbeatInterval", 5],
      ["Router", "mandatory", true],
      ["XPublisher", "noDrop", true],
      ["Subscriber", "conflate", true],
    ] as const
  ).flatMap(([type, name, value]): Row[] => [
    [
      `opt.set.closed.${name}`,
      "§2.93",
      (c) =>
        settle(() => {
          closed(c, type)[name] = value;
        }),
    ],
    [`opt.get.closed.${name}`, "§2.94", (c) => settle(() => closed(c, type)[name])],
  ]),
  ...(["lastEndpoint", "type", "readable", "writable", "closed"] as const).map(
    (name): Row => [`opt.get.closed.${name}`, "§2.94", (c) => settle(() => closed(c)[name])],
  ),
  [
    "sub.unsubscribe.closed",
    "§2.73",
    (c) => settle(() => closed(c, "Subscriber").unsubscribe("x")),
  ],
  ["opt.get.write-only", "§2.95", (c) => settle(() => c.track(new c.zmq.Router()).probeRouter)],
  ["opt.get.mandatory", "§2.96", (c) => settle(() => c.track(new c.zmq.Router()).mandatory)],
  ["opt.get.curvePublicKey", "§2.97", (c) => settle(() => dealer(c).curvePublicKey)],
  // ---- constructors
  ["ctor.unknown-option", "§2.99", (c) => settle(() => new c.zmq.Dealer({ foo: 1 }).close())],
  ["ctor.option-type", "§2.100", (c) => settle(() => new c.zmq.Dealer({ linger: "x" }).close())],
  ["ctor.read-only-option", "§2.101", (c) => settle(() => new c.zmq.Dealer({ type: 3 }).close())],
  ["ctor.number", "§2.102", (c) => settle(() => new c.zmq.Dealer(42).close())],
  ["ctor.null", "§2.103", (c) => settle(() => new c.zmq.Dealer(null).close())],
  ["ctor.bad-context", "§2.104", (c) => settle(() => new c.zmq.Dealer({ context: {} }).close())],
  [
    "ctor.other-type-option",
    "§2.105",
    (c) => settle(() => new c.zmq.Dealer({ mandatory: true }).close()),
  ],
  ["ctor.no-new", "§2.107", (c) => settle(() => c.zmq.Dealer())],
  ["ctor.socket.no-args", "A14", (c) => settle(() => new c.zmq.Socket().close())],
  ["ctor.socket.type-99", "A14", (c) => settle(() => new c.zmq.Socket(99).close())],
  ["ctor.socket.type-string", "C24", (c) => settle(() => new c.zmq.Socket("foo").close())],
  ["ctor.socket.extra-arg", "C24", (c) => settle(() => new c.zmq.Socket(5, {}, 1).close())],
  ["ctor.socket.dealer", "§2.106", (c) => settle(() => new c.zmq.Socket(5).close())],
  ["ctor.socket.no-new", "C24", (c) => settle(() => c.zmq.Socket(5))],
  [
    "ctor.socket.fraction",
    "C24",
    (c) =>
      settle(() => {
        const s = new c.zmq.Socket(5.7);
        const type = s.type;
        s.close();
        return type;
      }),
  ],
  ["ctor.socket.options-number", "C24", (c) => settle(() => new c.zmq.Socket(5, 7).close())],
  ["context.unknown-option", "§2.108", (c) => settle(() => void new c.zmq.Context({ foo: 1 }))],
  [
    "context.option-type",
    "§2.109",
    (c) => settle(() => void new c.zmq.Context({ ioThreads: "x" })),
  ],
  [
    "context.ioThreads-negative",
    "§2.110",
    (c) => settle(() => void new c.zmq.Context({ ioThreads: -5 })),
  ],
  [
    "context.read-only",
    "§2.111",
    (c) => settle(() => void new c.zmq.Context({ maxSocketsLimit: 1 })),
  ],
  ["context.number", "§2.112", (c) => settle(() => void new c.zmq.Context(42))],
  ["context.extra-arg", "§1.6", (c) => settle(() => void new c.zmq.Context({}, 1))],
  ["context.no-new", "§1.6", (c) => settle(() => void c.zmq.Context())],
  [
    "context.threadPriority.read",
    "§2.113",
    (c) => settle(() => new c.zmq.Context().threadPriority),
  ],
  [
    "context.maxSockets",
    "§2.114",
    (c) => {
      const ctx = new c.zmq.Context({ maxSockets: 1 });
      c.track(new c.zmq.Dealer({ context: ctx }));
      return settle(() => c.track(new c.zmq.Dealer({ context: ctx })));
    },
  ],
  // ---- Proxy
  ["proxy.non-sockets", "§2.115", (c) => settle(() => void new c.zmq.Proxy({}, {}))],
  ["proxy.one-arg", "C15", (c) => settle(() => void new c.zmq.Proxy(c.track(new c.zmq.Router())))],
  ["proxy.no-args", "C15", (c) => settle(() => void new c.zmq.Proxy())],
  [
    "proxy.front-not-object",
    "C15",
    (c) => settle(() => void new c.zmq.Proxy(1, c.track(new c.zmq.Dealer()))),
  ],
  [
    "proxy.extra-arg",
    "C15",
    (c) =>
      settle(
        () =>
          void new c.zmq.Proxy(
            c.track(new c.zmq.Router()),
            c.track(new c.zmq.Dealer()),
            c.track(new c.zmq.Dealer()),
          ),
      ),
  ],
  [
    "proxy.no-new",
    "C24",
    (c) => settle(() => void c.zmq.Proxy(c.track(new c.zmq.Router()), c.track(new c.zmq.Dealer()))),
  ],
  [
    "proxy.run.unbound",
    "§2.116",
    (c) =>
      settle(() => new c.zmq.Proxy(c.track(new c.zmq.Router()), c.track(new c.zmq.Dealer())).run()),
  ],
  [
    "proxy.run.back-unbound",
    "§2.117",
    async (c) => {
      const f = c.track(new c.zmq.Router());
      await f.bind(`inproc://${c.uniq()}`);
      return settle(() => new c.zmq.Proxy(f, c.track(new c.zmq.Dealer())).run());
    },
  ],
  ...(["terminate", "pause", "resume"] as const).map(
    (m, i): Row => [
      `proxy.${m}.before-run`,
      `§2.${118 + i}`,
      (c) =>
        settle(() =>
          new c.zmq.Proxy(c.track(new c.zmq.Router()), c.track(new c.zmq.Dealer()))[m](),
        ),
    ],
  ),
  [
    "proxy.run.closed-socket",
    "§2.121",
    (c) => settle(() => new c.zmq.Proxy(closed(c, "Router"), c.track(new c.zmq.Dealer())).run()),
  ],
  [
    "proxy.terminate-twice",
    "C15",
    async (c) => {
      const f = c.track(new c.zmq.Router());
      const b = c.track(new c.zmq.Dealer());
      await f.bind(`inproc://${c.uniq()}`);
      await b.bind(`inproc://${c.uniq()}`);
      const p = new c.zmq.Proxy(f, b);
      const run = p.run();
      await sleep(50);
      const t1 = await settle(() => p.terminate());
      const t2 = await settle(() => p.terminate());
      return { t1, t2, r: await settle(() => run, 2000) };
    },
  ],
  [
    "proxy.after-terminate",
    "§2.123-125",
    async (c) => {
      const f = c.track(new c.zmq.Router());
      const b = c.track(new c.zmq.Dealer());
      await f.bind(`inproc://${c.uniq()}`);
      await b.bind(`inproc://${c.uniq()}`);
      const p = new c.zmq.Proxy(f, b);
      const run = p.run();
      await sleep(50);
      const t1 = await settle(() => p.terminate());
      const r = await settle(() => run, 2000);
      const t2 = await settle(() => p.terminate());
      const again = await settle(() => p.run());
      return { t1, r, t2, again, closed: [f.closed, b.closed] };
    },
  ],
  // ---- Observer
  [
    "observer.receive.after-end",
    "§2.126",
    async (c) => {
      const s = dealer(c);
      const ev = s.events;
      s.close();
      const first = await settle(() => ev.receive(), 2000);
      const second = await settle(() => ev.receive());
      return { first, second };
    },
  ],
  [
    "observer.receive.after-close",
    "§2.127",
    (c) => {
      const ev = dealer(c).events;
      ev.close();
      return settle(() => ev.receive());
    },
  ],
  [
    "observer.close.cancels-receive",
    "§2.128",
    async (c) => {
      const ev = dealer(c).events;
      const p = ev.receive();
      p.catch(() => {});
      await sleep(10);
      ev.close();
      return settle(() => p);
    },
  ],
  [
    "observer.receive.concurrent",
    "§2.129",
    (c) => {
      const ev = dealer(c).events;
      ev.receive().catch(() => {});
      return settle(() => ev.receive());
    },
  ],
  [
    "observer.receive.emitter-mode",
    "§2.130",
    (c) => {
      const ev = dealer(c).events;
      ev.on("bind", () => {});
      return settle(() => ev.receive());
    },
  ],
  [
    "observer.for-await.emitter-mode",
    "§2.131",
    (c) => {
      const ev = dealer(c).events;
      ev.on("bind", () => {});
      return settle(() => ev[Symbol.asyncIterator]().next());
    },
  ],
  ["observer.closed-socket", "§2.132", (c) => settle(() => void new c.zmq.Observer(closed(c)))],
  ["observer.non-socket", "§2.133", (c) => settle(() => void new c.zmq.Observer({}))],
  ["observer.events-after-close", "§2.134", (c) => settle(() => typeof closed(c).events)],
  [
    "iterator.closed-socket",
    "§2.135",
    (c) => settle(() => closed(c)[Symbol.asyncIterator]().next()),
  ],
  [
    "iterator.ends-on-close",
    "§2.136",
    async (c) => {
      const s = dealer(c);
      const p = s[Symbol.asyncIterator]().next();
      await sleep(10);
      s.close();
      return settle(() => p, 1000);
    },
  ],
  // A pending call that close() ends is tried once more: a state error shows as such.
  [
    "iterator.req.close",
    "C7",
    (c) => {
      const s = c.track(new c.zmq.Request());
      process.nextTick(() => s.close());
      return settle(async () => {
        for await (const _ of s) {
          // nothing arrives
        }
        return "ended";
      }, 1000);
    },
  ],
  [
    "req.receive-first.close",
    "C7",
    async (c) => {
      const s = c.track(new c.zmq.Request());
      s.connect(`inproc://${c.uniq()}`);
      const p = s.receive();
      await sleep(10);
      s.close();
      return settle(() => p, 1000);
    },
  ],
  [
    "rep.send-first.close",
    "C7",
    async (c) => {
      const s = c.track(new c.zmq.Reply());
      await s.bind(`inproc://${c.uniq()}`);
      const p = s.send("x");
      await sleep(10);
      s.close();
      return settle(() => p, 1000);
    },
  ],
  [
    "router.mandatory-unroutable.close",
    "C7",
    async (c) => {
      const s = c.track(new c.zmq.Router({ mandatory: true }));
      await s.bind(`inproc://${c.uniq()}`);
      const p = s.send(["nobody", "x"]);
      await sleep(10);
      s.close();
      return settle(() => p, 1000);
    },
  ],
  [
    "dealer.receive.close",
    "§2.136",
    async (c) => {
      const s = dealer(c);
      const p = s.receive();
      await sleep(10);
      s.close();
      return settle(() => p, 1000);
    },
  ],
  // ---- routing ids, Stream
  [
    "router.connect.routingId-300",
    "§2.137",
    (c) =>
      settle(() =>
        c.track(new c.zmq.Router()).connect("tcp://127.0.0.1:5555", { routingId: "r".repeat(300) }),
      ),
  ],
  [
    "opt.routingId.nul-first",
    "§2.138",
    (c) =>
      settle(() => {
        dealer(c).routingId = "\0abc";
      }),
  ],
  [
    "stream.connect.ipc",
    "§2.140",
    (c) => settle(() => c.track(new c.zmq.Stream()).connect(`ipc://${c.tmp}/s`)),
  ],
  [
    "stream.bind.inproc",
    "§2.141",
    (c) => settle(() => c.track(new c.zmq.Stream()).bind(`inproc://${c.uniq()}`)),
  ],
];

async function ctxPair(c: Ctx) {
  const a = c.track(new c.zmq.Pair());
  const b = c.track(new c.zmq.Pair());
  const ep = `inproc://${c.uniq()}`;
  await a.bind(ep);
  b.connect(ep);
  return [a, b];
}

async function reqRep(c: Ctx) {
  const rep = c.track(new c.zmq.Reply());
  const req = c.track(new c.zmq.Request());
  const ep = `inproc://${c.uniq()}`;
  await rep.bind(ep);
  req.connect(ep);
  return [req, rep];
}

async function freeUdpPort(): Promise<number> {
  const dgram = await import("node:dgram");
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const errorCases: Case[] = rows.map(([id, ref, run]) => ({ id: `error.${id}`, ref, run }));
