/**
 * The CURVE client (RFC 26 CurveZMQ over RFC 25 ZMTP-CURVE), byte for byte as
 * libzmq's `curve_client.cpp` / `curve_client_tools.hpp`:
 *
 *   HELLO    200 B: `\x05HELLO` 01 00, 72 zero bytes [!], C′, short nonce, Box[64×0](C′→S)
 *   WELCOME  168 B: `\x07WELCOME` long nonce(16), Box[S′ ‖ cookie](S→C′)
 *   INITIATE 113+B: `\x08INITIATE` cookie(96), short nonce, Box[C ‖ vouch ‖ metadata](C′→S′)
 *   READY     30+B: `\x05READY` short nonce, Box[metadata](S′→C′)
 *
 * The client's short nonces count from 1 (HELLO = 1, INITIATE = 2, messages from 3).
 */
import {
  type Allocate,
  allocateZeroed,
  decodeMetadata,
  errorReason,
  isCommand,
  type Mechanism,
  type MechanismContext,
  type MechanismStep,
  ProtocolError,
  peerRefused,
  WireError,
} from "@zmq/wire";
import { CurveCodec, NonceCounter, nonceWithPrefix, readU32 } from "./curve-codec";
import { decodeCurveKey } from "./keys";
import {
  beforenm,
  box,
  boxKeyPair,
  boxOpen,
  boxOpenAfter,
  isReady,
  type KeyPair,
  randomBytes,
  ready,
  wipe,
} from "./nacl";
import { ascii, commandName, concat, fail, unexpected } from "./util";

/** The keys of a CURVE client (libzmq's ZMQ_CURVE_* options), in Z85 text or as 32 bytes. */
export interface CurveClientOptions {
  /** ZMQ_CURVE_SERVERKEY: the server's long-term public key S. */
  serverKey: string | Uint8Array;
  /** ZMQ_CURVE_PUBLICKEY: the client's long-term public key C. */
  publicKey: string | Uint8Array;
  /** ZMQ_CURVE_SECRETKEY: the client's long-term secret key c. */
  secretKey: string | Uint8Array;
  /** Memory for MESSAGE frames and opened bodies (see @zmq/wire `Allocate`); default zero-filled. */
  allocate?: Allocate | undefined;
}

type State = "welcome" | "ready" | "done" | "failed";

/**
 * The client side of the CURVE handshake (HELLO, INITIATE) as a `@zmq/wire`
 * mechanism; once READY it seals and opens every frame of the connection.
 */
export class CurveClient implements Mechanism {
  readonly name = "CURVE";
  readonly #serverKey: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #secretKey: Uint8Array;
  #state: State = "welcome";
  #metadata: Uint8Array = new Uint8Array(0);
  #transient: KeyPair | undefined;
  #precomputed: Uint8Array | undefined;
  #cookie: Uint8Array | undefined;
  readonly #counter = new NonceCounter(1);
  #codec: CurveCodec | undefined;

  readonly #allocate: Allocate;

  /** Throws a `WireError` (EINVAL) when a key is not 40 Z85 characters or 32 bytes. */
  constructor(options: CurveClientOptions) {
    this.#allocate = options.allocate ?? allocateZeroed;
    this.#serverKey = decodeCurveKey(options.serverKey);
    this.#publicKey = decodeCurveKey(options.publicKey);
    this.#secretKey = decodeCurveKey(options.secretKey);
  }

  get transform(): CurveCodec | undefined {
    return this.#codec;
  }

