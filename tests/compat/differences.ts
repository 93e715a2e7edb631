/**
 * The only places where @zmq/node may differ from zeromq.js 6 in the compat suite.
 *
 * DELIBERATE: differences we keep, each with its reason. The @zmq/node README prints this table
 * (`renderDifferencesMarkdown()`); where zeromq.js's behaviour is a bug (a promise that never
 * settles, a port taken modulo 65536) we keep ours and say so here.
 *
 * KNOWN_OPEN: differences not fixed yet, each with the item of the parity reference
 * (../../shared/reference/zeromq-js-parity.md, §1–§5) it belongs to. The suite stays green with
 * them, and fails as soon as one of them matches zeromq.js: then delete its line here, so that
 * the case is held to strict equality from then on.
 *
 * A case listed in neither table must produce exactly the outcome zeromq.js produces.
 */

const B7_REASON =
  "zeromq.js puts `send`, `receive`, `join`, `leave` and `[Symbol.asyncIterator]` on every socket class (its `allowMethods()` deletes the wrong names), so e.g. `new Pull().send()` returns a promise that never settles; @zmq/node defines each only on the socket types that support it (calling it elsewhere is a TypeError). zeromq.js's own type declarations hide them the same way.";

const UNREADABLE_REASON =
  "zeromq.js throws EINVAL when reading `Router.mandatory`, `tcpAcceptFilter` or a CURVE key that was never set (libzmq cannot return them); @zmq/node returns the value last set, or the default (`false`/`null`). Code written for zeromq.js that only sets them behaves the same.";

const VERBOSITY_REASON =
  '`XPublisher.verbosity` accepts only `null`, `"allSubs"` and `"allSubsUnsubs"` in @zmq/node and throws TypeError for anything else; zeromq.js ignores any other value without a word, so a typo leaves the option unchanged unnoticed.';

const MONITOR_ERRNO_REASON =
  'With an Observer on the socket, a `bind()` whose host does not resolve (a name no one knows, an interface that does not exist, an IPv6 address without `ipv6`) rejects in zeromq.js with EAGAIN "Operation was not possible or timed out" while its `bind:error` event says ENODEV: libzmq sends the monitor event before it returns and that send overwrites `errno`. Without an Observer zeromq.js rejects with ENODEV. @zmq/node rejects with ENODEV "No such device" either way; the event is the same in both.';

