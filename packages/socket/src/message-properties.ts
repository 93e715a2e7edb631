/**
 * Per-message metadata, as libzmq's `zmq_msg_gets()` and pyzmq's `Frame.get()`:
 * each frame received over an authenticated connection carries that
 * connection's properties — `User-Id` and the metadata the ZAP handler returned,
 * the peer's `Socket-Type` and READY metadata (`X-…`), and `Peer-Address`.
 *
 * zeromq.js v6 hands out plain frames (`Buffer`s on Node) with no such API, so the
 * properties ride on the frame in a private class field, stamped onto it from
 * outside (a base constructor that returns the frame makes it the subclass's
 * `this`). Like a WeakMap entry it is invisible to the application (deep equality,
 * `inspect`, `Object.keys` and structured clone do not see it) and goes when the
 * frame does; unlike one it costs a few nanoseconds, where a WeakMap entry cost
 * ~150-200 ns per frame plus ephemeron work in every garbage collection (~10 % of
 * a CURVE receiver's time at 4 KiB). Frames are tagged only on connections whose
 * security mechanism is not NULL or that went through ZAP — the connections that
 * have a `User-Id` and ZAP metadata to expose. Frames from other connections
 * (NULL without ZAP, inproc, udp) have none.
 */

/** The properties of one connection, shared by every frame it delivers. */
export type MessageProperties = Readonly<Record<string, string>>;

/** Returns the object it is given: a subclass constructor then initialises its fields on that object. */
class Stamp {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of this class
    return target;
  }
}

/** The private field that carries a received frame's properties. */
class Tagged extends Stamp {
  #properties: MessageProperties;

  private constructor(frame: object, properties: MessageProperties) {
    super(frame);
    this.#properties = properties;
  }

  /** Sets the properties of `frame` (again, if it has some: the last tag wins, as with a map). */
  static tag(frame: object, properties: MessageProperties): void {
    if (#properties in frame) (frame as Tagged).#properties = properties;
    else new Tagged(frame, properties);
  }

  static of(frame: unknown): MessageProperties | undefined {
    if (typeof frame !== "object" || frame === null) return undefined;
    return #properties in frame ? (frame as Tagged).#properties : undefined;
  }
}

/**
 * The metadata properties of a received frame (every frame of a message has the
 * same), or `undefined` when it came from a connection without authentication.
 *
 * ```ts
 * const [frame] = await server.receive();
 * const user = messageProperty(frame, "User-Id");
 * ```
 */
export function messageProperties(frame: Uint8Array): MessageProperties | undefined {
  return Tagged.of(frame);
}

/** One metadata property of a received frame (see `messageProperties`); names are case-insensitive. */
export function messageProperty(frame: Uint8Array, name: string): string | undefined {
  const properties = Tagged.of(frame);
  if (properties === undefined) return undefined;
  const exact = properties[name];
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const key of Object.keys(properties))
    if (key.toLowerCase() === lower) return properties[key];
  return undefined;
}

/**
 * Tags the frames of one inbound message. The caller passes them already
 * converted by the runtime's `toMessage`, so the objects tagged are the ones the
 * application receives.
 * @internal
 */
export function tagFrames(frames: Uint8Array[], properties: MessageProperties): void {
  for (let i = 0; i < frames.length; i++) Tagged.tag(frames[i]!, properties);
}
