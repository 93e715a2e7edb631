/**
 * The pieces under the command line, in-process: message formats, stdin
 * record splitting, and argument parsing.
 */
import { describe, expect, it } from "vitest";
import { ExitCode, frameCodec, InputError, parseCommand, records, UsageError } from "../src/index";

const bytes = (text: string) => Buffer.from(text, "latin1");
const show = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString("latin1"));

async function collect(chunks: string[], separator: number): Promise<string[]> {
  const out: string[] = [];
  for await (const record of records(
    (async function* () {
      for (const chunk of chunks) yield bytes(chunk);
    })(),
    separator,
  )) {
    out.push(record.toString("latin1"));
  }
  return out;
}

describe("formats", () => {
  it("text: one frame per record unless a delimiter splits it; output joins with a tab", () => {
    const plain = frameCodec("text", undefined);
    expect(show(plain.decode(bytes("a|b")))).toEqual(["a|b"]);
    expect(Buffer.from(plain.encode([bytes("a"), bytes("b")])).toString()).toBe("a\tb");
    const split = frameCodec("text", "|");
    expect(show(split.decode(bytes("a||b|")))).toEqual(["a", "", "b", ""]);
    expect(Buffer.from(split.encode([bytes("a"), bytes(""), bytes("b")])).toString()).toBe("a||b");
  });

  it("hex: frames separated by a space, empty frames kept, bad hex refused", () => {
    const hex = frameCodec("hex", undefined);
    const frames = [bytes("\x00\xff"), bytes(""), bytes("hi")];
    const line = Buffer.from(hex.encode(frames)).toString();
    expect(line).toBe("00ff  6869");
    expect(show(hex.decode(bytes(line)))).toEqual(show(frames));
    expect(() => hex.decode(bytes("0g"))).toThrow(InputError);
    expect(() => hex.decode(bytes("abc"))).toThrow(/pairs of hex digits/);
  });

  it('json: strings for UTF-8 frames, {"hex"} for the rest; a bare string is one frame', () => {
    const json = frameCodec("json", undefined);
    const frames = [bytes("héllo"), Buffer.from([0xff, 0x00])];
    frames[0] = Buffer.from("héllo", "utf8");
    const line = Buffer.from(json.encode(frames)).toString();
    expect(line).toBe('["héllo",{"hex":"ff00"}]');
    expect(json.decode(Buffer.from(line)).map((f) => Buffer.from(f).toString("hex"))).toEqual(
      frames.map((f) => f.toString("hex")),
    );
    expect(show(json.decode(bytes('"one"')))).toEqual(["one"]);
    expect(() => json.decode(bytes("[1]"))).toThrow(/bad JSON frame 1/);
    expect(() => json.decode(bytes("{"))).toThrow(/bad JSON message/);
  });
});

describe("records", () => {
  it("splits at the separator across chunk boundaries; drops CR before LF; keeps a last partial record", async () => {
    expect(await collect(["a", "b\nc\r", "\n\nd"], 10)).toEqual(["ab", "c", "", "d"]);
    expect(await collect(["x\n"], 10)).toEqual(["x"]);
    expect(await collect([], 10)).toEqual([]);
  });

  it("NUL records keep newlines and carriage returns", async () => {
    expect(await collect(["a\r\nb\0", "c\0"], 0)).toEqual(["a\r\nb", "c"]);
  });
});

describe("parseCommand", () => {
  it("builds a command from flags", () => {
    const parsed = parseCommand([
      "sub",
      "-c",
      "tcp://127.0.0.1:1",
      "-c",
      "ipc:///tmp/x",
      "-s",
      "a",
      "--subscribe",
      "b",
      "-n",
      "3",
      "-t",
      "500",
      "-f",
      "hex",
      "-d",
      "\\t",
      "-0",
    ]);
    expect(parsed.kind).toBe("command");
    if (parsed.kind !== "command") return;
    expect(parsed.command).toMatchObject({
      verb: "sub",
      socketType: "sub",
      connect: ["tcp://127.0.0.1:1", "ipc:///tmp/x"],
      bind: [],
      subscribe: ["a", "b"],
      count: 3,
      timeout: 500,
      format: "hex",
      delimiter: "\t",
      separator: 0,
    });
  });

  it("refuses what does not fit, with UsageError (exit 2)", () => {
    const bad = [
      ["push", "-c", "tcp://127.0.0.1:1", "--subscribe", "x"], // not a sub option
      ["send", "--type", "sub", "-c", "tcp://127.0.0.1:1"],
      ["recv", "--type", "pull", "-s", "x", "-c", "tcp://127.0.0.1:1"],
      ["push", "-c", "tcp://127.0.0.1:1", "-f", "json", "-d", "|"],
      ["push", "-c", "tcp://127.0.0.1:1", "-d", "\\n"],
      ["push", "-c", "tcp://127.0.0.1:1", "--timeout", "0"],
      ["dealer", "-c", "tcp://127.0.0.1:1", "--echo", "hi"],
      ["req", "-c", "tcp://127.0.0.1:1", "--curve-server", "--curve-server-key", "x".repeat(40)],
      ["req", "-c", "tcp://127.0.0.1:1", "--plain-password", "p"],
      [
        "req",
        "-c",
        "tcp://127.0.0.1:1",
        "--curve-server-key",
        "x".repeat(40),
        "--plain-username",
        "u",
      ],
      ["pull", "-c", "tcp://127.0.0.1:1", "--routing-id", "me"],
      ["proxy", "sideways", "--frontend-bind", "tcp://*:1", "--backend-bind", "tcp://*:2"],
      ["keygen", "-f", "hex"],
    ];
    for (const argv of bad) {
      let error: unknown;
      try {
        parseCommand(argv);
      } catch (e) {
        error = e;
      }
      expect(error, argv.join(" ")).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    }
  });
});
