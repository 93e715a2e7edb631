/**
 * The CURVE server, as libzmq's `curve_server.cpp`:
 *
 * - HELLO must be exactly 200 bytes with version 1.0 and a signature box that
 *   opens with the server's long-term secret key (else `ZMTP_CRYPTOGRAPHIC`:
 *   the client has the wrong server key).
 * - WELCOME carries S′ and a cookie = secretbox[C′ ‖ s′] under a cookie key that
 *   is fresh for every WELCOME and forgotten once INITIATE has been checked
 *   (cookie key rotation: a cookie is worth one connection, never replayable
 *   against another).
 * - INITIATE (≥ 257 bytes): the cookie must open and name this connection's C′
 *   and s′; the box must open; the vouch must open with C and s′ and contain C′
 *   (else `ZMTP_KEY_EXCHANGE`).
 * - Then ZAP with credential C, as libzmq: consulted when a ZAP domain is set or
 *   `zapEnforceDomain` is off; with no handler the client is accepted
 *   ("Stonehouse") unless `zapEnforceDomain` is on.
 * - READY = Box[metadata](S′→C′) with short nonce 1; messages follow from 2.
 */
import {
  type Allocate,
  allocateZeroed,
  consultZap,
  decodeMetadata,
  isCommand,
  type Mechanism,
  type MechanismContext,
  type MechanismStep,
  type Metadata,
  noZapHandler,
  ProtocolError,
  WireError,
  type ZapOptions,
  type ZapReply,
  zapResult,
} from "@zmq/wire";
import { CurveCodec, NonceCounter, nonceWithPrefix, readU32 } from "./curve-codec";
import { decodeCurveKey } from "./keys";
import {
  beforenm,
  box,
  boxAfter,
  boxKeyPair,
  boxOpen,
  isReady,
  type KeyPair,
  randomBytes,
  ready,
  secretbox,
  secretboxOpen,
  wipe,
} from "./nacl";
import { ascii, commandName, concat, fail, unexpected } from "./util";

export interface CurveServerOptions extends ZapOptions {
  /** ZMQ_CURVE_SECRETKEY: the server's long-term secret key s. */
  secretKey: string | Uint8Array;
  /** Memory for MESSAGE frames and opened bodies (see @zmq/wire `Allocate`); default zero-filled. */
  allocate?: Allocate | undefined;
}

type State = "hello" | "initiate" | "zap" | "done" | "failed";

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * The server side of the CURVE handshake (WELCOME, READY) as a `@zmq/wire`
 * mechanism, with an optional ZAP check of the client's public key; once
 * READY it seals and opens every frame of the connection.
 */
export class CurveServer implements Mechanism {
  readonly name = "CURVE";
  readonly #secretKey: Uint8Array;
  readonly #zap: ZapOptions;
  #state: State = "hello";
  #metadata: Uint8Array = new Uint8Array(0);
  #transient: KeyPair | undefined;
  #clientTransient: Uint8Array | undefined;
  #cookieKey: Uint8Array | undefined;
  #precomputed: Uint8Array | undefined;
  readonly #counter = new NonceCounter(1);
  #peerHi = 0;
  #peerLo = 0;
  #codec: CurveCodec | undefined;

  readonly #allocate: Allocate;

  /** Throws a `WireError` (EINVAL) when the key is not 40 Z85 characters or 32 bytes. */
  constructor(options: CurveServerOptions) {
    this.#secretKey = decodeCurveKey(options.secretKey);
    this.#allocate = options.allocate ?? allocateZeroed;
    const { secretKey: _, allocate: __, ...zap } = options;
    this.#zap = zap;
  }

  get transform(): CurveCodec | undefined {
    return this.#codec;
  }

  start(context: MechanismContext): MechanismStep {
    this.#metadata = context.metadata;
    return isReady() ? {} : { pending: ready().then(() => ({})) };
  }

  receive(body: Uint8Array): MechanismStep {
    const step = this.#receive(body);
    if (step.error) this.#fail();
    return step;
  }

  #fail(): void {
    this.#state = "failed";
    if (this.#cookieKey) wipe(this.#cookieKey);
    if (this.#transient) wipe(this.#transient.secretKey);
  }

  #receive(body: Uint8Array): MechanismStep {
    if (this.#state === "hello") {
      if (!isCommand(body, "HELLO")) return unexpected(commandName(body));
      return this.#hello(body);
    }
    if (this.#state === "initiate") {
      if (!isCommand(body, "INITIATE")) return unexpected(commandName(body));
      return this.#initiate(body);
    }
    return fail(
      "unexpected-command",
      `unexpected ${commandName(body)} in CURVE handshake`,
      ProtocolError.ZMTP_UNSPECIFIED,
    );
  }

