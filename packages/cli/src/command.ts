/**
 * The command line: verbs, their flags (node:util `parseArgs`, strict), the
 * help text of each verb, and the checks that turn argv into a `Command` or a
 * `UsageError` (exit 2).
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors";
import { FORMATS, type Format } from "./frames";

export const VERBS = [
  "send",
  "recv",
  "req",
  "rep",
  "pub",
  "sub",
  "push",
  "pull",
  "dealer",
  "router",
  "proxy",
  "monitor",
  "keygen",
] as const;
export type Verb = (typeof VERBS)[number];

export const SOCKET_TYPES = [
  "pair",
  "pub",
  "sub",
  "req",
  "rep",
  "dealer",
  "router",
  "pull",
  "push",
  "xpub",
  "xsub",
] as const;
export type SocketTypeName = (typeof SOCKET_TYPES)[number];

const SEND_TYPES: readonly SocketTypeName[] = [
  "pair",
  "pub",
  "dealer",
  "router",
  "push",
  "xpub",
  "xsub",
];
const RECV_TYPES: readonly SocketTypeName[] = [
  "pair",
  "sub",
  "dealer",
  "router",
  "pull",
  "xpub",
  "xsub",
];

export type ProxyKind = "queue" | "forwarder" | "streamer";

export interface Security {
  curveServer: boolean;
  curvePublicKey?: string;
  curveSecretKey?: string;
  curveServerKey?: string;
  curveAllow: string[];
  plainServer: boolean;
  plainUsername?: string;
  plainPassword?: string;
  plainAllow: Array<{ username: string; password: string }>;
}

export interface Command {
  verb: Verb;
  /** The socket type (`--type` for send/recv/monitor, implied by the other verbs). */
  socketType: SocketTypeName;
  bind: string[];
  connect: string[];
  format: Format;
  delimiter: string | undefined;
  /** The byte that ends a record on stdin and stdout: `\n`, or NUL with `-0`. */
  separator: number;
  count: number | undefined;
  timeout: number | undefined;
  linger: number | undefined;
  peers: number;
  delay: number;
  interval: number;
  routingId: string | undefined;
  subscribe: string[];
  echo: boolean;
  verbose: boolean;
  security: Security;
  /** Message frames given as arguments (or, for rep, `-` / a reply). */
  args: string[];
  proxy: {
    kind: ProxyKind;
    frontendBind: string[];
    frontendConnect: string[];
    backendBind: string[];
    backendConnect: string[];
    capture: string | undefined;
  };
}

// ---- flags -------------------------------------------------------------------------

interface Flag {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's name in the help. */
  arg?: string;
  help: string;
}

