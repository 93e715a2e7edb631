/**
 * The security mechanism contract. A mechanism runs the command exchange that
 * follows the greeting (NULL: READY both ways; PLAIN: HELLO/WELCOME/INITIATE/
 * READY; CURVE adds boxes) and, once done, may transform every frame (CURVE
 * wraps frames in MESSAGE boxes). It never sees sockets or I/O: commands in,
 * commands out.
 */
import type { Metadata } from "./command";
import type { WireError } from "./errors";

/** What the local side advertises in its handshake metadata. */
export interface MechanismContext {
  /** Encoded properties: Socket-Type, Identity (where sent), application X- properties. */
  readonly metadata: Uint8Array;
  /** The local `*_SERVER` option: the role comes only from here, never from the greeting. */
  readonly asServer: boolean;
  /** The peer's ZMTP minor version (0 = 3.0, 1 = 3.1), known once the greeting is read. */
  readonly peerMinor: number;
}

/** The outcome of one handshake step. */
export interface MechanismStep {
  /** Command bodies to send, in order. */
  send?: Uint8Array[];
  /** Set once the handshake is complete: the peer's properties. */
  done?: MechanismResult;
  /** Set when the handshake failed; the connection closes. */
  error?: WireError;
  /**
   * Set when the mechanism waits for something outside the connection (a ZAP
   * reply). The connection stops reading commands until it settles, then applies
   * the step it resolves to (a rejection fails the handshake) and calls the
   * handler's `wake()` so that the owner flushes output.
   */
  pending?: Promise<MechanismStep>;
}

/** What a mechanism learned about the peer by the end of the handshake. */
export interface MechanismResult {
  /** The peer's READY/INITIATE properties (Socket-Type, Identity, X-…). */
  metadata: Metadata;
  /** An authenticated user id (from ZAP), when the mechanism has one. */
  userId?: Uint8Array;
  /** Properties the ZAP handler attached to this peer (RFC 27 metadata frame). */
  zapMetadata?: Metadata;
}

/**
 * Frame transform for the data phase (CURVE). Absent for NULL and PLAIN.
 * `encode` returns the frame to put on the wire; `decode` the plain frame, or an
 * error that closes the connection.
 */
export interface FrameTransform {
  /** The wire frame for a plain frame of `body` with ZMTP `flags` (MORE, COMMAND). */
  encode(body: Uint8Array, flags: number): TransformedFrame;
  /**
   * The plain frame inside a wire frame, or the error that closes the
   * connection. `reused` (only after `copyOut()`): `body`'s memory is written
   * over once `decode` returns, so nothing returned or kept may be a view of it.
   */
  decode(body: Uint8Array, flags: number, reused?: boolean): TransformedFrame | WireError;
  /**
   * Optional, together with `encodeInto`: the length of the wire frame body
   * `encode` would return for a plain body of `length` bytes.
   */
  encodedLength?(length: number): number;
  /**
   * Optional: `encode` written straight into `target` (exactly
   * `encodedLength(body.length)` bytes, e.g. the encoder's slab) instead of
   * returned; the wire frame's flags are 0 (a plain, final frame). The
   * connection uses it for frames its encoder would copy anyway.
   */
  encodeInto?(body: Uint8Array, flags: number, target: Uint8Array): void;
  /**
   * Optional: output chunks the connection handed out (`takeOutput`) have been
   * written and are referenced by nothing else any more. Bodies `encode`
   * returned may be among them, and their memory may then be reused for later
   * frames. Called through `ZmtpConnection.written`; never called for chunks
   * whose write failed or was not confirmed (those memory blocks are simply not reused).
   */
  release?(chunks: readonly Uint8Array[]): void;
  /**
   * Optional: from now on `decode` honours its `reused` argument (returns such
   * a frame's body in memory of its own and keeps nothing of it): the
   * connection may then reuse the memory frames arrive in. One-way.
   */
  copyOut?(): void;
}

/** A frame as a {@link FrameTransform} returns it. */
export interface TransformedFrame {
  /** The frame body. */
  body: Uint8Array;
  /** Its ZMTP frame flags (`FrameFlags`: MORE, COMMAND). */
  flags: number;
}

/**
 * A security mechanism (NULL, PLAIN, CURVE): the handshake commands after the
 * greeting, and for CURVE the transform of every later frame. One instance per
 * connection.
 */
export interface Mechanism {
  /** As written in the greeting: "NULL", "PLAIN", "CURVE". */
  readonly name: string;
  /** Commands to send right after the greeting exchange. */
  start(context: MechanismContext): MechanismStep;
  /** A command body arrived during the handshake. */
  receive(command: Uint8Array): MechanismStep;
  /** Set once the handshake is done, for mechanisms that wrap data frames. */
  readonly transform?: FrameTransform | undefined;
}

/** Makes one mechanism instance per connection. */
export type MechanismFactory = () => Mechanism;
