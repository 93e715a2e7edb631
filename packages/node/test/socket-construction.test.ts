/**
 * Construction and options, as zeromq.js v6 exposes them: an options object
 * in the constructor, camelCase properties with libzmq's defaults, sealed
 * instances (unknown options throw), per-type methods.
 */
import { describe, expect, it } from "vitest";
import * as zmq from "../src/index";

const types = {
  Pair: zmq.Pair,
  Publisher: zmq.Publisher,
  Subscriber: zmq.Subscriber,
  Request: zmq.Request,
  Reply: zmq.Reply,
  Dealer: zmq.Dealer,
  Router: zmq.Router,
  Pull: zmq.Pull,
  Push: zmq.Push,
  XPublisher: zmq.XPublisher,
  XSubscriber: zmq.XSubscriber,
  Stream: zmq.Stream,
} as const;

const canSend = new Set([
  "Pair",
  "Publisher",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Push",
  "XPublisher",
  "XSubscriber",
  "Stream",
]);
const canReceive = new Set([
  "Pair",
  "Subscriber",
  "Request",
  "Reply",
  "Dealer",
  "Router",
  "Pull",
  "XPublisher",
  "XSubscriber",
  "Stream",
]);

describe("socket construction", () => {
  for (const [name, Type] of Object.entries(types)) {
    it(`${name}: constructs, reports its type, has exactly its methods`, () => {
      const socket = new Type();
      try {
        expect(socket).toBeInstanceOf(zmq.Socket);
        expect(socket.type).toBe(zmq.SocketType[name as keyof typeof zmq.SocketType]);
        expect(socket.closed).toBe(false);
        expect(socket.lastEndpoint).toBeNull();
        expect(socket.context).toBe(zmq.context);
        expect(typeof (socket as { send?: unknown }).send).toBe(
          canSend.has(name) ? "function" : "undefined",
        );
        expect(typeof (socket as { receive?: unknown }).receive).toBe(
          canReceive.has(name) ? "function" : "undefined",
        );
        expect(typeof (socket as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator]).toBe(
          canReceive.has(name) ? "function" : "undefined",
        );
      } finally {
        socket.close();
      }
    });
  }

  it("takes options in the constructor", () => {
    const socket = new zmq.Dealer({ routingId: "abc", linger: 0, sendHighWaterMark: 5 });
    try {
      expect(socket.routingId).toBe("abc");
      expect(socket.linger).toBe(0);
      expect(socket.sendHighWaterMark).toBe(5);
    } finally {
      socket.close();
    }
  });

  it("takes a context in the options", () => {
    const context = new zmq.Context();
    const socket = new zmq.Pair({ context });
    try {
      expect(socket.context).toBe(context);
    } finally {
      socket.close();
    }
  });

  it("throws on an unknown option name in the constructor", () => {
    expect(() => new zmq.Dealer({ notAnOption: 1 } as never)).toThrow(TypeError);
  });

  it("throws when assigning an unknown property", () => {
    const socket = new zmq.Dealer();
    try {
      expect(() => {
        (socket as unknown as Record<string, unknown>).notAnOption = 1;
      }).toThrow(TypeError);
    } finally {
      socket.close();
    }
  });

  it("throws on an option another socket type has", () => {
    expect(() => new zmq.Publisher({ routingId: "x" } as never)).toThrow(TypeError);
    expect(() => new zmq.Pull({ sendHighWaterMark: 1 } as never)).toThrow(TypeError);
    expect(() => new zmq.Push({ receiveTimeout: 1 } as never)).toThrow(TypeError);
  });

  it("a constructor that throws on an option does not leak the socket from its context", () => {
    const context = new zmq.Context({ maxSockets: 2 });
    for (let i = 0; i < 5; i++) {
      expect(() => new zmq.Dealer({ context, notAnOption: 1 } as never)).toThrow(TypeError);
      expect(() => new zmq.Dealer({ context, linger: -5 })).toThrow();
    }
    const a = new zmq.Dealer({ context });
    const b = new zmq.Dealer({ context });
    try {
      expect(() => new zmq.Dealer({ context })).toThrow(
        expect.objectContaining({ code: "EMFILE" }),
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it("rejects non-object options", () => {
    expect(() => new zmq.Dealer(null as never)).toThrow(TypeError);
    expect(() => new zmq.Dealer(5 as never)).toThrow(TypeError);
  });

  it("Socket checks type, options and their count in zeromq.js's order and words", () => {
    const construct = (...args: unknown[]) => Reflect.construct(zmq.Socket, args) as zmq.Socket;
    expect(() => construct()).toThrow(new TypeError("Socket type must be a number"));
    expect(() => construct("foo")).toThrow(new TypeError("Socket type must be a number"));
    expect(() => construct(5, 1)).toThrow(new TypeError("Options must be an object"));
    expect(() => construct(5, {}, 2)).toThrow(new TypeError("Expected 2 arguments but received 3"));
    expect(() => construct(99)).toThrow(
      expect.objectContaining({ message: "Invalid argument", code: "EINVAL", errno: 22 }),
    );
    const call = zmq.Socket as unknown as (...args: unknown[]) => unknown;
    expect(() => call(5)).toThrow(
      new TypeError("Class constructors cannot be invoked without 'new'"),
    );
    // A number is taken as an int32, as zeromq.js: 5.7 is a DEALER.
    const dealer = construct(5.7);
    expect(dealer.type).toBe(5);
    expect(dealer).toBeInstanceOf(zmq.Socket);
    dealer.close();
  });
});

describe("socket options", () => {
  it("has libzmq's defaults", () => {
    const socket = new zmq.Dealer();
    try {
      expect(socket.linger).toBe(-1);
      expect(socket.sendHighWaterMark).toBe(1000);
      expect(socket.receiveHighWaterMark).toBe(1000);
      expect(socket.sendTimeout).toBe(-1);
      expect(socket.receiveTimeout).toBe(-1);
      expect(socket.reconnectInterval).toBe(100);
      expect(socket.reconnectMaxInterval).toBe(0);
      expect(socket.backlog).toBe(100);
      expect(socket.maxMessageSize).toBe(-1);
      expect(socket.immediate).toBe(false);
      expect(socket.ipv6).toBe(false);
      expect(socket.handshakeInterval).toBe(30000);
      expect(socket.heartbeatInterval).toBe(0);
      expect(socket.heartbeatTimeToLive).toBe(0);
      expect(socket.heartbeatTimeout).toBe(-1);
      expect(socket.connectTimeout).toBe(0);
      expect(socket.tcpKeepalive).toBe(-1);
      expect(socket.routingId).toBeNull();
      // Write-only in zeromq.js (setter only): reading gives undefined.
      expect(socket.probeRouter).toBeUndefined();
      expect(socket.conflate).toBeUndefined();
      expect(socket.securityMechanism).toBeNull();
      expect(socket.threadSafe).toBe(false);
    } finally {
      socket.close();
    }
  });

  it("type-specific defaults", () => {
    const router = new zmq.Router();
    const req = new zmq.Request();
    const xpub = new zmq.XPublisher();
    const stream = new zmq.Stream();
    try {
      expect(router.mandatory).toBe(false);
      // Write-only options (zeromq.js defines only their setters): set, never read back.
      for (const [socket, name] of [
        [router, "handover"],
        [req, "correlate"],
        [req, "relaxed"],
        [xpub, "noDrop"],
        [xpub, "manual"],
        [xpub, "welcomeMessage"],
        [stream, "notify"],
      ] as const) {
        expect(Reflect.get(socket, name)).toBeUndefined();
        const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(socket), name);
        expect(descriptor?.get).toBeUndefined();
        expect(descriptor?.set).toBeTypeOf("function");
      }
    } finally {
      router.close();
      req.close();
      xpub.close();
      stream.close();
    }
  });

  it("sets and reads back options", () => {
    const socket = new zmq.Router();
    try {
      socket.linger = 50;
      socket.sendHighWaterMark = 7;
      socket.receiveHighWaterMark = 9;
      socket.sendTimeout = 10;
      socket.receiveTimeout = 0;
      socket.reconnectInterval = 200;
      socket.reconnectMaxInterval = 1000;
      socket.heartbeatInterval = 100;
      socket.immediate = true;
      socket.mandatory = true;
      socket.routingId = "me";
      expect(socket.linger).toBe(50);
      expect(socket.sendHighWaterMark).toBe(7);
      expect(socket.receiveHighWaterMark).toBe(9);
      expect(socket.sendTimeout).toBe(10);
      expect(socket.receiveTimeout).toBe(0);
      expect(socket.reconnectInterval).toBe(200);
      expect(socket.reconnectMaxInterval).toBe(1000);
      expect(socket.heartbeatInterval).toBe(100);
      expect(socket.immediate).toBe(true);
      expect(socket.mandatory).toBe(true);
      expect(socket.routingId).toBe("me");
      // null is no routing id (EINVAL, as zeromq.js), undefined no string or buffer.
      expect(() => {
        socket.routingId = null;
      }).toThrow(expect.objectContaining({ code: "EINVAL" }));
      expect(() => {
        socket.routingId = undefined as never;
      }).toThrow(TypeError);
      expect(socket.routingId).toBe("me");
    } finally {
      socket.close();
    }
  });

  it("rejects values of the wrong type with TypeError", () => {
    const socket = new zmq.Dealer();
    try {
      expect(() => {
        socket.linger = "x" as never;
      }).toThrow(TypeError);
      expect(() => {
        socket.immediate = 1 as never;
      }).toThrow(TypeError);
      expect(() => {
        socket.routingId = 5 as never;
      }).toThrow(TypeError);
    } finally {
      socket.close();
    }
  });

  it("rejects out-of-range values with EINVAL", () => {
    const socket = new zmq.Dealer();
    try {
      expect(() => {
        socket.linger = -2;
      }).toThrow(expect.objectContaining({ code: "EINVAL", errno: 22 }));
      expect(() => {
        socket.sendHighWaterMark = -1;
      }).toThrow(expect.objectContaining({ code: "EINVAL" }));
    } finally {
      socket.close();
    }
  });

  it("XPublisher.verbosity accepts null, allSubs and allSubsUnsubs", () => {
    const xpub = new zmq.XPublisher();
    try {
      xpub.verbosity = "allSubs";
      xpub.verbosity = "allSubsUnsubs";
      xpub.verbosity = null;
      expect(() => {
        xpub.verbosity = "bogus" as never;
      }).toThrow(TypeError);
    } finally {
      xpub.close();
    }
  });

  it("a closed socket's options throw ENOTSOCK, as zeromq.js (closed/readable/writable still work)", () => {
    const socket = new zmq.Router();
    socket.close();
    const enotsock = expect.objectContaining({ code: "ENOTSOCK", errno: 88 });
    for (const name of [
      "linger",
      "type",
      "lastEndpoint",
      "securityMechanism",
      "threadSafe",
      "routingId",
      "mandatory",
      "receiveTimeout",
      "sendHighWaterMark",
      "reconnectInterval",
      "affinity",
    ]) {
      expect(() => (socket as unknown as Record<string, unknown>)[name], name).toThrow(enotsock);
    }
    expect(() => {
      socket.linger = 0;
    }).toThrow(enotsock);
    expect(() => {
      socket.mandatory = true;
    }).toThrow(enotsock);
    expect(() => {
      socket.affinity = 1;
    }).toThrow(enotsock);
    expect(socket.closed).toBe(true);
    expect(socket.readable).toBe(false);
    expect(socket.writable).toBe(false);
  });

  it("SUB and XSUB default to linger 0, as libzmq", () => {
    const sub = new zmq.Subscriber();
    const xsub = new zmq.XSubscriber();
    try {
      expect(sub.linger).toBe(0);
      expect(xsub.linger).toBe(0);
    } finally {
      sub.close();
      xsub.close();
    }
  });
});

describe("context", () => {
  it("has defaults and takes options", () => {
    const context = new zmq.Context({ ioThreads: 2, ipv6: true });
    expect(context.ioThreads).toBe(2);
    expect(context.ipv6).toBe(true);
    // libzmq's ZMQ_MAX_MSGSZ default (INT32_MAX); a socket's own default stays -1.
    expect(context.maxMessageSize).toBe(2147483647);
    const socket = new zmq.Dealer({ context });
    expect(socket.maxMessageSize).toBe(-1);
    socket.close();
    expect(() => new zmq.Context({ bogus: 1 } as never)).toThrow(TypeError);
  });

  it("checks its arguments as zeromq.js does", () => {
    const make = zmq.Context as unknown as (...args: unknown[]) => unknown;
    expect(() => make()).toThrow(
      new TypeError("Class constructors cannot be invoked without 'new'"),
    );
    expect(() => Reflect.construct(zmq.Context, [1])).toThrow(
      new TypeError("Options must be an object"),
    );
    expect(() => Reflect.construct(zmq.Context, [{}, 2])).toThrow(
      new TypeError("Expected 1 argument but received 2"),
    );
    expect(zmq.context).toBeInstanceOf(zmq.Context);
    class Mine extends zmq.Context {}
    expect(new Mine()).toBeInstanceOf(zmq.Context);
  });

  it("sockets inherit ipv6 and maxMessageSize from their context", () => {
    const context = new zmq.Context({ ipv6: true, maxMessageSize: 1000 });
    const socket = new zmq.Dealer({ context });
    try {
      expect(socket.ipv6).toBe(true);
      expect(socket.maxMessageSize).toBe(1000);
    } finally {
      socket.close();
    }
  });
});

describe("errors", () => {
  it("ZmqError carries code, errno and address", () => {
    const error = new zmq.ZmqError("EAGAIN", undefined, "tcp://x:1");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("EAGAIN");
    expect(error.errno).toBe(11);
    expect(error.address).toBe("tcp://x:1");
    expect(new zmq.ZmqError("EFSM").errno).toBe(156384763);
    expect(new zmq.ZmqError("ETERM").errno).toBe(156384765);
  });
});