  start(context: MechanismContext): MechanismStep {
    this.#metadata = context.metadata;
    if (!isReady()) return { pending: ready().then(() => this.#hello()) };
    return this.#hello();
  }

  #hello(): MechanismStep {
    const transient = boxKeyPair();
    this.#transient = transient;
    const nonce = nonceWithPrefix("CurveZMQHELLO---");
    this.#counter.next(nonce, 16);
    const signature = box(new Uint8Array(64), nonce, this.#serverKey, transient.secretKey);
    const hello = new Uint8Array(200);
    hello.set(ascii("\x05HELLO"), 0);
    hello[6] = 1; // CurveZMQ version 1.0
    hello[7] = 0;
    // 8..80: anti-amplification padding, 72 zero bytes (libzmq; RFC 26 prose says 70).
    hello.set(transient.publicKey, 80);
    hello.set(nonce.subarray(16), 112);
    hello.set(signature, 120);
    return { send: [hello] };
  }

  receive(body: Uint8Array): MechanismStep {
    const step = this.#receive(body);
    if (step.error) this.#state = "failed";
    return step;
  }

  #receive(body: Uint8Array): MechanismStep {
    if (isCommand(body, "WELCOME")) {
      if (this.#state !== "welcome") return unexpected("WELCOME");
      return this.#welcome(body);
    }
    if (isCommand(body, "READY")) {
      if (this.#state !== "ready") return unexpected("READY");
      return this.#ready(body);
    }
    if (isCommand(body, "ERROR")) {
      if (this.#state !== "welcome" && this.#state !== "ready") return unexpected("ERROR");
      const reason = errorReason(body);
      if (reason === undefined) {
        return fail(
          "malformed-command",
          "malformed ERROR",
          ProtocolError.ZMTP_MALFORMED_COMMAND_ERROR,
        );
      }
      return { error: peerRefused(reason) };
    }
    return unexpected(commandName(body));
  }

  #welcome(body: Uint8Array): MechanismStep {
    if (body.length !== 168) {
      return fail(
        "malformed-command",
        `WELCOME of ${body.length} bytes, expected 168`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_WELCOME,
      );
    }
    const transient = this.#transient!;
    const nonce = concat([ascii("WELCOME-"), body.subarray(8, 24)]);
    const plain = boxOpen(body.subarray(24), nonce, this.#serverKey, transient.secretKey);
    if (plain === undefined) {
      return fail(
        "cryptographic",
        "cannot open WELCOME: wrong server key?",
        ProtocolError.ZMTP_CRYPTOGRAPHIC,
      );
    }
    const serverTransient = plain.slice(0, 32);
    this.#cookie = plain.slice(32, 128);
    this.#precomputed = beforenm(serverTransient, transient.secretKey);
    // Vouch = Box[C′ ‖ S](C→S′), long nonce "VOUCH---" ‖ 16 random bytes.
    const vouchNonce = concat([ascii("VOUCH---"), randomBytes(16)]);
    const vouch = box(
      concat([transient.publicKey, this.#serverKey]),
      vouchNonce,
      serverTransient,
      this.#secretKey,
    );
    const initiateNonce = nonceWithPrefix("CurveZMQINITIATE");
    this.#counter.next(initiateNonce, 16);
    const sealed = box(
      concat([this.#publicKey, vouchNonce.subarray(8), vouch, this.#metadata]),
      initiateNonce,
      serverTransient,
      transient.secretKey,
    );
    wipe(transient.secretKey);
    this.#state = "ready";
    return {
      send: [concat([ascii("\x08INITIATE"), this.#cookie, initiateNonce.subarray(16), sealed])],
    };
  }

  #ready(body: Uint8Array): MechanismStep {
    if (body.length < 30) {
      return fail(
        "malformed-command",
        `READY of ${body.length} bytes is too short`,
        ProtocolError.ZMTP_MALFORMED_COMMAND_READY,
      );
    }
    const nonce = concat([ascii("CurveZMQREADY---"), body.subarray(6, 14)]);
    const plain = boxOpenAfter(body.subarray(14), nonce, this.#precomputed!);
    if (plain === undefined) {
      return fail("cryptographic", "cannot open READY", ProtocolError.ZMTP_CRYPTOGRAPHIC);
    }
    const metadata = decodeMetadata(plain);
    if (metadata instanceof WireError) {
      return fail("invalid-metadata", metadata.message, ProtocolError.ZMTP_INVALID_METADATA);
    }
    this.#codec = new CurveCodec(
      this.#precomputed!,
      "CurveZMQMESSAGEC",
      "CurveZMQMESSAGES",
      this.#counter,
      readU32(body, 6),
      readU32(body, 10),
      this.#allocate,
    );
    this.#state = "done";
    return { done: { metadata } };
  }
}