export const DELIBERATE: Record<string, string> = {
  "api.capability":
    "`capability.tipc` is false: Node.js has no TIPC sockets, so the transport is not implemented.",
  "error.bind.port-70000":
    "zeromq.js (libzmq) takes a TCP port modulo 65536, so `tcp://127.0.0.1:70000` binds port 4464; @zmq/node rejects the address with EINVAL.",
  "options.default-draft.multicastLoop":
    "`Radio.multicastLoop` is an extra option of @zmq/node (UDP multicast loopback, default true); zeromq.js has no accessor for it.",
  "api.generic-io.Pair": B7_REASON,
  "api.generic-io.Publisher": B7_REASON,
  "api.generic-io.Subscriber": B7_REASON,
  "api.generic-io.Request": B7_REASON,
  "api.generic-io.Reply": B7_REASON,
  "api.generic-io.Dealer": B7_REASON,
  "api.generic-io.Router": B7_REASON,
  "api.generic-io.Pull": B7_REASON,
  "api.generic-io.Push": B7_REASON,
  "api.generic-io.XPublisher": B7_REASON,
  "api.generic-io.XSubscriber": B7_REASON,
  "api.generic-io.Stream": B7_REASON,
  "api.generic-io.Server": B7_REASON,
  "api.generic-io.Client": B7_REASON,
  "api.generic-io.Radio": B7_REASON,
  "api.generic-io.Dish": B7_REASON,
  "api.generic-io.Gather": B7_REASON,
  "api.generic-io.Scatter": B7_REASON,
  "api.generic-io.Datagram": B7_REASON,
  "error.pull.send": B7_REASON,
  "error.pub.receive": B7_REASON,
  "error.sub.send": B7_REASON,
  "error.sub.send.no-args": B7_REASON,
  "error.pub.for-await": B7_REASON,
  "options.default.curvePublicKey": UNREADABLE_REASON,
  "options.default.curveSecretKey": UNREADABLE_REASON,
  "options.default.curveServerKey": UNREADABLE_REASON,
  "options.default.mandatory": UNREADABLE_REASON,
  "options.default.tcpAcceptFilter": UNREADABLE_REASON,
  "options.default-draft.curvePublicKey": UNREADABLE_REASON,
  "options.default-draft.curveSecretKey": UNREADABLE_REASON,
  "options.default-draft.curveServerKey": UNREADABLE_REASON,
  "options.default-draft.tcpAcceptFilter": UNREADABLE_REASON,
  "error.opt.get.mandatory": UNREADABLE_REASON,
  "error.opt.get.curvePublicKey": UNREADABLE_REASON,
  "options.set.mandatory": UNREADABLE_REASON,
  "options.set.tcpAcceptFilter": UNREADABLE_REASON,
  "options.default-draft.noDrop":
    "`Radio.noDrop` is an extra option of @zmq/node (`send()` waits at the high-water mark instead of dropping, as `XPublisher.noDrop`); zeromq.js has no such accessor on Radio.",
  "options.set.multicastLoop":
    "`Radio.multicastLoop` is an extra option of @zmq/node (UDP multicast loopback, default true); zeromq.js has no accessor for it.",
  "api.methods.XPublisher":
    "@zmq/node's `XPublisher` has `subscribe()`/`unsubscribe()` (libzmq's ZMQ_SUBSCRIBE/ZMQ_UNSUBSCRIBE on an XPUB, which `manual` mode needs); zeromq.js has no such methods on it.",
  "buffer.inproc-identity.1000":
    "A message over 128 bytes crosses `inproc://` by reference in @zmq/node: the receiver gets its own Buffer object over the sender's memory (zero-copy, as libzmq's inproc), where zeromq.js hands it a copy. Messages of 128 bytes or less are copied at `send()` in both.",
  "options.set.verbosity": VERBOSITY_REASON,
  "error.opt.verbosity.bogus": VERBOSITY_REASON,
  "error.proxy.extra-arg":
    "`new Proxy(frontEnd, backEnd, capture)`: @zmq/node takes libzmq's capture socket (`zmq_proxy`'s third argument, a copy of every message) as an optional third argument; zeromq.js has no capture and throws TypeError \"Expected 2 arguments but received 3\".",
  "events.sequence.inproc":
    "libzmq's monitor reports nothing for `inproc://` endpoints; @zmq/node reports `bind`, `accept`, `connect`, `handshake` and `disconnect` for them as for every other transport, so a program that waits for a peer's `handshake` works on all of them, and the end of a peer in another thread (cross-thread inproc) shows as a `disconnect`.",
  "events.bind-unresolvable": MONITOR_ERRNO_REASON,
  "events.bind-ipv6-literal": MONITOR_ERRNO_REASON,
  "ipc.wildcard.no-tmpdir":
    "`bind(\"ipc://*\")` with none of TMPDIR, TEMPDIR, TMP set: libzmq creates the socket's directory `tmpXXXXXX` in the process's working directory (`ipc://tmpAbC123/socket`, a relative path); @zmq/node creates it in `os.tmpdir()` (`/tmp` there), so a bind does not write into the application's own directory, which may not be writable. With TMPDIR set both use it.",
  "events.sequence.ws":
    "zeromq.js reports `handshake` twice for each `ws://` connection, on both sides; @zmq/node reports it once, when the ZMTP handshake is done, as for every other transport. The addresses are the same (`ws://127.0.0.1:5555/`, case `ws.event-addresses`).",
  "ws.bind.multi-segment-path":
    "libzmq's ws address parser takes the path after the last `/`: `ws://127.0.0.1:0/a/b` fails with EINVAL and `ws://127.0.0.1:5555/a/b` binds path `/b`; @zmq/node binds the whole path `/a/b`.",
  "udp.last-endpoint":
    "libzmq reports a `udp://` endpoint without its scheme and unresolved: a DISH bound to `udp://127.0.0.1:*` has `lastEndpoint` `127.0.0.1:*`, a RADIO connected to `udp://127.0.0.1:5556` `127.0.0.1:5556`; @zmq/node reports `udp://127.0.0.1:<bound port>` and `udp://127.0.0.1:5556`, an endpoint `bind`/`connect`/`unbind` accept.",
  "ws.connect.lenient":
    "libzmq's ws address parser at `connect()` reads a port up to its first non-digit (`:5x` connects to port 5), drops a query (`:5?q` connects to `/`), and accepts a path with a space and port 0; @zmq/node throws EINVAL for each, as its `bind()` does for the same strings. (libzmq also resolves a host name inside `connect()`, a blocking DNS lookup, so `ws://nosuch.invalid:5` throws EINVAL there; @zmq/node resolves it when it connects, as for `tcp://`, and reports a failure as events.)",
  "exit.curve.send-then-exit.timing":
    "A CURVE client that sends right after `connect()` and calls `process.exit()` takes longer to end in @zmq/node than the same program without CURVE; in zeromq.js both take the same. Measured (quiet machine, medians of 3): @zmq/node 180–230 ms with CURVE against 20–27 ms without; zeromq.js 9–14 ms against 10–12 ms (earlier, at load 7–9 and before the faster `require`: @zmq/node 395–1270 ms, zeromq.js 13–106 ms). The handshake has not started, and libsodium, which @zmq/node loads on first use and only asynchronously, is not loaded yet; nothing asynchronous runs after `process.exit()`, so a worker thread loads @zmq/node and libsodium, makes the connection and delivers the queued messages while the ending thread waits (up to the linger). zeromq.js ends sooner because it drops the message in about half of such runs (4 of 8 seen; case `exit.curve.send-then-exit.tcp` holds @zmq/node to delivering it every time). Without CURVE, or once a CURVE handshake has been done, the exit times are alike. The case compares each implementation's CURVE exit with its own plain exit (over 3× is a difference), so that load moves both.",
  "error.class":
    "@zmq/node's errors are `ZmqError`, a subclass of `Error` (`err instanceof ZmqError`, typed `code`/`errno`/`address`); zeromq.js's are plain `Error`s. Everything else is the same — `name` \"Error\", the message, the own properties `errno`, `code` and `address` in that order (case `error.own-keys`) — so only a check of `err.constructor === Error` or of the prototype tells them apart.",
  "error.unbindSync.unknown":
    "zeromq.js 6 wires `unbindSync` to its `bindSync` (socket.cc), so `unbindSync(address)` binds the address (and throws EADDRINUSE for one that is bound); @zmq/node's `unbindSync` unbinds, and throws ENOENT for an address that is not bound, as `unbind` rejects.",
};

