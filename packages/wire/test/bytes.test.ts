import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, equalBytes, fromHex, hex, utf8Decode, utf8Encode } from "../src/bytes";
import { WireError } from "../src/errors";
import { h, runs, toHex } from "./codec-helpers";

describe("hex helpers", () => {
  it("formats lower-case and parses with whitespace and either case", () => {
    expect(hex(h("00 0a ff 7f"))).toBe("000aff7f");
    expect(toHex(fromHex("00 0A\nff 7f"))).toBe("000aff7f");
    expect(() => fromHex("abc")).toThrow(WireError);
    expect(() => fromHex("zz")).toThrow(WireError);
  });

  it("property: fromHex(hex(x)) == x", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(hex(bytes)).toBe(toHex(bytes));
        expect(toHex(fromHex(hex(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: runs(100) },
    );
  });
});

describe("concatBytes / equalBytes", () => {
  it("concatenates in order and compares by content", () => {
    const joined = concatBytes([h("01"), new Uint8Array(0), h("0203")]);
    expect(toHex(joined)).toBe("010203");
    expect(equalBytes(joined, h("010203"))).toBe(true);
    expect(equalBytes(joined, h("010204"))).toBe(false);
    expect(equalBytes(joined, h("0102"))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});

/** Any UTF-16 string, lone surrogates included. */
const utf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((units) => String.fromCharCode(...units));

describe("UTF-8", () => {
  it("encodes 1- to 4-byte sequences and lone surrogates as U+FFFD", () => {
    expect(toHex(utf8Encode("aé€😀"))).toBe("61c3a9e282acf09f9880");
    expect(toHex(utf8Encode("\ud800x\udc00"))).toBe("efbfbd78efbfbd");
  });

  it("decodes invalid input with one U+FFFD per maximal subpart, like TextDecoder", () => {
    expect(utf8Decode(h("61 c3 a9 e2 82 ac f0 9f 98 80"))).toBe("aé€😀");
    expect(utf8Decode(h("ff e2 82 41 ed a0 80 f0 9f 98"))).toBe(
      "\ufffd\ufffdA\ufffd\ufffd\ufffd\ufffd",
    );
  });

  it("property: utf8Encode agrees with Buffer for any UTF-16 string", () => {
    fc.assert(
      fc.property(fc.oneof(utf16, fc.string({ unit: "binary" })), (text) => {
        expect(toHex(utf8Encode(text))).toBe(Buffer.from(text, "utf8").toString("hex"));
      }),
      { numRuns: runs(300) },
    );
  });

  it("property: utf8Decode agrees with TextDecoder for any bytes", () => {
    const decoder = new TextDecoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 60 }),
          fc.string({ unit: "binary" }).map((s) => new Uint8Array(Buffer.from(s))),
        ),
        (bytes) => {
          expect(utf8Decode(bytes)).toBe(decoder.decode(bytes));
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it("decodes long strings (chunked String.fromCharCode)", () => {
    const text = `${"é".repeat(10_000)}x`;
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });
});
