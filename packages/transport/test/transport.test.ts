import { describe, expect, it } from "vitest";
import {
  abortError,
  ERRNO,
  isTransportError,
  onAbort,
  parseEndpoint,
  parseEndpointFor,
  type StreamConnection,
  type Transport,
  TransportError,
  TransportRegistry,
  throwIfAborted,
  toTransportError,
} from "../src/index";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as TransportError).code;
  }
  return undefined;
}

describe("parseEndpoint", () => {
  it("splits scheme and address", () => {
    expect(parseEndpoint("tcp://127.0.0.1:5555")).toEqual({
      scheme: "tcp",
      address: "127.0.0.1:5555",
      raw: "tcp://127.0.0.1:5555",
    });
    expect(parseEndpoint("ipc:///tmp/feed").address).toBe("/tmp/feed");
    expect(parseEndpoint("inproc://a://b").address).toBe("a://b");
    expect(parseEndpoint("TCP://*:*").scheme).toBe("tcp");
  });

  it.each([
    "",
    "tcp",
    "tcp:/127.0.0.1:1",
    "://127.0.0.1:1",
    "tcp://",
    "1tcp://x",
    "t cp://x",
    "127.0.0.1:5555",
  ])("rejects %j with EINVAL", (raw) => {
    expect(codeOf(() => parseEndpoint(raw))).toBe("EINVAL");
  });

  it("rejects a non-string with EINVAL", () => {
    expect(codeOf(() => parseEndpoint(42 as unknown as string))).toBe("EINVAL");
  });

  it("parseEndpointFor rejects another scheme with EPROTONOSUPPORT", () => {
    expect(parseEndpointFor("tcp", "tcp://a:1").address).toBe("a:1");
    expect(codeOf(() => parseEndpointFor("tcp", "ipc:///x"))).toBe("EPROTONOSUPPORT");
    expect(codeOf(() => parseEndpointFor("tcp", "nonsense"))).toBe("EINVAL");
  });
});

describe("TransportError", () => {
  it("carries code, errno and address", () => {
    const error = new TransportError("EADDRINUSE", "in use", "tcp://*:5555");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TransportError");
    expect(error.code).toBe("EADDRINUSE");
    expect(error.errno).toBe(98);
    expect(error.address).toBe("tcp://*:5555");
    expect(isTransportError(error)).toBe(true);
    expect(isTransportError(new Error("x"))).toBe(false);
  });

  it("uses Linux errno values", () => {
    expect(ERRNO).toMatchObject({
      ENOENT: 2,
      EINVAL: 22,
      EPROTONOSUPPORT: 93,
      EADDRINUSE: 98,
      EADDRNOTAVAIL: 99,
      ECONNREFUSED: 111,
      ECANCELED: 125,
    });
  });

  it("is recognised across bundle copies by shape", () => {
    const foreign = Object.assign(new Error("x"), {
      name: "TransportError",
      code: "EINVAL",
      errno: 22,
    });
    expect(isTransportError(foreign)).toBe(true);
  });

  it("maps Node system errors", () => {
    const node = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    const mapped = toTransportError(node, "tcp://127.0.0.1:1");
    expect(mapped.code).toBe("ECONNREFUSED");
    expect(mapped.errno).toBe(111);
    expect(mapped.address).toBe("tcp://127.0.0.1:1");
    expect(mapped.cause).toBe(node);
    expect(toTransportError(mapped, "other")).toBe(mapped);
  });

  it("maps DNS, abort, stream and unknown errors", () => {
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND nohost"), { code: "ENOTFOUND" });
    expect(toTransportError(dns, "tcp://nohost:1").code).toBe("EHOSTUNREACH");
    const abort = Object.assign(new Error("aborted"), { name: "AbortError", code: "ABORT_ERR" });
    expect(toTransportError(abort, "x").code).toBe("ECANCELED");
    const destroyed = Object.assign(new Error("destroyed"), { code: "ERR_STREAM_DESTROYED" });
    expect(toTransportError(destroyed, "x").code).toBe("EPIPE");
    expect(toTransportError(new Error("odd"), "x").code).toBe("EIO");
    expect(toTransportError("string", "x").code).toBe("EIO");
    expect(abortError("x", "why").cause).toBe("why");
  });
});

describe("abort helpers", () => {
  it("throwIfAborted and onAbort", () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal, "x")).not.toThrow();
    expect(() => throwIfAborted(undefined, "x")).not.toThrow();
    let calls = 0;
    const off = onAbort(controller.signal, () => calls++);
    const offRemoved = onAbort(controller.signal, () => calls++);
    offRemoved();
    onAbort(undefined, () => calls++)();
    controller.abort(new Error("stop"));
    expect(calls).toBe(1);
    off();
    expect(codeOf(() => throwIfAborted(controller.signal, "x"))).toBe("ECANCELED");
  });
});

describe("TransportRegistry", () => {
  const fake: Transport<StreamConnection> = {
    scheme: "tcp",
    kind: "stream",
    bind: () => Promise.reject(new Error("unused")),
    connect: () => Promise.reject(new Error("unused")),
  };

  it("resolves registered schemes", () => {
    const registry = new TransportRegistry([fake]);
    expect(registry.has("tcp")).toBe(true);
    expect(registry.has("TCP")).toBe(true);
    expect(registry.schemes()).toEqual(["tcp"]);
    const { transport, endpoint } = registry.resolve("tcp://localhost:5555");
    expect(transport).toBe(fake);
    expect(endpoint.address).toBe("localhost:5555");
  });

  it("answers EPROTONOSUPPORT for unknown schemes and EINVAL for malformed ones", () => {
    const registry = new TransportRegistry().add(fake);
    expect(codeOf(() => registry.resolve("pgm://eth0;239.192.1.1:5555"))).toBe("EPROTONOSUPPORT");
    expect(codeOf(() => registry.get("udp"))).toBe("EPROTONOSUPPORT");
    expect(codeOf(() => registry.resolve("tcp:/x"))).toBe("EINVAL");
    expect(codeOf(() => new TransportRegistry().resolve("tcp://a:1"))).toBe("EPROTONOSUPPORT");
  });
});