export const KNOWN_OPEN: Record<string, string> = {};

/**
 * KNOWN_OPEN cases whose outcome on our side varies from run to run (a race between the process
 * ending and our queues draining): one match proves nothing, so they are exempt from the
 * "now matches" check until fixed. Remove a case from here and from KNOWN_OPEN together.
 */
export const RACY: ReadonlySet<string> = new Set<string>([]);
/** DELIBERATE as a markdown table (case id, reason), grouped by reason. */
export function renderDifferencesMarkdown(): string {
  const byReason = new Map<string, string[]>();
  for (const [id, reason] of Object.entries(DELIBERATE)) {
    const ids = byReason.get(reason) ?? [];
    ids.push(id);
    byReason.set(reason, ids);
  }
  const rows = [...byReason].map(
    ([reason, ids]) => `| ${ids.map((id) => `\`${id}\``).join(", ")} | ${reason} |`,
  );
  return ["| compat case(s) | why @zmq/node differs from zeromq.js 6 |", "|---|---|", ...rows].join(
    "\n",
  );
}

/** KNOWN_OPEN as a markdown table (case id, parity-reference item). */
export function renderKnownOpenMarkdown(): string {
  const rows = Object.entries(KNOWN_OPEN).map(([id, ref]) => `| \`${id}\` | ${ref} |`);
  return ["| compat case | parity reference |", "|---|---|", ...rows].join("\n");
}
