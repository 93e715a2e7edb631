/**
 * `@zmq/wire`: a sans-I/O ZMTP 3.1 codec, byte-compatible with libzmq. It turns
 * bytes into greetings, frames and commands and back; it does no I/O and imports
 * nothing from `node:`, so it also runs in browsers and workers.
 *
 * @example
 * ```ts
 * import {
 *   FrameDecoder, FrameEncoder, FrameFlags, GreetingDecoder,
 *   decodeCommand, encodeGreeting, encodeReady, utf8Decode, utf8Encode,
 * } from "@zmq/wire";
 *
 * // What a DEALER writes on a fresh connection: greeting, READY, one message.
 * const encoder = new FrameEncoder();
 * encoder.command(encodeReady([["Socket-Type", "DEALER"], ["Identity", ""]]));
 * encoder.message([utf8Encode("hello"), utf8Encode("world")]);
 * const bytes = [encodeGreeting(), ...encoder.flush()];
 *
 * // The receiving side: greeting first, then frames.
 * const greetings = new GreetingDecoder();
 * const frames = new FrameDecoder((body, flags) => {
 *   if (flags & FrameFlags.COMMAND) console.log(decodeCommand(body));
 *   else console.log(utf8Decode(body), flags & FrameFlags.MORE ? "(more)" : "");
 * }, { maxMessageSize: 1 << 20 });
 * let greetingDone = false;
 * for (const chunk of bytes) {
 *   if (!greetingDone) {
 *     const result = greetings.push(chunk);
 *     if (result.status === "error") throw result.error;
 *     if (result.status === "partial") continue;
 *     greetingDone = true;
 *     console.log(result.greeting); // { major: 3, minor: 1, mechanism: "NULL", asServer: false }
 *     frames.push(result.rest);
 *   } else {
 *     const error = frames.push(chunk);
 *     if (error) throw error;
 *   }
 * }
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/wire
 */
export * from "./bytes";
export * from "./command";
export * from "./connection";
export * from "./errors";
export * from "./frame";
export * from "./frame-decoder";
export * from "./frame-encoder";
export * from "./greeting";
export * from "./heartbeat";
export * from "./mechanism";
export * from "./null-mechanism";
export * from "./plain-mechanism";
export * from "./radio-datagram";
export * from "./sha1";
export * from "./socket-types";
export * from "./stream-engine";
export * from "./subscription-message";
export * from "./ws-frame";
export * from "./ws-handshake";
export * from "./z85";
export * from "./zap";
export * from "./zws-connection";
export * from "./zws-engine";