const FLAGS = {
  bind: {
    type: "string",
    short: "b",
    multiple: true,
    arg: "ENDPOINT",
    help: "bind to ENDPOINT (tcp://, ipc://); repeatable",
  },
  connect: {
    type: "string",
    short: "c",
    multiple: true,
    arg: "ENDPOINT",
    help: "connect to ENDPOINT (tcp://, ipc://); repeatable",
  },
  type: { type: "string", arg: "TYPE", help: "socket type" },
  format: {
    type: "string",
    short: "f",
    arg: "FORMAT",
    help: "text (raw bytes, default), hex or json, for arguments, stdin and stdout",
  },
  delimiter: {
    type: "string",
    short: "d",
    arg: "STR",
    help: "splits a record into frames and joins frames on output (text: none in, tab out; hex: space); \\t \\n \\0 \\\\ are understood",
  },
  null: {
    type: "boolean",
    short: "0",
    help: "records on stdin and stdout end with NUL instead of a newline",
  },
  count: {
    type: "string",
    short: "n",
    arg: "N",
    help: "stop after N messages (see above)",
  },
  timeout: {
    type: "string",
    short: "t",
    arg: "MS",
    help: "give up (exit 3) when a message cannot be received or sent within MS milliseconds",
  },
  linger: {
    type: "string",
    arg: "MS",
    help: "how long unsent messages may delay exit (default: --timeout if given, else until sent)",
  },
  peers: {
    type: "string",
    arg: "N",
    help: "before sending, wait until N peers completed their handshake (pub: sent a subscription)",
  },
  delay: { type: "string", arg: "MS", help: "wait MS milliseconds before the first send" },
  interval: { type: "string", arg: "MS", help: "wait MS milliseconds between messages sent" },
  "routing-id": { type: "string", arg: "ID", help: "this socket's routing id (ZMQ_ROUTING_ID)" },
  subscribe: {
    type: "string",
    short: "s",
    multiple: true,
    arg: "PREFIX",
    help: "receive messages starting with PREFIX; repeatable (default: everything)",
  },
  echo: { type: "boolean", help: "send every message received straight back" },
  "curve-server": { type: "boolean", help: "be a CURVE server (needs --curve-secret-key)" },
  "curve-secret-key": { type: "string", arg: "Z85", help: "this socket's CURVE secret key" },
  "curve-public-key": { type: "string", arg: "Z85", help: "this socket's CURVE public key" },
  "curve-server-key": {
    type: "string",
    arg: "Z85",
    help: "be a CURVE client of the server with this public key (own key pair generated unless given)",
  },
  "curve-allow": {
    type: "string",
    multiple: true,
    arg: "Z85",
    help: "CURVE server: accept only clients with this public key; repeatable",
  },
  "plain-server": { type: "boolean", help: "be a PLAIN server (any user unless --plain-allow)" },
  "plain-username": { type: "string", arg: "NAME", help: "be a PLAIN client with this user name" },
  "plain-password": { type: "string", arg: "PASS", help: "the PLAIN client's password" },
  "plain-allow": {
    type: "string",
    multiple: true,
    arg: "USER:PASS",
    help: "PLAIN server: accept only these credentials; repeatable",
  },
  verbose: {
    type: "boolean",
    short: "v",
    help: "print the socket's events (connect, handshake, disconnect…) on stderr",
  },
  help: { type: "boolean", short: "h", help: "show this help" },
  "frontend-bind": { type: "string", multiple: true, arg: "ENDPOINT", help: "bind the front end" },
  "frontend-connect": {
    type: "string",
    multiple: true,
    arg: "ENDPOINT",
    help: "connect the front end",
  },
  "backend-bind": { type: "string", multiple: true, arg: "ENDPOINT", help: "bind the back end" },
  "backend-connect": {
    type: "string",
    multiple: true,
    arg: "ENDPOINT",
    help: "connect the back end",
  },
  capture: {
    type: "string",
    arg: "ENDPOINT",
    help: "bind a PUB socket here that gets a copy of every message forwarded",
  },
} satisfies Record<string, Flag>;

type FlagName = keyof typeof FLAGS;

const ENDPOINTS: FlagName[] = ["bind", "connect"];
const IO: FlagName[] = ["format", "delimiter", "null"];
const SECURITY: FlagName[] = [
  "curve-server",
  "curve-secret-key",
  "curve-public-key",
  "curve-server-key",
  "curve-allow",
  "plain-server",
  "plain-username",
  "plain-password",
  "plain-allow",
];
const COMMON: FlagName[] = ["count", "timeout", "linger", "verbose", "help"];
const SENDING: FlagName[] = ["peers", "delay", "interval"];

interface VerbSpec {
  usage: string;
  summary: string;
  details: string;
  flags: FlagName[];
  /** What positional arguments mean. */
  positionals: "message" | "reply" | "kind" | "none";
  /** The socket type, or the `--type` default and the allowed types. */
  socket: SocketTypeName | { default: SocketTypeName; allowed: readonly SocketTypeName[] };
}

const MESSAGE_SOURCE =
  "The message is the arguments, one frame each (split further by --delimiter; hex with --format hex); with no arguments, every record (line, or NUL-terminated with -0) read from stdin is a message.";

