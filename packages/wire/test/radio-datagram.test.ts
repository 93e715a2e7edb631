import { describe, expect, it } from "vitest";
import { decodeRadioDatagram, encodeRadioDatagram } from "../src/radio-datagram";

const text = new TextEncoder();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("RADIO/DISH datagram layout (libzmq udp_engine)", () => {
  it("is group_len(1) group body", () => {
    const datagram = encodeRadioDatagram(text.encode("TV"), text.encode("Friends"));
    expect(hex(datagram)).toBe(`02${hex(text.encode("TV"))}${hex(text.encode("Friends"))}`);
    expect(decodeRadioDatagram(datagram)?.map((b) => Buffer.from(b).toString())).toEqual([
      "TV",
      "Friends",
    ]);
    expect(hex(encodeRadioDatagram(new Uint8Array(0), new Uint8Array(0)))).toBe("00");
  });

  it("ignores empty or truncated datagrams; refuses groups over 255 bytes", () => {
    expect(decodeRadioDatagram(new Uint8Array(0))).toBeUndefined();
    expect(decodeRadioDatagram(Uint8Array.of(5, 65))).toBeUndefined();
    expect(() => encodeRadioDatagram(new Uint8Array(256), new Uint8Array(0))).toThrow(RangeError);
    const long = encodeRadioDatagram(new Uint8Array(255).fill(65), text.encode("x"));
    expect(decodeRadioDatagram(long)?.[0].length).toBe(255);
  });
});
