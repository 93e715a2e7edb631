#!/usr/bin/env node
/**
 * The libzmq peer for the interop suite, on the `zeromq` npm package (v6,
 * prebuilt libzmq 4.3.5). Run with `node`; it reads one JSON command per line
 * on stdin and answers one JSON line per command on stdout, in order. The
 * protocol is the one `python/peer.py` speaks, so one harness drives both:
 *
 *   {"id":1,"op":"socket","type":"DEALER","options":{"ROUTING_ID":"a"}} -> {"id":1,"ok":true,"sock":1}
 *   {"id":2,"op":"bind","sock":1,"endpoint":"tcp://127.0.0.1:*"}         -> {"id":2,"ok":true,"endpoint":"tcp://127.0.0.1:40001"}
 *   {"id":3,"op":"send","sock":1,"frames":["aGk="]}                       -> {"id":3,"ok":true}
 *   {"id":4,"op":"recv","sock":1,"timeout":2000}                          -> {"id":4,"ok":true,"frames":["aGk="]}
 *
 * Frames travel base64-encoded. Failures answer {"ok":false,"code":"EAGAIN","error":"…"}.
 * Options and events use libzmq's names (ROUTING_ID, HANDSHAKE_SUCCEEDED, …).
 */
"use strict";
const zmq = require("zeromq");
const readline = require("node:readline");

const TYPES = {
  PAIR: zmq.Pair,
  PUB: zmq.Publisher,
  SUB: zmq.Subscriber,
  REQ: zmq.Request,
  REP: zmq.Reply,
  DEALER: zmq.Dealer,
  ROUTER: zmq.Router,
  PULL: zmq.Pull,
  PUSH: zmq.Push,
  XPUB: zmq.XPublisher,
  XSUB: zmq.XSubscriber,
  STREAM: zmq.Stream,
};

// Draft types, where the prebuilt libzmq has them (zmq.capability.draft). Messages of
// RADIO/DISH carry a `group`, SERVER's a `routingId` (see the send and recv ops).
const draft = zmq.capability.draft ? require("zeromq/draft") : undefined;
if (draft !== undefined) {
  Object.assign(TYPES, {
    SERVER: draft.Server,
    CLIENT: draft.Client,
    RADIO: draft.Radio,
    DISH: draft.Dish,
    GATHER: draft.Gather,
    SCATTER: draft.Scatter,
    DGRAM: draft.Datagram,
  });
}

/** libzmq option name -> zeromq.js property (and a value conversion). */
const OPTIONS = {
  ROUTING_ID: ["routingId", String],
  LINGER: ["linger", Number],
  SNDHWM: ["sendHighWaterMark", Number],
  RCVHWM: ["receiveHighWaterMark", Number],
  HEARTBEAT_IVL: ["heartbeatInterval", Number],
  HEARTBEAT_TIMEOUT: ["heartbeatTimeout", Number],
  HEARTBEAT_TTL: ["heartbeatTimeToLive", Number],
  RECONNECT_IVL: ["reconnectInterval", Number],
  RECONNECT_IVL_MAX: ["reconnectMaxInterval", Number],
  HANDSHAKE_IVL: ["handshakeInterval", Number],
  ROUTER_MANDATORY: ["mandatory", Boolean],
  ROUTER_HANDOVER: ["handover", Boolean],
  PROBE_ROUTER: ["probeRouter", Boolean],
  IMMEDIATE: ["immediate", Boolean],
  XPUB_VERBOSE: ["verbosity", (v) => (v ? "allSubs" : null)],
  XPUB_VERBOSER: ["verbosity", (v) => (v ? "allSubsUnsubs" : null)],
  STREAM_NOTIFY: ["notify", Boolean],
  MAXMSGSIZE: ["maxMessageSize", Number],
  // Security (keys as 40-character Z85 strings).
  PLAIN_SERVER: ["plainServer", Boolean],
  PLAIN_USERNAME: ["plainUsername", String],
  PLAIN_PASSWORD: ["plainPassword", String],
  CURVE_SERVER: ["curveServer", Boolean],
  CURVE_PUBLICKEY: ["curvePublicKey", String],
  CURVE_SECRETKEY: ["curveSecretKey", String],
  CURVE_SERVERKEY: ["curveServerKey", String],
  ZAP_DOMAIN: ["zapDomain", String],
  ZAP_ENFORCE_DOMAIN: ["zapEnforceDomain", Boolean],
  MULTICAST_HOPS: ["multicastHops", Number],
};

