// Generated from the OPTIONS table (options.ts) by scripts/gen-options.ts:
// `pnpm --filter @zmq/socket gen:options`. Do not edit by hand.

/** The option properties every socket has. */
export interface SocketOptionProperties {
  /**
   * `ZMQ_LINGER` (17): How long queued messages are kept after close (ms, -1 = forever); 0 by
   * default for SUB, XSUB, DISH.
   *
   * Takes effect when the socket closes. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  linger: number;
  /**
   * `ZMQ_RECONNECT_IVL` (18): Delay before reconnecting (ms, plus a random jitter up to as
   * much); -1 = never reconnect.
   *
   * Takes effect at the next connection attempt. Less than -1 fails with EINVAL.
   *
   * @defaultValue `100`
   */
  reconnectInterval: number;
  /**
   * `ZMQ_RECONNECT_IVL_MAX` (21): > 0: exponential backoff from reconnectInterval up to this
   * (ms), no jitter.
   *
   * Takes effect at the next connection attempt. Less than 0 fails with EINVAL.
   *
   * @defaultValue `0`
   */
  reconnectMaxInterval: number;
  /**
   * `ZMQ_IMMEDIATE` (39): Queue messages only to peers whose handshake is complete.
   *
   * Takes effect at the next connection attempt.
   *
   * @defaultValue `false`
   */
  immediate: boolean;
  /**
   * `ZMQ_MAXMSGSIZE` (22): Largest message accepted from a peer (bytes); -1 = no limit.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue the context's `maxMessageSize` when it is below 2147483647, otherwise `-1`
   */
  maxMessageSize: number;
  /**
   * `ZMQ_HANDSHAKE_IVL` (66): A peer must finish its handshake in this time (ms); 0 = no limit.
   *
   * Takes effect for each connection made after the change. Less than 0 fails with EINVAL.
   *
   * @defaultValue `30000`
   */
  handshakeInterval: number;
  /**
   * `ZMQ_HEARTBEAT_IVL` (75): Send a PING this often (ms); 0 = off.
   *
   * Takes effect for each connection made after the change. Less than 0 fails with EINVAL.
   *
   * @defaultValue `0`
   */
  heartbeatInterval: number;
  /**
   * `ZMQ_HEARTBEAT_TTL` (76): Tell peers to drop us after this long without traffic (ms).
   *
   * Takes effect for each connection made after the change. Less than 0 fails with EINVAL.
   *
   * @defaultValue `0`
   */
  heartbeatTimeToLive: number;
  /**
   * `ZMQ_HEARTBEAT_TIMEOUT` (77): Drop a peer silent this long after a PING (ms); -1 =
   * heartbeatInterval.
   *
   * Takes effect for each connection made after the change. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  heartbeatTimeout: number;
  /**
   * `ZMQ_BACKLOG` (19): Pending connections a tcp/ipc listener queues.
   *
   * Takes effect at the next `bind()`. Less than 0 fails with EINVAL.
   *
   * @defaultValue `100`
   */
  backlog: number;
  /**
   * `ZMQ_IPV6` (42): `tcp://*` binds dual-stack; host names may resolve to IPv6.
   *
   * Takes effect at the next connection attempt.
   *
   * @defaultValue the context's `ipv6`
   */
  ipv6: boolean;
  /**
   * `ZMQ_CONNECT_TIMEOUT` (79): A tcp/ipc connection attempt not established in this time (ms)
   * is abandoned and retried after reconnectInterval; 0 = the OS's limit.
   *
   * Takes effect at the next connection attempt. Less than 0 fails with EINVAL.
   *
   * @defaultValue `0`
   */
  connectTimeout: number;
  /**
   * `ZMQ_TCP_KEEPALIVE` (34): SO_KEEPALIVE on tcp connections: -1 = the OS default (off), 0 =
   * off, 1 = on.
   *
   * Takes effect at the next connection attempt. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  tcpKeepalive: number;
  /**
   * `ZMQ_TCP_KEEPALIVE_IDLE` (36): Idle time before the first keepalive probe (s), with
   * tcpKeepalive = 1; -1 = the OS default.
   *
   * Takes effect at the next connection attempt. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  tcpKeepaliveIdle: number;
  /**
   * `ZMQ_TCP_KEEPALIVE_CNT` (35): Accepted, not applied: Node's net API (setKeepAlive) sets only
   * SO_KEEPALIVE and the idle time, not TCP_KEEPCNT; the OS default count is used.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `-1`
   */
  tcpKeepaliveCount: number;
  /**
   * `ZMQ_TCP_KEEPALIVE_INTVL` (37): Accepted, not applied: Node's net API (setKeepAlive) sets
   * only SO_KEEPALIVE and the idle time, not TCP_KEEPINTVL; the OS default interval is used.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `-1`
   */
  tcpKeepaliveInterval: number;
  /**
   * `ZMQ_WSS_KEY_PEM` (101): Private key (PEM) of a `wss://` server; required to bind wss.
   *
   * Takes effect at the next `bind()`.
   *
   * @defaultValue `null`
   */
  wssKeyPem: string | null;
  /**
   * `ZMQ_WSS_CERT_PEM` (102): Certificate chain (PEM) of a `wss://` server; required to bind
   * wss.
   *
   * Takes effect at the next `bind()`.
   *
   * @defaultValue `null`
   */
  wssCertPem: string | null;
  /**
   * `ZMQ_WSS_TRUST_PEM` (103): Certificate(s) (PEM) a `wss://` client trusts.
   *
   * Takes effect at the next connection attempt.
   *
   * @defaultValue `null`
   */
  wssTrustPem: string | null;
  /**
   * `ZMQ_WSS_HOSTNAME` (104): Name the `wss://` server certificate must carry, and SNI; default
   * the endpoint's host.
   *
   * Takes effect at the next connection attempt.
   *
   * @defaultValue `null`
   */
  wssHostname: string | null;
  /**
   * `ZMQ_WSS_TRUST_SYSTEM` (105): Also trust the system CA store (1/0); -1 = yes unless
   * wssTrustPem is set.
   *
   * Takes effect at the next connection attempt. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  wssTrustSystem: number;
  /**
   * `ZMQ_AFFINITY` (4): There are no I/O threads to pin connections to.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `0`
   */
  affinity: number;
  /**
   * `ZMQ_RATE` (8): For PGM multicast, which is not supported.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `100`
   */
  rate: number;
  /**
   * `ZMQ_RECOVERY_IVL` (9): For PGM multicast, which is not supported.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `10000`
   */
  recoveryInterval: number;
  /**
   * `ZMQ_TCP_ACCEPT_FILTER` (38): Each assignment adds a filter (a numeric address with an
   * optional `/mask`; anything else is EINVAL), `null` or `""` removes them all; a tcp bind made
   * afterwards accepts only peers inside one of them and reports the others as `accept:error`.
   * Reading gives the last value assigned (zeromq.js cannot read it: EINVAL).
   *
   * Takes effect at the next `bind()`.
   *
   * @defaultValue `null`
   */
  tcpAcceptFilter: string | null;
  /**
   * `ZMQ_TOS` (57): Node's net API cannot set IP_TOS.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `0`
   */
  typeOfService: number;
  /**
   * `ZMQ_SOCKS_PROXY` (68): SOCKS5 proxies are not supported yet.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `null`
   */
  socksProxy: string | null;
  /**
   * `ZMQ_TCP_MAXRT` (80): Node's net API cannot set TCP_MAXRT (Windows only in libzmq).
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `0`
   */
  tcpMaxRetransmitTimeout: number;
  /**
   * `ZMQ_MULTICAST_MAXTPDU` (84): For PGM multicast, which is not supported.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `1500`
   */
  multicastMaxTransportDataUnit: number;
  /**
   * `ZMQ_BINDTODEVICE` (92): Node's net API cannot set SO_BINDTODEVICE.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `null`
   */
  interface: string | null;
  /**
   * `ZMQ_LOOPBACK_FASTPATH` (94): Windows only in libzmq.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `false`
   */
  loopbackFastPath: boolean;
}

