/**
 * Writes src/option-properties.ts, the public declarations of the option
 * properties, from the OPTIONS table (src/options.ts): one interface for the
 * options every socket has, one for the sending and one for the receiving
 * sockets, and one per socket type for its own options, each property with the
 * table's doc, libzmq name, default and effect as its TSDoc.
 *
 *   pnpm --filter @zmq/socket gen:options
 *
 * test/option-properties.test.ts fails while the file differs from what this
 * renders, so a table edit without a regeneration does not pass CI.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SOCKET_TYPE_NUMBER, type SocketType, socketTraits } from "@zmq/patterns";
import {
  OPTIONS,
  type OptionEffect,
  type OptionName,
  type OptionSpec,
  optionApplies,
} from "../src/options";

/** The generated file, relative to this script. */
export const OUTPUT = fileURLToPath(new URL("../src/option-properties.ts", import.meta.url));

/** The class of each socket type (sockets.ts, draft-sockets.ts). */
const CLASS_NAMES: Readonly<Record<SocketType, string>> = {
  PAIR: "Pair",
  PUB: "Publisher",
  SUB: "Subscriber",
  REQ: "Request",
  REP: "Reply",
  DEALER: "Dealer",
  ROUTER: "Router",
  PULL: "Pull",
  PUSH: "Push",
  XPUB: "XPublisher",
  XSUB: "XSubscriber",
  STREAM: "Stream",
  SERVER: "Server",
  CLIENT: "Client",
  RADIO: "Radio",
  DISH: "Dish",
  GATHER: "Gather",
  SCATTER: "Scatter",
  DGRAM: "Datagram",
  PEER: "Peer",
  CHANNEL: "Channel",
};

const EFFECT: Readonly<Record<OptionEffect, string>> = {
  now: "at once",
  "next-connection": "for each connection made after the change",
  "next-bind": "at the next `bind()`",
  "next-connect": "at the next connection attempt",
  close: "when the socket closes",
  never: "never (the value is only stored)",
};

const TS_TYPE: Readonly<Record<OptionSpec["kind"], string>> = {
  int: "number",
  bool: "boolean",
  string: "string | null",
  bytes: "string | null",
};

/** The default as TSDoc text; a default taken from the context names the context's property. */
function defaultText(spec: OptionSpec): string {
  if (typeof spec.default !== "function") return `\`${JSON.stringify(spec.default)}\``;
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  const from = new Proxy(
    {},
    { get: (_target, property) => ({ contextProperty: String(property) }) },
  ) as never;
  const value = (spec.default as (context: never) => unknown)(from) as {
    contextProperty?: string;
  };
  if (typeof value?.contextProperty !== "string") {
    throw new Error("a function default must return a property of the context");
  }
  return `the context's \`${value.contextProperty}\``;
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function property(name: OptionName, spec: OptionSpec): string[] {
  const paragraphs = [
    `\`${spec.zmq}\` (${spec.id}): ${spec.doc}`,
    spec.layer === "inert"
      ? "Accepted and stored for compatibility; nothing reads it."
      : `Takes effect ${EFFECT[spec.effect]}.${
          spec.min === undefined ? "" : ` Less than ${spec.min} fails with EINVAL.`
        }`,
  ];
  const body = paragraphs.flatMap((p, i) => [...(i > 0 ? [""] : []), ...wrap(p, 92)]);
  body.push("", `@defaultValue ${defaultText(spec)}`);
  return [
    "  /**",
    ...body.map((line) => (line === "" ? "   *" : `   * ${line}`)),
    "   */",
    `  ${name}: ${TS_TYPE[spec.kind]};`,
  ];
}

function block(name: string, doc: string, entries: [OptionName, OptionSpec][]): string[] {
  const members = entries.flatMap(([option, spec]) => property(option, spec));
  return [
    `/** ${doc} */`,
    members.length === 0
      ? `// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet\nexport interface ${name} {}`
      : `export interface ${name} {`,
    ...members,
    ...(members.length === 0 ? [] : ["}"]),
    "",
  ];
}

/** The source of src/option-properties.ts for the current table. */
export function renderOptionProperties(): string {
  const entries = (Object.entries(OPTIONS) as [OptionName, OptionSpec][]).filter(
    ([, spec]) => spec.layer !== "security",
  );
  const scoped = (on: OptionSpec["on"]) => entries.filter(([, spec]) => spec.on === on);
  const lines = [
    "// Generated from the OPTIONS table (options.ts) by scripts/gen-options.ts:",
    "// `pnpm --filter @zmq/socket gen:options`. Do not edit by hand.",
    "",
    block("SocketOptionProperties", "The option properties every socket has.", scoped("all")).join(
      "\n",
    ),
    block(
      "SendOptionProperties",
      "The option properties of every socket that sends.",
      scoped("send"),
    ).join("\n"),
    block(
      "ReceiveOptionProperties",
      "The option properties of every socket that receives.",
      scoped("receive"),
    ).join("\n"),
  ];
  for (const type of Object.keys(SOCKET_TYPE_NUMBER) as SocketType[]) {
    const own = entries.filter(
      ([, spec]) =>
        spec.on !== "all" &&
        spec.on !== "send" &&
        spec.on !== "receive" &&
        optionApplies(spec, type, socketTraits(type)),
    );
    lines.push(
      block(
        `${CLASS_NAMES[type]}OptionProperties`,
        `The option properties only some types have, as a ${type} socket has them.`,
        own,
      ).join("\n"),
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, renderOptionProperties());
  console.log(`wrote ${OUTPUT}`);
}
