#!/usr/bin/python3
"""The libzmq peer for the interop suite, on Debian's pyzmq (libzmq 4.3.4).

Run with /usr/bin/python3. It reads one JSON command per line on stdin and
answers one JSON line per command on stdout, in order; the protocol is the one
src/zmqjs-peer.cjs speaks (see there). Frames travel base64-encoded; options
and monitor events use libzmq's names.
"""
import base64
import json
import sys
import time

import zmq
from zmq.utils.monitor import parse_monitor_message
import zmq.utils.z85

TYPES = {
    name: getattr(zmq, name)
    for name in (
        "PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER",
        "PULL", "PUSH", "XPUB", "XSUB", "STREAM",
    )
}

STRING_OPTIONS = {
    "ROUTING_ID", "CONNECT_ROUTING_ID",
    # Security: keys as 40-character Z85 strings.
    "PLAIN_USERNAME", "PLAIN_PASSWORD", "ZAP_DOMAIN",
    "CURVE_PUBLICKEY", "CURVE_SECRETKEY", "CURVE_SERVERKEY",
}
zap_thread = None
BYTES_OPTIONS = {"SUBSCRIBE", "UNSUBSCRIBE"}

EVENT_NAMES = {}
for _name in dir(zmq):
    if _name.startswith("EVENT_") and _name not in ("EVENT_ALL", "EVENT_ALL_V1", "EVENT_ALL_V2"):
        _value = getattr(zmq, _name)
        if isinstance(_value, int):
            EVENT_NAMES[int(_value)] = _name[len("EVENT_"):]

ctx = zmq.Context.instance()
sockets = {}
monitors = {}
next_sock = 1


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def unb64(text):
    return base64.b64decode(text)


def entry(msg):
    sock = sockets.get(msg.get("sock"))
    if sock is None:
        raise Failure("ENOTSOCK", "no socket %r" % msg.get("sock"))
    return sock


def set_option(sock, name, value):
    option = getattr(zmq, name, None)
    if option is None:
        raise Failure("EINVAL", "unknown option %s" % name)
    if name in STRING_OPTIONS:
        value = str(value).encode("utf-8")
    elif name in BYTES_OPTIONS:
        value = unb64(value)
    elif isinstance(value, bool):
        value = int(value)
    sock.setsockopt(option, value)


def start_monitor(sid):
    if sid in monitors:
        return
    sock = sockets[sid]
    mon = sock.get_monitor_socket()
    monitors[sid] = {"socket": mon, "events": []}


def drain_monitor(sid, wait, timeout):
    mon = monitors.get(sid)
    if mon is None:
        raise Failure("EINVAL", "socket is not monitored")
    deadline = time.monotonic() + timeout / 1000.0
    events = mon["events"]

    def has():
        return wait is None or any(e["event"] == wait for e in events)

    while True:
        while mon["socket"].poll(0):
            parsed = parse_monitor_message(mon["socket"].recv_multipart())
            endpoint = parsed.get("endpoint", b"")
            if isinstance(endpoint, bytes):
                endpoint = endpoint.decode("utf-8", "replace")
            events.append(
                {
                    "event": EVENT_NAMES.get(int(parsed["event"]), str(int(parsed["event"]))),
                    "value": int(parsed.get("value", 0)),
                    "endpoint": endpoint,
                }
            )
        left = deadline - time.monotonic()
        if has() or left <= 0:
            break
        mon["socket"].poll(int(left * 1000) + 1)
    mon["events"] = []
    return events


def close_socket(sid):
    sock = sockets.pop(sid)
    mon = monitors.pop(sid, None)
    if mon is not None:
        sock.disable_monitor()
        mon["socket"].close(0)
    sock.close(0)