/** The option properties of every socket that sends. */
export interface SendOptionProperties {
  /**
   * `ZMQ_SNDHWM` (23): Messages queued per peer before the socket is mute; 0 = no limit.
   *
   * Takes effect at once. Less than 0 fails with EINVAL.
   *
   * @defaultValue `1000`
   */
  sendHighWaterMark: number;
  /**
   * `ZMQ_SNDTIMEO` (28): How long `send` waits (ms); -1 = forever, 0 = EAGAIN at once.
   *
   * Takes effect at once. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  sendTimeout: number;
  /**
   * `ZMQ_MULTICAST_HOPS` (25): TTL of udp multicast this socket sends (RADIO).
   *
   * Takes effect at the next connection attempt. Less than 1 fails with EINVAL.
   *
   * @defaultValue `1`
   */
  multicastHops: number;
  /**
   * `ZMQ_SNDBUF` (11): The OS default socket buffer is used.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `-1`
   */
  sendBufferSize: number;
}

/** The option properties of every socket that receives. */
export interface ReceiveOptionProperties {
  /**
   * `ZMQ_RCVHWM` (24): Messages queued per peer before reading from it pauses; 0 = no limit.
   *
   * Takes effect at once. Less than 0 fails with EINVAL.
   *
   * @defaultValue `1000`
   */
  receiveHighWaterMark: number;
  /**
   * `ZMQ_RCVTIMEO` (27): How long `receive` waits (ms); -1 = forever, 0 = EAGAIN at once.
   *
   * Takes effect at once. Less than -1 fails with EINVAL.
   *
   * @defaultValue `-1`
   */
  receiveTimeout: number;
  /**
   * `ZMQ_RCVBUF` (12): The OS default socket buffer is used.
   *
   * Accepted and stored for compatibility; nothing reads it.
   *
   * @defaultValue `-1`
   */
  receiveBufferSize: number;
}