const SPECS: Record<Verb, VerbSpec> = {
  send: {
    usage: "zmq send [--type TYPE] (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "send messages, then exit",
    details: `${MESSAGE_SOURCE} --count N sends the argument message N times (default once) or at most N records. --type: ${SEND_TYPES.join(", ")} (default push).`,
    flags: [...ENDPOINTS, "type", ...IO, ...SECURITY, ...COMMON, ...SENDING, "routing-id"],
    positionals: "message",
    socket: { default: "push", allowed: SEND_TYPES },
  },
  recv: {
    usage: "zmq recv [--type TYPE] (--bind|--connect) ENDPOINT",
    summary: "receive and print messages (one unless --count), then exit",
    details: `Prints each message received as one record on stdout. --count N: how many (default 1). --type: ${RECV_TYPES.join(", ")} (default pull).`,
    flags: [...ENDPOINTS, "type", ...IO, ...SECURITY, ...COMMON, "subscribe", "routing-id"],
    positionals: "none",
    socket: { default: "pull", allowed: RECV_TYPES },
  },
  req: {
    usage: "zmq req (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "send requests and print each reply (REQ)",
    details: `${MESSAGE_SOURCE} Each request waits for its reply, printed as one record. --count N repeats the argument request N times or stops after N records.`,
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, ...SENDING, "routing-id"],
    positionals: "message",
    socket: "req",
  },
  rep: {
    usage: "zmq rep (--bind|--connect) ENDPOINT [FRAME…|-]",
    summary: "answer requests (REP), printing each request",
    details:
      "Each request is printed as one record. The reply is the request itself (echo) when no arguments are given, the argument frames when given, or the next record read from stdin with the single argument '-'. --count N: stop after N requests (default: never).",
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, "routing-id"],
    positionals: "reply",
    socket: "rep",
  },
  pub: {
    usage: "zmq pub (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "publish messages (PUB)",
    details: `${MESSAGE_SOURCE} Subscribers that join late miss earlier messages: use --peers N (waits for N subscriptions) or --delay. --count N repeats the argument message N times (with --interval) or stops after N records.`,
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, ...SENDING],
    positionals: "message",
    socket: "pub",
  },
  sub: {
    usage: "zmq sub (--bind|--connect) ENDPOINT [--subscribe PREFIX…]",
    summary: "print published messages (SUB)",
    details:
      "Subscribes to every --subscribe prefix (to everything when none is given) and prints each message as one record. --count N: stop after N messages (default: never).",
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, "subscribe"],
    positionals: "none",
    socket: "sub",
  },
  push: {
    usage: "zmq push (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "push messages to pullers (PUSH)",
    details: `${MESSAGE_SOURCE} --count N repeats the argument message N times or stops after N records. Waits for a puller when none is connected.`,
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, ...SENDING],
    positionals: "message",
    socket: "push",
  },
  pull: {
    usage: "zmq pull (--bind|--connect) ENDPOINT",
    summary: "print messages pushed to this socket (PULL)",
    details:
      "Prints each message as one record. --count N: stop after N messages (default: never).",
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON],
    positionals: "none",
    socket: "pull",
  },
  dealer: {
    usage: "zmq dealer (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "send and receive at once (DEALER)",
    details: `Sends the argument message once (or, with no arguments, every record from stdin; or with --echo, every message received back) and prints every message received. A REP peer needs an empty first frame: zmq dealer -c EP '' hello. --count N: stop after N messages received (default: never).`,
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, ...SENDING, "routing-id", "echo"],
    positionals: "message",
    socket: "dealer",
  },
  router: {
    usage: "zmq router (--bind|--connect) ENDPOINT [FRAME…]",
    summary: "send and receive by routing id (ROUTER)",
    details:
      "Prints every message received with the sender's routing id as the first frame (binary for libzmq peers: use --format hex or json). Messages to send (arguments or stdin records) start with the peer's routing id. --echo sends every message back to its sender. --count N: stop after N messages received (default: never).",
    flags: [...ENDPOINTS, ...IO, ...SECURITY, ...COMMON, ...SENDING, "routing-id", "echo"],
    positionals: "message",
    socket: "router",
  },
  proxy: {
    usage:
      "zmq proxy [queue|forwarder|streamer] --frontend-bind EP --backend-bind EP [--capture EP]",
    summary: "forward messages between two sockets (zmq_proxy)",
    details:
      "queue (default): ROUTER front end, DEALER back end, for REQ clients and REP workers. forwarder: XSUB front end (publishers connect here), XPUB back end (subscribers). streamer: PULL front end, PUSH back end. Runs until SIGINT or SIGTERM.",
    flags: [
      "frontend-bind",
      "frontend-connect",
      "backend-bind",
      "backend-connect",
      "capture",
      "verbose",
      "help",
    ],
    positionals: "kind",
    socket: "router",
  },
  monitor: {
    usage: "zmq monitor [--type TYPE] (--bind|--connect) ENDPOINT",
    summary: "print a socket's events live (connect, handshake, disconnect, errors)",
    details:
      "Opens a socket of --type (default dealer; any type) on the endpoints and prints each event as one line (text: time, event, endpoint, details; json: one object per line). Messages it receives are discarded. --count N: stop after N events; --timeout MS: exit 3 when no event comes for MS.",
    flags: [
      ...ENDPOINTS,
      "type",
      "format",
      ...SECURITY,
      "count",
      "timeout",
      "subscribe",
      "routing-id",
      "help",
    ],
    positionals: "none",
    socket: { default: "dealer", allowed: SOCKET_TYPES },
  },
  keygen: {
    usage: "zmq keygen [--format text|json]",
    summary: "print a new CURVE key pair in Z85",
    details:
      'Text: two lines, "public-key <Z85>" and "secret-key <Z85>". JSON: {"publicKey": …, "secretKey": …}.',
    flags: ["format", "help"],
    positionals: "none",
    socket: "pair",
  },
};