/** zeromq.js event type -> libzmq monitor event name. */
const EVENTS = {
  accept: "ACCEPTED",
  "accept:error": "ACCEPT_FAILED",
  bind: "LISTENING",
  "bind:error": "BIND_FAILED",
  connect: "CONNECTED",
  "connect:delay": "CONNECT_DELAYED",
  "connect:retry": "CONNECT_RETRIED",
  close: "CLOSED",
  "close:error": "CLOSE_FAILED",
  disconnect: "DISCONNECTED",
  end: "MONITOR_STOPPED",
  handshake: "HANDSHAKE_SUCCEEDED",
  "handshake:error:protocol": "HANDSHAKE_FAILED_PROTOCOL",
  "handshake:error:auth": "HANDSHAKE_FAILED_AUTH",
  "handshake:error:other": "HANDSHAKE_FAILED_NO_DETAIL",
};

const sockets = new Map();
let zapHandler;

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
function z85(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = bytes.readUInt32BE(i);
    const chars = [];
    for (let j = 0; j < 5; j++) {
      chars.unshift(Z85[value % 85]);
      value = Math.floor(value / 85);
    }
    out += chars.join("");
  }
  return out;
}
let nextSock = 1;

function fail(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function entry(msg) {
  const s = sockets.get(msg.sock);
  if (s === undefined) throw fail("ENOTSOCK", `no socket ${msg.sock}`);
  return s;
}

function setOption(s, name, value) {
  if (name === "SUBSCRIBE" || name === "UNSUBSCRIBE") {
    const topic = Buffer.from(value, "base64");
    if (name === "SUBSCRIBE") s.socket.subscribe(topic);
    else s.socket.unsubscribe(topic);
    return;
  }
  if (name === "CONNECT_ROUTING_ID") {
    s.connectRoutingId = String(value);
    return;
  }
  const option = OPTIONS[name];
  if (option === undefined) throw fail("EINVAL", `unknown option ${name}`);
  s.socket[option[0]] = option[1](value);
}

function startMonitor(s) {
  if (s.events !== undefined) return;
  s.events = [];
  s.eventWaiters = new Set();
  const observer = s.socket.events;
  (async () => {
    for await (const event of observer) {
      const item = { event: EVENTS[event.type] ?? event.type, endpoint: event.address ?? "" };
      if (event.error?.code !== undefined) item.code = event.error.code;
      if (event.error?.errno !== undefined) item.value = event.error.errno;
      if (event.error?.status !== undefined) item.value = event.error.status;
      s.events.push(item);
      for (const waiter of s.eventWaiters) waiter();
    }
  })().catch(() => {});
}

async function waitEvents(s, msg) {
  const deadline = Date.now() + (msg.timeout ?? 0);
  const has = () => msg.wait === undefined || s.events.some((e) => e.event === msg.wait);
  while (!has() && Date.now() < deadline) {
    await new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        s.eventWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, deadline - Date.now());
      s.eventWaiters.add(done);
    });
  }
  const events = s.events;
  s.events = [];
  return events;
}