  #hello(body: Uint8Array): MechanismStep {
    if (body.length !== 200) {
      return fail(
        "malformed-command",
        `HELLO of ${body.length} bytes, expected 200`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
      );
    }
    if (body[6] !== 1 || body[7] !== 0) {
      return fail(
        "malformed-command",
        `HELLO version ${body[6]}.${body[7]}, expected 1.0`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_HELLO,
      );
    }
    const clientTransient = body.slice(80, 112);
    const nonce = concat([ascii("CurveZMQHELLO---"), body.subarray(112, 120)]);
    this.#peerHi = readU32(body, 112);
    this.#peerLo = readU32(body, 116);
    if (boxOpen(body.subarray(120, 200), nonce, clientTransient, this.#secretKey) === undefined) {
      return fail(
        "cryptographic",
        "cannot open HELLO: the client has the wrong server key?",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
      );
    }
    this.#clientTransient = clientTransient;
    const transient = boxKeyPair();
    this.#transient = transient;
    // Cookie = secretbox[C′ ‖ s′] under a fresh cookie key, nonce "COOKIE--" ‖ 16 random bytes.
    const cookieNonce = concat([ascii("COOKIE--"), randomBytes(16)]);
    this.#cookieKey = randomBytes(32);
    const cookie = secretbox(
      concat([clientTransient, transient.secretKey]),
      cookieNonce,
      this.#cookieKey,
    );
    const welcomeNonce = concat([ascii("WELCOME-"), randomBytes(16)]);
    const sealed = box(
      concat([transient.publicKey, cookieNonce.subarray(8), cookie]),
      welcomeNonce,
      clientTransient,
      this.#secretKey,
    );
    this.#state = "initiate";
    return { send: [concat([ascii("\x07WELCOME"), welcomeNonce.subarray(8), sealed])] };
  }

  #initiate(body: Uint8Array): MechanismStep {
    if (body.length < 257) {
      return fail(
        "malformed-command",
        `INITIATE of ${body.length} bytes is too short`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_INITIATE,
      );
    }
    const transient = this.#transient!;
    const cookieKey = this.#cookieKey!;
    const cookie = secretboxOpen(
      body.subarray(25, 105),
      concat([ascii("COOKIE--"), body.subarray(9, 25)]),
      cookieKey,
    );
    // The cookie key has done its job: forget it, so no cookie can be reused.
    wipe(cookieKey);
    this.#cookieKey = undefined;
    if (cookie === undefined) {
      return fail(
        "cryptographic",
        "cannot open the INITIATE cookie",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
      );
    }
    if (
      !equal(cookie.subarray(0, 32), this.#clientTransient!) ||
      !equal(cookie.subarray(32, 64), transient.secretKey)
    ) {
      return fail(
        "cryptographic",
        "the INITIATE cookie is not this connection's",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
      );
    }
    const nonce = concat([ascii("CurveZMQINITIATE"), body.subarray(105, 113)]);
    this.#peerHi = readU32(body, 105);
    this.#peerLo = readU32(body, 109);
    const plain = boxOpen(body.subarray(113), nonce, this.#clientTransient!, transient.secretKey);
    if (plain === undefined || plain.length < 128) {
      return fail("cryptographic", "cannot open INITIATE", ProtocolError.ZMTP_CRYPTOGRAPHIC);
    }
    const clientKey = plain.slice(0, 32);
    const vouch = boxOpen(
      plain.subarray(48, 128),
      concat([ascii("VOUCH---"), plain.subarray(32, 48)]),
      clientKey,
      transient.secretKey,
    );
    if (vouch === undefined) {
      return fail(
        "cryptographic",
        "cannot open the INITIATE vouch",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
      );
    }
    if (!equal(vouch.subarray(0, 32), this.#clientTransient!)) {
      return fail(
        "unexpected-command",
        "the vouch does not name this connection's key",
        ProtocolError.ZMTP_KEY_EXCHANGE,
      );
    }
    this.#precomputed = beforenm(this.#clientTransient!, transient.secretKey);
    wipe(transient.secretKey);
    const metadata = decodeMetadata(plain.subarray(128));
    if (metadata instanceof WireError) {
      return fail("invalid-metadata", metadata.message, ProtocolError.ZMTP_INVALID_METADATA);
    }
    this.#state = "zap";
    const accept = (reply: ZapReply | undefined) => this.#ready(metadata, reply);
    const zap = this.#zap;
    if (zap.zapDomain || !zap.zapEnforceDomain) {
      return consultZap(zap, "CURVE", [clientKey], accept, () =>
        zap.zapEnforceDomain ? noZapHandler("CURVE") : accept(undefined),
      );
    }
    // libzmq: no domain and zapEnforceDomain set → no ZAP at all (Stonehouse).
    return accept(undefined);
  }

  #ready(metadata: Metadata, reply: ZapReply | undefined): MechanismStep {
    const nonce = nonceWithPrefix("CurveZMQREADY---");
    this.#counter.next(nonce, 16);
    const sealed = boxAfter(this.#metadata, nonce, this.#precomputed!);
    this.#codec = new CurveCodec(
      this.#precomputed!,
      "CurveZMQMESSAGES",
      "CurveZMQMESSAGEC",
      this.#counter,
      this.#peerHi,
      this.#peerLo,
      this.#allocate,
    );
    this.#state = "done";
    return {
      send: [concat([ascii("\x05READY"), nonce.subarray(16), sealed])],
      done: { metadata, ...zapResult(reply) },
    };
  }
}