const EXIT_HELP = `Exit status:
  0    done
  1    failed at run time (socket error, bad input record, handshake refused)
  2    bad usage: unknown verb or flag, bad value, bad or unusable endpoint
  3    --timeout expired
  130  interrupted (SIGINT); 143 for SIGTERM`;

/** The help of one verb. */
export function verbHelp(verb: Verb): string {
  const spec = SPECS[verb];
  const rows = spec.flags.map((name) => {
    const flag: Flag = FLAGS[name];
    const short = flag.short ? `-${flag.short}, ` : "    ";
    let left = `${short}--${name}${flag.arg ? ` ${flag.arg}` : ""}`;
    if (name === "type" && typeof spec.socket === "object") {
      left = `    --type ${spec.socket.allowed.join("|")}`;
    }
    return [left, flag.help] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const indent = " ".repeat(width + 2);
  const lines = rows.map(([left, help]) => {
    const text = wrap(help, 100 - indent.length)
      .split("\n")
      .join(`\n${indent}`);
    return left.length + 2 > width
      ? `  ${left}\n${indent}${text}`
      : `  ${left.padEnd(width)}${text}`;
  });
  return `Usage: ${spec.usage}

${capitalise(spec.summary)}.
${wrap(spec.details, 100)}

Options:
${lines.join("\n")}

${EXIT_HELP}
`;
}

/** The help of `zmq` itself. */
export function mainHelp(): string {
  const width = Math.max(...VERBS.map((v) => v.length)) + 2;
  return `Usage: zmq VERB [options] [FRAME…]

A ZeroMQ command line (pure TypeScript, @zmq/node).

Verbs:
${VERBS.map((v) => `  ${v.padEnd(width)}${SPECS[v].summary}`).join("\n")}

Run "zmq VERB --help" for the options of a verb. Examples:
  zmq rep --bind tcp://127.0.0.1:5555
  zmq req --connect tcp://127.0.0.1:5555 hello
  zmq sub --connect tcp://127.0.0.1:5556 --subscribe weather --format json
  seq 10 | zmq push --connect tcp://127.0.0.1:5557
  zmq keygen

${EXIT_HELP}
`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) out.push(line);
  return out.join("\n");
}

// ---- parsing -------------------------------------------------------------------------

export type Parsed =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "command"; command: Command };

function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

/** argv (without node and the script) into a command, help, or a UsageError. */
export function parseCommand(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === "help" && rest[0] !== undefined) {
      if (!isVerb(rest[0])) throw new UsageError(`unknown verb "${rest[0]}" (see zmq --help)`);
      return { kind: "help", text: verbHelp(rest[0]) };
    }
    return { kind: "help", text: mainHelp() };
  }
  if (first === "--version" || first === "-V") return { kind: "version" };
  if (!isVerb(first)) {
    if (first.startsWith("-")) {
      throw new UsageError(`expected a verb before ${first} (see zmq --help)`);
    }
    throw new UsageError(`unknown verb "${first}" (see zmq --help)`);
  }
  const verb = first;
  const spec = SPECS[verb];
  const options: Record<string, Flag> = {};
  for (const name of spec.flags) options[name] = FLAGS[name];

  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      options: options as NonNullable<ParseArgsConfig["options"]>,
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError(`zmq ${verb}: ${parseArgsMessage(error)} (see zmq ${verb} --help)`);
  }
  if (values.help === true) return { kind: "help", text: verbHelp(verb) };
  return { kind: "command", command: toCommand(verb, spec, values, positionals) };
}

function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = String((error as Error).message ?? error).split("\n")[0]!;
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${quoted ?? message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      // "Option '-c, --connect <value>' argument missing" and the like.
      if (/argument missing/.test(message) && quoted) {
        return `${quoted.replace(/ <value>$/, "")} needs a value`;
      }
      if (/does not take an argument/.test(message) && quoted) {
        return `${quoted} takes no value`;
      }
      if (/argument is ambiguous/.test(message) && quoted) {
        // A value that starts with "-" (a Z85 key can): it must be attached with "=".
        const name = quoted.replace(/ <value>$/, "").replace(/^-\w, /, "");
        return `${name}'s value starts with "-": write it as ${name}=VALUE`;
      }
      return message;
    default:
      return message;
  }
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function str(values: Values, name: FlagName): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function list(values: Values, name: FlagName): string[] {
  const value = values[name];
  return Array.isArray(value) ? (value as string[]) : [];
}