def handle(msg):
    global next_sock
    op = msg.get("op")
    if op == "hello":
        return {"version": zmq.zmq_version(), "peer": "pyzmq " + zmq.__version__}
    if op == "socket":
        kind = TYPES.get(msg.get("type"))
        if kind is None:
            raise Failure("EINVAL", "unknown socket type %r" % msg.get("type"))
        sock = ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        sid = next_sock
        next_sock += 1
        sockets[sid] = sock
        if msg.get("monitor"):
            start_monitor(sid)
        for name, value in (msg.get("options") or {}).items():
            set_option(sock, name, value)
        return {"sock": sid}
    if op == "poll":
        # Reading ZMQ_EVENTS makes libzmq process pending commands (e.g. attach a new peer).
        events = entry(msg).getsockopt(zmq.EVENTS)
        return {"readable": bool(events & zmq.POLLIN), "writable": bool(events & zmq.POLLOUT)}
    if op == "setopt":
        set_option(entry(msg), msg["name"], msg["value"])
        return {}
    if op == "monitor":
        entry(msg)
        start_monitor(msg["sock"])
        return {}
    if op == "events":
        entry(msg)
        return {"events": drain_monitor(msg["sock"], msg.get("wait"), msg.get("timeout", 0))}
    if op == "bind":
        sock = entry(msg)
        sock.bind(msg["endpoint"])
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode("utf-8")}
    if op == "unbind":
        entry(msg).unbind(msg["endpoint"])
        return {}
    if op == "connect":
        sock = entry(msg)
        if msg.get("routingId") is not None:
            sock.setsockopt(zmq.CONNECT_ROUTING_ID, str(msg["routingId"]).encode("utf-8"))
        sock.connect(msg["endpoint"])
        return {}
    if op == "disconnect":
        entry(msg).disconnect(msg["endpoint"])
        return {}
    if op == "send":
        sock = entry(msg)
        sock.setsockopt(zmq.SNDTIMEO, int(msg.get("timeout", 5000)))
        sock.send_multipart([unb64(f) for f in msg["frames"]], copy=True)
        return {}
    if op == "recv":
        sock = entry(msg)
        sock.setsockopt(zmq.RCVTIMEO, int(msg.get("timeout", 5000)))
        frames = sock.recv_multipart(copy=True)
        return {"frames": [b64(f) for f in frames]}
    if op == "zap":
        # A ZAP handler thread: {"op":"zap","allow":["PLAIN:user:pass","CURVE:<z85 key>"]}
        # answers 200 (User-Id = the credential) for listed credentials, else 400.
        global zap_thread
        if zap_thread is None:
            import threading
            allow = set(msg.get("allow") or [])
            handler = ctx.socket(zmq.REP)
            handler.setsockopt(zmq.LINGER, 0)
            handler.bind("inproc://zeromq.zap.01")

            def serve():
                while True:
                    try:
                        frames = handler.recv_multipart()
                    except zmq.ZMQError:
                        return
                    version, request_id, _domain, _address, _identity, mechanism = frames[:6]
                    creds = frames[6:]
                    mech = mechanism.decode()
                    if mech == "CURVE":
                        key = "CURVE:" + zmq.utils.z85.encode(creds[0]).decode()
                    else:
                        key = mech + ":" + ":".join(c.decode() for c in creds)
                    ok = key in allow
                    handler.send_multipart([version, request_id, b"200" if ok else b"400",
                                            b"OK" if ok else b"denied", key.encode() if ok else b"", b""])

            zap_thread = threading.Thread(target=serve, daemon=True)
            zap_thread.start()
        return {}
    if op == "close":
        entry(msg)
        close_socket(msg["sock"])
        return {}
    if op == "exit":
        for sid in list(sockets):
            close_socket(sid)
        return {"exit": True}
    raise Failure("EINVAL", "unknown op %r" % op)


def errno_name(err):
    import errno as errno_module

    return errno_module.errorcode.get(err.errno, "E%d" % (err.errno or 0))


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = {}
        try:
            msg = json.loads(line)
            reply = {"id": msg.get("id"), "ok": True}
            reply.update(handle(msg))
        except zmq.ZMQError as err:
            code = "EAGAIN" if err.errno == zmq.EAGAIN else errno_name(err)
            reply = {"id": msg.get("id"), "ok": False, "code": code, "error": str(err)}
        except Failure as err:
            reply = {"id": msg.get("id"), "ok": False, "code": err.code, "error": str(err)}
        except Exception as err:  # noqa: BLE001 - every failure is an answer
            reply = {"id": msg.get("id"), "ok": False, "code": "EUNKNOWN", "error": repr(err)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if reply.get("exit"):
            break
    ctx.term()


if __name__ == "__main__":
    main()