async function handle(msg) {
  switch (msg.op) {
    case "hello":
      return { version: zmq.version, peer: "zeromq.js", draft: draft !== undefined };
    case "socket": {
      const Type = TYPES[msg.type];
      if (Type === undefined) throw fail("EINVAL", `unknown socket type ${msg.type}`);
      const s = { socket: new Type({ linger: 0 }) };
      const sock = nextSock++;
      sockets.set(sock, s);
      if (msg.monitor) startMonitor(s);
      for (const [name, value] of Object.entries(msg.options ?? {})) setOption(s, name, value);
      return { sock };
    }
    case "poll": {
      // Reading ZMQ_EVENTS makes libzmq process pending commands (e.g. attach a new peer).
      const s = entry(msg);
      return { readable: s.socket.readable, writable: s.socket.writable };
    }
    case "setopt":
      setOption(entry(msg), msg.name, msg.value);
      return {};
    case "monitor":
      startMonitor(entry(msg));
      return {};
    case "events": {
      const s = entry(msg);
      if (s.events === undefined) throw fail("EINVAL", "socket is not monitored");
      return { events: await waitEvents(s, msg) };
    }
    case "bind": {
      const s = entry(msg);
      await s.socket.bind(msg.endpoint);
      return { endpoint: s.socket.lastEndpoint };
    }
    case "unbind":
      await entry(msg).socket.unbind(msg.endpoint);
      return {};
    case "connect": {
      const s = entry(msg);
      const routingId = msg.routingId ?? s.connectRoutingId;
      s.connectRoutingId = undefined;
      if (routingId !== undefined) s.socket.connect(msg.endpoint, { routingId });
      else s.socket.connect(msg.endpoint);
      return {};
    }
    case "disconnect":
      entry(msg).socket.disconnect(msg.endpoint);
      return {};
    case "send": {
      const s = entry(msg);
      s.socket.sendTimeout = msg.timeout ?? 5000;
      const frames = msg.frames.map((f) => Buffer.from(f, "base64"));
      if (msg.group !== undefined)
        await s.socket.send(frames, { group: Buffer.from(msg.group, "base64") });
      else if (msg.routingId !== undefined)
        await s.socket.send(frames, { routingId: msg.routingId });
      else await s.socket.send(frames);
      return {};
    }
    case "recv": {
      const s = entry(msg);
      s.socket.receiveTimeout = msg.timeout ?? 5000;
      const result = await s.socket.receive();
      const meta = Buffer.isBuffer(result[result.length - 1]) ? undefined : result.pop();
      const reply = { frames: result.map((f) => Buffer.from(f).toString("base64")) };
      if (meta?.group !== undefined) reply.group = Buffer.from(meta.group).toString("base64");
      if (meta?.routingId !== undefined) reply.routingId = meta.routingId;
      return reply;
    }
    case "join":
    case "leave": {
      const group = Buffer.from(msg.group, "base64");
      if (msg.op === "join") entry(msg).socket.join(group);
      else entry(msg).socket.leave(group);
      return {};
    }
    case "zap": {
      // A ZAP handler in this process: {"op":"zap","allow":["PLAIN:user:pass","CURVE:<z85 key>"]}
      // answers 200 (User-Id = the credential) for listed credentials, else 400.
      if (zapHandler !== undefined) zapHandler.close();
      zapHandler = new zmq.Router({ linger: 0 });
      await zapHandler.bind("inproc://zeromq.zap.01");
      const allow = new Set(msg.allow ?? []);
      const router = zapHandler;
      (async () => {
        for await (const [id, , version, requestId, , , , mechanism, ...credentials] of router) {
          const mech = String(mechanism);
          const key =
            mech === "CURVE"
              ? `CURVE:${z85(credentials[0])}`
              : `${mech}:${credentials.map(String).join(":")}`;
          const ok = allow.has(key) || (mech === "NULL" && allow.has("NULL"));
          await router.send([
            id,
            "",
            version,
            requestId,
            ok ? "200" : "400",
            ok ? "OK" : "denied",
            ok ? key : "",
            "",
          ]);
        }
      })().catch(() => {});
      return {};
    }
    case "close": {
      const s = entry(msg);
      s.socket.close();
      sockets.delete(msg.sock);
      return {};
    }
    case "exit":
      for (const s of sockets.values()) s.socket.close();
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw fail("EINVAL", `unknown op ${msg.op}`);
  }
}

// Commands run one after another, in arrival order.
let chain = Promise.resolve();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "") return;
  chain = chain.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
      const result = await handle(msg);
      process.stdout.write(`${JSON.stringify({ id: msg.id, ok: true, ...result })}\n`);
    } catch (error) {
      const reply = {
        id: msg?.id,
        ok: false,
        code: error?.code ?? "EUNKNOWN",
        error: String(error?.message ?? error),
      };
      process.stdout.write(`${JSON.stringify(reply)}\n`);
    }
  });
});
process.stdin.on("end", () => {
  chain.then(() => {
    for (const s of sockets.values()) s.socket.close();
    process.exit(0);
  });
});
