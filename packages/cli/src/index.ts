/**
 * @zmq/cli — `zmq`, a ZeroMQ command line on `@zmq/node` (pure TypeScript, no
 * native build): send, receive, request/reply, publish/subscribe, push/pull,
 * dealer/router, a proxy, a live event monitor and CURVE key generation, with
 * messages from arguments or streamed over stdin/stdout as text, hex or JSON.
 *
 * ```sh
 * npx @zmq/cli rep --bind tcp://127.0.0.1:5555 &
 * npx @zmq/cli req --connect tcp://127.0.0.1:5555 hello   # prints "hello"
 * ```
 *
 * The same command line runs in-process:
 *
 * ```ts
 * import { run } from "@zmq/cli";
 *
 * const code = await run(["keygen", "--format", "json"]); // prints a key pair, resolves to 0
 * ```
 *
 * @packageDocumentation
 */
export {
  type Command,
  mainHelp,
  type Parsed,
  parseCommand,
  SOCKET_TYPES,
  type SocketTypeName,
  VERBS,
  type Verb,
  verbHelp,
} from "./command";
export { CliError, ExitCode, InputError, TimeoutError, UsageError } from "./errors";
export { type Format, type FrameCodec, frameCodec } from "./frames";
export { type CliIO, RecordWriter, records } from "./io";
export { cliVersion, type RunOptions, run } from "./run";
