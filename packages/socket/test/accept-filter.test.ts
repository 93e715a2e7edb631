/**
 * ZMQ_TCP_ACCEPT_FILTER parsing and matching. The accept/refuse vectors were measured
 * on libzmq 4.3.5 (zeromq.js 6.8.0, glibc): each string assigned to `tcpAcceptFilter`
 * of a socket with `ipv6` off and on, EINVAL or accepted.
 */
import { describe, expect, it } from "vitest";
import { acceptFilterMatches, acceptFiltersAdmit, parseAcceptFilter } from "../src/accept-filter";

const bytes = (text: string, ipv6 = false) => {
  const f = parseAcceptFilter(text, ipv6);
  return f === undefined ? undefined : [...f.bytes].join(".") + `/${f.mask}`;
};

describe("parseAcceptFilter", () => {
  // accepted by libzmq without ipv6
  const ok4 = ["5", "10.1", "0x7f.1", "0x7F.0.0.1", "017.1", "1.2.3", "1.2.3.4", "1.16777215",
    "4294967295", "1.2.3.4/24", "1.2.3.4/32", "1.2.3.4/0", "1.2.3.4/ 8", "1.2.3.4/8x",
    "1.2.3.4%5", "::ffff:1.2.3.4", "[1.2.3.4]", "1".repeat(10)]; // biome-ignore format: list
  // refused by libzmq without ipv6 (EINVAL)
  const bad4 = ["08", "0x", "0x.1", "1.2.3.4.5", "1.2.3.256", "256.1", "1.16777216", "4294967296",
    "1.2.3.4 ", " 1.2.3.4", "abc", "ab", "localhost", "1.2.3.4/", "/24", "1.2.3.4/33",
    "1.2.3.4/-1", "1.2.3.4/x", "1.2/3/4", "::1", "[::1]", "fe80::1%2", "1.2.3.4/24/",
    "x".repeat(256), "1".repeat(256)]; // biome-ignore format: list
  // with ipv6: these are accepted too
  const ok6 = ["::1", "[::1]", "[::1]/64", "::1/128", "fe80::1%2", "fe80::1%lo", "::ffff:1.2.3.4",
    "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "::"]; // biome-ignore format: list
  // and refused with ipv6
  const bad6 = ["::1/129", "fe80::1%0", "fe80::1%", "::ffff:01.2.3.4", "1::2::3",
    "1:2:3:4:5:6:7:8:9", "12345::", "1:"]; // biome-ignore format: list

  it("accepts and refuses what libzmq does, without ipv6", () => {
    expect(ok4.filter((t) => parseAcceptFilter(t, false) === undefined)).toEqual([]);
    expect(bad4.filter((t) => parseAcceptFilter(t, false) !== undefined)).toEqual([]);
  });

  it("accepts and refuses what libzmq does, with ipv6", () => {
    expect([...ok4, ...ok6].filter((t) => parseAcceptFilter(t, true) === undefined)).toEqual([]);
    expect(bad6.filter((t) => parseAcceptFilter(t, true) !== undefined)).toEqual([]);
  });

  it("reads inet_aton's short forms and the mask", () => {
    expect(bytes("5")).toBe("0.0.0.5/32");
    expect(bytes("10.1")).toBe("10.0.0.1/32");
    expect(bytes("0x7f.1")).toBe("127.0.0.1/32");
    expect(bytes("017.1.2")).toBe("15.1.0.2/32");
    expect(bytes("192.168.1.0/24")).toBe("192.168.1.0/24");
    expect(bytes("::ffff:1.2.3.4")).toBe("1.2.3.4/32");
    expect(bytes("1.2.3.4", true)).toBe("0.0.0.0.0.0.0.0.0.0.255.255.1.2.3.4/128");
    expect(bytes("[fe80::1]/64", true)).toBe("254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1/64");
  });
});

describe("acceptFilterMatches", () => {
  const f = (text: string, ipv6 = false) => parseAcceptFilter(text, ipv6)!;

  it("compares the first mask bits, within one address family", () => {
    expect(acceptFilterMatches(f("127.0.0.1"), "127.0.0.1")).toBe(true);
    expect(acceptFilterMatches(f("127.0.0.2"), "127.0.0.1")).toBe(false);
    expect(acceptFilterMatches(f("127.0.0.0/8"), "127.9.9.9")).toBe(true);
    expect(acceptFilterMatches(f("192.168.1.128/25"), "192.168.1.200")).toBe(true);
    expect(acceptFilterMatches(f("192.168.1.128/25"), "192.168.1.100")).toBe(false);
    expect(acceptFilterMatches(f("0.0.0.0/0"), "8.8.8.8")).toBe(true);
    expect(acceptFilterMatches(f("0.0.0.0/0"), "::1")).toBe(false);
    expect(acceptFilterMatches(f("::1", true), "::1")).toBe(true);
    expect(acceptFilterMatches(f("127.0.0.1", true), "::ffff:127.0.0.1")).toBe(true);
    expect(acceptFilterMatches(f("127.0.0.1", true), "127.0.0.1")).toBe(false);
  });

  it("an empty list admits everyone, otherwise any one filter must match", () => {
    expect(acceptFiltersAdmit([], "10.0.0.1")).toBe(true);
    expect(acceptFiltersAdmit([f("10.0.0.2"), f("10.0.0.0/24")], "10.0.0.1")).toBe(true);
    expect(acceptFiltersAdmit([f("10.0.0.2")], "10.0.0.1")).toBe(false);
  });
});
