import type { AnyConnection } from "./connection";
import { type Endpoint, parseEndpoint } from "./endpoint";
import type { Transport } from "./transport";
import { TransportError } from "./transport-error";

// biome-ignore lint/suspicious/noExplicitAny: transports differ in their option types
type AnyTransport = Transport<AnyConnection, any, any>;

/** A resolved endpoint: the parsed parts and the transport that serves the scheme. */
export interface ResolvedEndpoint {
  /** The transport registered for the endpoint's scheme. */
  readonly transport: AnyTransport;
  /** The parsed endpoint. */
  readonly endpoint: Endpoint;
}

/** Maps endpoint schemes to transports; unknown schemes are EPROTONOSUPPORT. */
export class TransportRegistry {
  readonly #transports = new Map<string, AnyTransport>();

  /** A registry serving `transports` (a later one replaces an earlier one of the same scheme). */
  constructor(transports: Iterable<AnyTransport> = []) {
    for (const transport of transports) this.add(transport);
  }

  /** Registers `transport` for its scheme, replacing any earlier one. */
  add(transport: AnyTransport): this {
    this.#transports.set(transport.scheme.toLowerCase(), transport);
    return this;
  }

  /** True when a transport serves `scheme`. */
  has(scheme: string): boolean {
    return this.#transports.has(scheme.toLowerCase());
  }

  /** The registered schemes. */
  schemes(): string[] {
    return [...this.#transports.keys()];
  }

  /** The transport for `scheme`; throws EPROTONOSUPPORT if there is none. */
  get(scheme: string, address: string = `${scheme}://`): AnyTransport {
    const transport = this.#transports.get(scheme.toLowerCase());
    if (transport === undefined) {
      throw new TransportError(
        "EPROTONOSUPPORT",
        `unsupported transport scheme "${scheme}" (have: ${this.schemes().join(", ") || "none"})`,
        address,
      );
    }
    return transport;
  }

  /** Parses `raw` (EINVAL when malformed) and finds its transport (EPROTONOSUPPORT when unknown). */
  resolve(raw: string): ResolvedEndpoint {
    const endpoint = parseEndpoint(raw);
    return { transport: this.get(endpoint.scheme, raw), endpoint };
  }
}
