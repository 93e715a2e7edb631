/**
 * ZMTP 3.x frame flag bits (RFC 23/37 "Framing"). Bits 7–3 are reserved; libzmq
 * ignores them on receive, and so do we.
 */
export const FrameFlags = {
  /** More frames of this message follow. Must be 0 on commands. */
  MORE: 1,
  /** The size field is 8 bytes (uint64 BE) instead of 1. Set by the encoder. */
  LONG: 2,
  /** The frame is a command (`name-len name data`), not message data. */
  COMMAND: 4,
} as const;