function flag(values: Values, name: FlagName): boolean {
  return values[name] === true;
}

function integer(values: Values, name: FlagName, min: number): number | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`--${name} needs a whole number, got "${text}"`);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be at least ${min}, got "${text}"`);
  }
  return value;
}

function unescapeDelimiter(text: string): string {
  return text.replace(/\\(.)/g, (whole, c: string) => {
    switch (c) {
      case "t":
        return "\t";
      case "n":
        return "\n";
      case "0":
        return "\0";
      case "\\":
        return "\\";
      default:
        return whole;
    }
  });
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

function curveKey(values: Values, name: FlagName): string | undefined {
  const key = str(values, name);
  if (key !== undefined && !Z85_KEY.test(key)) {
    throw new UsageError(`--${name} needs a CURVE key as 40 Z85 characters (see zmq keygen)`);
  }
  return key;
}

function toCommand(verb: Verb, spec: VerbSpec, values: Values, positionals: string[]): Command {
  const format = (str(values, "format") ?? "text") as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be text, hex or json, got "${format}"`);
  }
  if (verb === "keygen" && format === "hex") {
    throw new UsageError("zmq keygen: --format must be text or json");
  }
  if (verb === "monitor" && format === "hex") {
    throw new UsageError("zmq monitor: --format must be text or json");
  }
  const rawDelimiter = str(values, "delimiter");
  const delimiter = rawDelimiter === undefined ? undefined : unescapeDelimiter(rawDelimiter);
  if (delimiter !== undefined) {
    if (format === "json") throw new UsageError("--delimiter does not apply to --format json");
    if (delimiter === "") throw new UsageError("--delimiter must not be empty");
  }
  const separator = flag(values, "null") ? 0 : 10;
  if (delimiter?.includes(String.fromCharCode(separator))) {
    throw new UsageError(
      `--delimiter must not contain the record separator (${separator === 0 ? "NUL" : "newline"})`,
    );
  }

  let socketType: SocketTypeName;
  if (typeof spec.socket === "string") {
    socketType = spec.socket;
  } else {
    const type = (str(values, "type") ?? spec.socket.default) as SocketTypeName;
    if (!spec.socket.allowed.includes(type)) {
      throw new UsageError(
        `zmq ${verb}: --type must be one of ${spec.socket.allowed.join(", ")}, got "${type}"`,
      );
    }
    socketType = type;
  }

  const subscribe = list(values, "subscribe");
  if (subscribe.length > 0 && socketType !== "sub") {
    throw new UsageError(`--subscribe needs a sub socket (--type sub), not ${socketType}`);
  }
  const routingId = str(values, "routing-id");
  if (routingId !== undefined && !["req", "rep", "dealer", "router"].includes(socketType)) {
    throw new UsageError(`--routing-id applies to req, rep, dealer and router sockets only`);
  }
  if (routingId === "" || (routingId !== undefined && Buffer.byteLength(routingId) > 255)) {
    throw new UsageError("--routing-id must be 1 to 255 bytes");
  }

  const bind = list(values, "bind");
  const connect = list(values, "connect");
  const proxy = {
    kind: "queue" as ProxyKind,
    frontendBind: list(values, "frontend-bind"),
    frontendConnect: list(values, "frontend-connect"),
    backendBind: list(values, "backend-bind"),
    backendConnect: list(values, "backend-connect"),
    capture: str(values, "capture"),
  };

  switch (spec.positionals) {
    case "none":
      if (positionals.length > 0) {
        throw new UsageError(
          `zmq ${verb} takes no arguments, got "${positionals[0]}" (see zmq ${verb} --help)`,
        );
      }
      break;
    case "kind": {
      if (positionals.length > 1) throw new UsageError(`zmq proxy takes one kind, got more`);
      const kind = positionals[0] ?? "queue";
      if (kind !== "queue" && kind !== "forwarder" && kind !== "streamer") {
        throw new UsageError(`zmq proxy: kind must be queue, forwarder or streamer, got "${kind}"`);
      }
      proxy.kind = kind;
      if (proxy.frontendBind.length + proxy.frontendConnect.length === 0) {
        throw new UsageError("zmq proxy needs --frontend-bind or --frontend-connect");
      }
      if (proxy.backendBind.length + proxy.backendConnect.length === 0) {
        throw new UsageError("zmq proxy needs --backend-bind or --backend-connect");
      }
      break;
    }
    case "reply":
    case "message":
      break;
  }

  if (verb !== "keygen" && verb !== "proxy" && bind.length + connect.length === 0) {
    throw new UsageError(`zmq ${verb} needs --bind or --connect (see zmq ${verb} --help)`);
  }

  const echo = flag(values, "echo");
  if (echo && positionals.length > 0) {
    throw new UsageError("--echo sends what it receives: give no message arguments with it");
  }

  const security = toSecurity(values);

  const timeout = integer(values, "timeout", 1);
  const count = integer(values, "count", 1);
  return {
    verb,
    socketType,
    bind,
    connect,
    format,
    delimiter,
    separator,
    count,
    timeout,
    linger: integer(values, "linger", 0),
    peers: integer(values, "peers", 0) ?? 0,
    delay: integer(values, "delay", 0) ?? 0,
    interval: integer(values, "interval", 0) ?? 0,
    routingId,
    subscribe,
    echo,
    verbose: flag(values, "verbose"),
    security,
    args: positionals,
    proxy,
  };
}

