/**
 * The ZMTP 3.0 subscription message (RFC 23): a normal one-frame message whose
 * first byte is `01` (subscribe) or `00` (cancel), followed by the topic. libzmq
 * still sends it to 3.0 peers, accepts it from anyone, and XPUB applications see
 * subscriptions in this form.
 */

/** `01 topic` to subscribe, `00 topic` to cancel. */
export function encodeSubscriptionMessage(subscribe: boolean, topic: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + topic.length);
  out[0] = subscribe ? 1 : 0;
  out.set(topic, 1);
  return out;
}

/**
 * Reads a subscription message; the topic is a zero-copy view. `undefined` when
 * the body is empty or its first byte is neither 0 nor 1 (libzmq then treats the
 * message as ordinary data).
 */
export function decodeSubscriptionMessage(body: Uint8Array):
  | {
      /** True for a subscription (`\x01`), false for a cancellation (`\x00`). */
      subscribe: boolean;
      /** The topic prefix after the first byte. */
      topic: Uint8Array;
    }
  | undefined {
  const first = body[0];
  if (first !== 0 && first !== 1) return undefined;
  return { subscribe: first === 1, topic: body.subarray(1) };
}
