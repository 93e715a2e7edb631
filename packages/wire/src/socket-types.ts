/**
 * ZMTP socket types and which pairs may talk (RFC 37's table, plus the draft
 * types that libzmq checks in `mechanism_base_t::check_socket_type`).
 */

export type SocketTypeName =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "STREAM"
  | "SERVER"
  | "CLIENT"
  | "RADIO"
  | "DISH"
  | "GATHER"
  | "SCATTER"
  | "DGRAM"
  | "PEER"
  | "CHANNEL";

const peers: Record<SocketTypeName, readonly SocketTypeName[]> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  STREAM: [],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  DGRAM: [],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

/** True when `name` is one of the socket type names ZMTP knows. */
export function isSocketTypeName(name: string): name is SocketTypeName {
  return Object.hasOwn(peers, name);
}

/**
 * True when a socket of type `local` may talk to a peer announcing
 * `remote` in its READY metadata. Comparison is exact, as libzmq's is.
 */
export function socketTypesCompatible(local: SocketTypeName, remote: string): boolean {
  return (peers[local] as readonly string[]).includes(remote);
}

/**
 * `remote` as the table's own string when a `local` socket may talk to it, else
 * `undefined`: a peer's type then costs no string of its own per connection.
 */
export function compatiblePeerType(
  local: SocketTypeName,
  remote: string,
): SocketTypeName | undefined {
  return peers[local].find((name) => name === remote);
}

/** Socket types whose READY carries an `Identity` property (libzmq sends it for these). */
export function sendsIdentity(type: SocketTypeName): boolean {
  return type === "REQ" || type === "DEALER" || type === "ROUTER";
}

/** Socket types whose outgoing `\x01topic` / `\x00topic` messages are subscriptions. */
export function sendsSubscriptions(type: SocketTypeName): boolean {
  return type === "SUB" || type === "XSUB";
}

/** Socket types that receive subscriptions from their peers. */
export function receivesSubscriptions(type: SocketTypeName): boolean {
  return type === "PUB" || type === "XPUB";
}
