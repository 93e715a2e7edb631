import { TransportError } from "./transport-error";

/** An endpoint split at `://`. Scheme-specific parsing is the transport's job. */
export interface Endpoint {
  /** Lower-case scheme, e.g. `"tcp"`. */
  readonly scheme: string;
  /** Everything after `://`, never empty. */
  readonly address: string;
  /** The string as given. */
  readonly raw: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/**
 * Splits `scheme://address`. Throws a `TransportError` with code EINVAL when
 * there is no `://`, the scheme is not a valid scheme name, or the address is
 * empty. Unknown schemes are not rejected here: a `TransportRegistry` answers
 * EPROTONOSUPPORT for those.
 */
export function parseEndpoint(raw: string): Endpoint {
  if (typeof raw !== "string") {
    throw new TransportError("EINVAL", "endpoint must be a string", String(raw));
  }
  const at = raw.indexOf("://");
  if (at <= 0) {
    throw new TransportError(
      "EINVAL",
      `malformed endpoint (expected scheme://address): ${raw}`,
      raw,
    );
  }
  const scheme = raw.slice(0, at).toLowerCase();
  if (!SCHEME.test(scheme)) {
    throw new TransportError("EINVAL", `malformed endpoint scheme: ${raw}`, raw);
  }
  const address = raw.slice(at + 3);
  if (address.length === 0) {
    throw new TransportError("EINVAL", `malformed endpoint (empty address): ${raw}`, raw);
  }
  return { scheme, address, raw };
}

/**
 * Parses `raw` and checks it names `scheme`; a different scheme is
 * EPROTONOSUPPORT (the endpoint was handed to the wrong transport).
 */
export function parseEndpointFor(scheme: string, raw: string): Endpoint {
  const endpoint = parseEndpoint(raw);
  if (endpoint.scheme !== scheme) {
    throw new TransportError(
      "EPROTONOSUPPORT",
      `the ${scheme} transport cannot handle ${endpoint.scheme}:// endpoints`,
      raw,
    );
  }
  return endpoint;
}