/** The option properties only some types have, as a PAIR socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface PairOptionProperties {}

/** The option properties only some types have, as a PUB socket has them. */
export interface PublisherOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
  /**
   * `ZMQ_XPUB_NODROP` (69): `send` waits (EAGAIN on timeout) instead of dropping at the HWM.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  noDrop: boolean;
  /**
   * `ZMQ_INVERT_MATCHING` (74): Match the subscriptions that do not match.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  invertMatching: boolean;
}

/** The option properties only some types have, as a SUB socket has them. */
export interface SubscriberOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
  /**
   * `ZMQ_INVERT_MATCHING` (74): Match the subscriptions that do not match.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  invertMatching: boolean;
}

/** The option properties only some types have, as a REQ socket has them. */
export interface RequestOptionProperties {
  /**
   * `ZMQ_ROUTING_ID` (5): The Identity this socket announces to peers (1-255 bytes).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `null`
   */
  routingId: string | null;
  /**
   * `ZMQ_PROBE_ROUTER` (51): Send an empty message to each new peer.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  probeRouter: boolean;
  /**
   * `ZMQ_REQ_CORRELATE` (52): Prefix requests with a request id; drop replies that do not match.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  correlate: boolean;
  /**
   * `ZMQ_REQ_RELAXED` (53): Allow a new request before the reply arrived.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  relaxed: boolean;
}

/** The option properties only some types have, as a REP socket has them. */
export interface ReplyOptionProperties {
  /**
   * `ZMQ_ROUTING_ID` (5): The Identity this socket announces to peers (1-255 bytes).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `null`
   */
  routingId: string | null;
}

/** The option properties only some types have, as a DEALER socket has them. */
export interface DealerOptionProperties {
  /**
   * `ZMQ_ROUTING_ID` (5): The Identity this socket announces to peers (1-255 bytes).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `null`
   */
  routingId: string | null;
  /**
   * `ZMQ_PROBE_ROUTER` (51): Send an empty message to each new peer.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  probeRouter: boolean;
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
}

/** The option properties only some types have, as a ROUTER socket has them. */
export interface RouterOptionProperties {
  /**
   * `ZMQ_ROUTING_ID` (5): The Identity this socket announces to peers (1-255 bytes).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `null`
   */
  routingId: string | null;
  /**
   * `ZMQ_ROUTER_MANDATORY` (33): Unroutable messages fail with EHOSTUNREACH instead of being
   * dropped.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  mandatory: boolean;
  /**
   * `ZMQ_ROUTER_HANDOVER` (56): A new peer with a known routing id takes it over.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  handover: boolean;
  /**
   * `ZMQ_PROBE_ROUTER` (51): Send an empty message to each new peer.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  probeRouter: boolean;
}

/** The option properties only some types have, as a PULL socket has them. */
export interface PullOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
}

/** The option properties only some types have, as a PUSH socket has them. */
export interface PushOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
}

/** The option properties only some types have, as a XPUB socket has them. */
export interface XPublisherOptionProperties {
  /**
   * `ZMQ_XPUB_NODROP` (69): `send` waits (EAGAIN on timeout) instead of dropping at the HWM.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  noDrop: boolean;
  /**
   * `ZMQ_XPUB_MANUAL` (71): The application applies subscriptions with subscribe/unsubscribe.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  manual: boolean;
  /**
   * `ZMQ_XPUB_WELCOME_MSG` (72): A message sent to each new subscriber.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `null`
   */
  welcomeMessage: string | null;
  /**
   * `ZMQ_INVERT_MATCHING` (74): Match the subscriptions that do not match.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  invertMatching: boolean;
}

/** The option properties only some types have, as a XSUB socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface XSubscriberOptionProperties {}

/** The option properties only some types have, as a STREAM socket has them. */
export interface StreamOptionProperties {
  /**
   * `ZMQ_STREAM_NOTIFY` (73): Deliver [id, ''] on connect and disconnect.
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `true`
   */
  notify: boolean;
}

/** The option properties only some types have, as a SERVER socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface ServerOptionProperties {}

/** The option properties only some types have, as a CLIENT socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface ClientOptionProperties {}

/** The option properties only some types have, as a RADIO socket has them. */
export interface RadioOptionProperties {
  /**
   * `ZMQ_XPUB_NODROP` (69): `send` waits (EAGAIN on timeout) instead of dropping at the HWM.
   *
   * Takes effect at once.
   *
   * @defaultValue `false`
   */
  noDrop: boolean;
  /**
   * `ZMQ_MULTICAST_LOOP` (96): udp multicast is looped back to this host.
   *
   * Takes effect at the next connection attempt.
   *
   * @defaultValue `true`
   */
  multicastLoop: boolean;
}

/** The option properties only some types have, as a DISH socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface DishOptionProperties {}

/** The option properties only some types have, as a GATHER socket has them. */
export interface GatherOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
}

/** The option properties only some types have, as a SCATTER socket has them. */
export interface ScatterOptionProperties {
  /**
   * `ZMQ_CONFLATE` (54): Keep only the newest message per peer (DEALER, PULL, PUSH, PUB, SUB;
   * accepted and ignored by SCATTER/GATHER, as libzmq).
   *
   * Takes effect for each connection made after the change.
   *
   * @defaultValue `false`
   */
  conflate: boolean;
}

/** The option properties only some types have, as a DGRAM socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface DatagramOptionProperties {}

/** The option properties only some types have, as a PEER socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface PeerOptionProperties {}

/** The option properties only some types have, as a CHANNEL socket has them. */
// biome-ignore lint/suspicious/noEmptyInterface: generated for every type; this one has no options of its own yet
export interface ChannelOptionProperties {}
