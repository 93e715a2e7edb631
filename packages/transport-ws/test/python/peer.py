"""A pyzmq peer for the ws interop tests, driven by JSON lines on stdin.

Each request is {"op": ..., ...}; each answer one JSON line {"ok": true, ...}
or {"ok": false, "error": "..."}. Frames travel as hex. Heartbeats are set only
when asked, and never with a bare ZWS2.0 peer (libzmq then aborts the process).
"""
import json
import sys

import zmq

ctx = zmq.Context()
sock = None
auth = None


def handle(req):
    global sock, auth
    op = req["op"]
    if op == "socket":
        sock = ctx.socket(getattr(zmq, req["type"]))
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, req.get("timeout", 10000))
        if "curve_server" in req:  # our secret key, z85
            sock.curve_server = True
            sock.curve_secretkey = req["curve_server"].encode()
        if "curve_client" in req:  # [server public, our public, our secret], z85
            server, public, secret = (k.encode() for k in req["curve_client"])
            sock.curve_serverkey = server
            sock.curve_publickey = public
            sock.curve_secretkey = secret
        if "plain_server" in req:  # {username: password}, checked by pyzmq's ZAP handler
            if auth is None:
                from zmq.auth.thread import ThreadAuthenticator

                auth = ThreadAuthenticator(ctx)
                auth.start()
            auth.configure_plain(domain="*", passwords=req["plain_server"])
            sock.plain_server = True
        if "plain_client" in req:  # [username, password]
            sock.plain_username = req["plain_client"][0].encode()
            sock.plain_password = req["plain_client"][1].encode()
        if "heartbeat" in req:  # [interval, timeout] ms; never with a bare ZWS2.0 peer
            sock.setsockopt(zmq.HEARTBEAT_IVL, req["heartbeat"][0])
            sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, req["heartbeat"][1])
        if "routing_id" in req:
            sock.setsockopt(zmq.ROUTING_ID, bytes.fromhex(req["routing_id"]))
        return {"version": zmq.zmq_version()}
    if op == "bind":
        sock.bind(req["endpoint"])
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode()}
    if op == "connect":
        sock.connect(req["endpoint"])
        return {}
    if op == "subscribe":
        sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(req["topic"]))
        return {}
    if op == "send":
        sock.send_multipart([bytes.fromhex(f) for f in req["frames"]])
        return {}
    if op == "recv":
        return {"frames": [f.hex() for f in sock.recv_multipart()]}
    if op == "close":
        sock.close(0)
        sock = None
        if auth is not None:
            auth.stop()
            auth = None
        return {}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    try:
        answer = {"ok": True, **handle(json.loads(line))}
    except Exception as error:  # every failure goes back to the test
        answer = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()

if auth is not None:
    auth.stop()
ctx.destroy(linger=0)