function toSecurity(values: Values): Security {
  const curveServer = flag(values, "curve-server");
  const curveSecretKey = curveKey(values, "curve-secret-key");
  const curvePublicKey = curveKey(values, "curve-public-key");
  const curveServerKey = curveKey(values, "curve-server-key");
  const curveAllow = list(values, "curve-allow");
  for (const key of curveAllow) {
    if (!Z85_KEY.test(key)) {
      throw new UsageError("--curve-allow needs a CURVE public key as 40 Z85 characters");
    }
  }
  const plainServer = flag(values, "plain-server");
  const plainUsername = str(values, "plain-username");
  const plainPassword = str(values, "plain-password");
  const plainAllow = list(values, "plain-allow").map((entry) => {
    const at = entry.indexOf(":");
    if (at <= 0) throw new UsageError(`--plain-allow needs USER:PASS, got "${entry}"`);
    return { username: entry.slice(0, at), password: entry.slice(at + 1) };
  });

  const curve =
    curveServer ||
    curveSecretKey !== undefined ||
    curvePublicKey !== undefined ||
    curveServerKey !== undefined ||
    curveAllow.length > 0;
  const plain =
    plainServer ||
    plainUsername !== undefined ||
    plainPassword !== undefined ||
    plainAllow.length > 0;
  if (curve && plain) throw new UsageError("choose CURVE or PLAIN security, not both");
  if (curve) {
    if (curveServer && curveServerKey !== undefined) {
      throw new UsageError(
        "--curve-server and --curve-server-key exclude each other (server or client?)",
      );
    }
    if (curveServer && curveSecretKey === undefined) {
      throw new UsageError("--curve-server needs --curve-secret-key (see zmq keygen)");
    }
    if (!curveServer && curveServerKey === undefined) {
      throw new UsageError(
        "CURVE keys need --curve-server (to serve) or --curve-server-key (to connect as a client)",
      );
    }
    if (!curveServer && curveAllow.length > 0) {
      throw new UsageError("--curve-allow applies to a --curve-server");
    }
    if (!curveServer && (curvePublicKey === undefined) !== (curveSecretKey === undefined)) {
      throw new UsageError(
        "a CURVE client needs both --curve-public-key and --curve-secret-key, or neither",
      );
    }
  }
  if (plain) {
    if (plainServer && (plainUsername !== undefined || plainPassword !== undefined)) {
      throw new UsageError("--plain-server takes --plain-allow, not a user name or password");
    }
    if (!plainServer && plainAllow.length > 0) {
      throw new UsageError("--plain-allow applies to a --plain-server");
    }
    if (!plainServer && plainUsername === undefined) {
      throw new UsageError("a PLAIN client needs --plain-username (and --plain-password)");
    }
  }
  const security: Security = { curveServer, curveAllow, plainServer, plainAllow };
  if (curvePublicKey !== undefined) security.curvePublicKey = curvePublicKey;
  if (curveSecretKey !== undefined) security.curveSecretKey = curveSecretKey;
  if (curveServerKey !== undefined) security.curveServerKey = curveServerKey;
  if (plainUsername !== undefined) security.plainUsername = plainUsername;
  if (plainPassword !== undefined) security.plainPassword = plainPassword;
  return security;
}
