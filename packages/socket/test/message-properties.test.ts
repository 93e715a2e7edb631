import { describe, expect, it } from "vitest";
import { messageProperties, messageProperty } from "../src/index";
import { tagFrames } from "../src/message-properties";

describe("message properties on received frames", () => {
  it("are found on the tagged frames only, names case-insensitive", () => {
    const a = new Uint8Array([1, 2]);
    const b = new Uint8Array(0);
    tagFrames([a, b], Object.freeze({ "User-Id": "alice", "Socket-Type": "DEALER" }));
    expect(messageProperty(a, "user-id")).toBe("alice");
    expect(messageProperties(b)).toEqual({ "User-Id": "alice", "Socket-Type": "DEALER" });
    expect(messageProperties(new Uint8Array([1, 2]))).toBeUndefined();
    expect(messageProperty(new Uint8Array(0), "User-Id")).toBeUndefined();
  });

  it("take the last tag when a frame object is delivered again", () => {
    const shared = new Uint8Array(0);
    tagFrames([shared], Object.freeze({ "User-Id": "first" }));
    tagFrames([shared], Object.freeze({ "User-Id": "second" }));
    expect(messageProperty(shared, "User-Id")).toBe("second");
  });

  it("leave the frame as the application sees it ordinary", () => {
    const frame = new Uint8Array([104, 105]);
    tagFrames([frame], Object.freeze({ "User-Id": "u" }));
    expect(frame).toStrictEqual(new Uint8Array([104, 105]));
    expect(Object.keys(frame)).toEqual(["0", "1"]);
    expect(Object.getOwnPropertySymbols(frame)).toEqual([]);
    expect(Reflect.ownKeys(frame)).toEqual(["0", "1"]);
    expect(structuredClone(frame)).toStrictEqual(new Uint8Array([104, 105]));
    expect(messageProperties(structuredClone(frame))).toBeUndefined();
  });

  it("answer undefined for values that are not objects", () => {
    expect(messageProperties("frame" as unknown as Uint8Array)).toBeUndefined();
    expect(messageProperty(null as unknown as Uint8Array, "User-Id")).toBeUndefined();
  });
});
