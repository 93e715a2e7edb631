"""A pyzmq (libzmq) server for the browser tests: REP, ROUTER and PUB bound on ws://.

REP answers [name, body] with [name, body, "ok"]; ROUTER answers [id, *frames] with
[id, *frames, "ok"]; PUB publishes ["weather", "sunny-n"] and ["sports", "x-n"]
every 20 ms. Prints the three endpoints as one JSON line, then serves until stdin closes.
No heartbeat options: libzmq aborts when a bare ZWS2.0 peer meets them.
"""
import json
import sys
import threading
import time

import zmq

ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.bind("ws://127.0.0.1:*/zmq")
router = ctx.socket(zmq.ROUTER)
router.bind("ws://127.0.0.1:*/zmq")
pub = ctx.socket(zmq.PUB)
pub.bind("ws://127.0.0.1:*/zmq")
print(json.dumps({
    "rep": rep.getsockopt_string(zmq.LAST_ENDPOINT),
    "router": router.getsockopt_string(zmq.LAST_ENDPOINT),
    "pub": pub.getsockopt_string(zmq.LAST_ENDPOINT),
}), flush=True)

stop = False


def watch_stdin():
    global stop
    sys.stdin.read()
    stop = True


threading.Thread(target=watch_stdin, daemon=True).start()

poller = zmq.Poller()
poller.register(rep, zmq.POLLIN)
poller.register(router, zmq.POLLIN)
n = 0
next_pub = time.monotonic()
while not stop:
    for sock, _ in poller.poll(10):
        frames = sock.recv_multipart()
        sock.send_multipart(frames + [b"ok"])
    if time.monotonic() >= next_pub:
        pub.send_multipart([b"weather", b"sunny-%d" % n])
        pub.send_multipart([b"sports", b"x-%d" % n])
        n += 1
        next_pub += 0.02
ctx.destroy(linger=0)
