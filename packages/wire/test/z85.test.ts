import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "../src/errors";
import { z85Decode, z85Encode } from "../src/z85";
import { h, runs, toHex } from "./codec-helpers";

describe("Z85 (RFC 32)", () => {
  it('encodes the RFC test vector 86 4F D2 6F B5 59 F7 5B as "HelloWorld"', () => {
    expect(z85Encode(h("86 4F D2 6F B5 59 F7 5B"))).toBe("HelloWorld");
    expect(toHex(z85Decode("HelloWorld"))).toBe("864fd26fb559f75b");
  });

  it("covers the ends of the alphabet and of the value range", () => {
    expect(z85Encode(h("00000000"))).toBe("00000");
    expect(z85Encode(h("ffffffff"))).toBe("%nSc0");
    expect(toHex(z85Decode("%nSc0"))).toBe("ffffffff");
    expect(z85Encode(new Uint8Array(0))).toBe("");
    expect(z85Decode("").length).toBe(0);
  });

  it("round-trips a 32-byte CURVE key through 40 characters", () => {
    const key = h("bb88471d65e2659b30c55a5321cebb5aab2b70a398645c26dca2b2fcb43fc518");
    const text = z85Encode(key);
    expect(text).toHaveLength(40);
    expect(toHex(z85Decode(text))).toBe(toHex(key));
  });

  const expectEinval = (f: () => unknown) => {
    expect(f).toThrow(WireError);
    try {
      f();
    } catch (error) {
      expect((error as WireError).code).toBe("EINVAL");
      expect((error as WireError).reason).toBe("invalid-argument");
    }
  };

  it("rejects lengths that are not multiples of 4 / 5", () => {
    expectEinval(() => z85Encode(new Uint8Array(3)));
    expectEinval(() => z85Decode("Hell"));
  });

  it("rejects characters outside the alphabet, including non-ASCII", () => {
    for (const bad of ["Hell ", 'Hell"', "Hell,", "Hell\\", "Hellé", "Hell~", "Hell\u0130"]) {
      expectEinval(() => z85Decode(bad));
    }
  });

  it("rejects groups above 2^32-1, like libzmq (test_base85 ..._failure_above_limit)", () => {
    expectEinval(() => z85Decode("%nSc1"));
    expectEinval(() => z85Decode("#####"));
  });

  it("property: z85Decode(z85Encode(x)) == x and the text stays in the alphabet", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 64 })
          .chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
        (data) => {
          const text = z85Encode(data);
          expect(text).toHaveLength((data.length / 4) * 5);
          expect(text).toMatch(/^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/);
          expect(toHex(z85Decode(text))).toBe(toHex(data));
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it("property: arbitrary text either decodes (and re-encodes to itself) or throws EINVAL", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        let decoded: Uint8Array;
        try {
          decoded = z85Decode(text);
        } catch (error) {
          expect(error).toBeInstanceOf(WireError);
          expect((error as WireError).code).toBe("EINVAL");
          return;
        }
        expect(z85Encode(decoded)).toBe(text);
      }),
      { numRuns: runs(300) },
    );
  });
});
