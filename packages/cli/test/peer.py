"""libzmq peers (pyzmq) for the zmq CLI tests. Usage: peer.py ROLE [ARGS...]

Roles that bind print their endpoint on the first line of stdout; roles that
receive print each message as a JSON array of latin-1 strings, one per line.
Every role exits on its own or when its stdin closes (so a dead test leaves
no process behind).
"""
import json
import sys
import threading
import os

import zmq

ctx = zmq.Context()


def die_with_stdin():
    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def bind(sock):
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    print(f"tcp://127.0.0.1:{port}", flush=True)


def show(frames):
    print(json.dumps([f.decode("latin-1") for f in frames]), flush=True)


def main():
    die_with_stdin()
    role, args = sys.argv[1], sys.argv[2:]
    if role == "rep-upper":
        # Replies with the request's frames reversed and upper-cased.
        s = ctx.socket(zmq.REP)
        bind(s)
        while True:
            msg = s.recv_multipart()
            s.send_multipart([f.upper() for f in reversed(msg)])
    elif role == "curve-rep":
        # A CURVE server with the given secret key; replies "ok:" + request.
        s = ctx.socket(zmq.REP)
        s.curve_server = True
        s.curve_secretkey = args[0].encode()
        bind(s)
        while True:
            msg = s.recv_multipart()
            s.send_multipart([b"ok:" + msg[0]])
    elif role == "pub-weather":
        # Publishes "weather N" and "sports N" alternately until stopped.
        s = ctx.socket(zmq.PUB)
        bind(s)
        n = 0
        stop = threading.Event()
        while not stop.wait(0.01):
            s.send_string(f"weather {n}")
            s.send_string(f"sports {n}")
            n += 1
    elif role == "pull":
        # Prints N messages, then exits.
        s = ctx.socket(zmq.PULL)
        bind(s)
        for _ in range(int(args[0])):
            show(s.recv_multipart())
    elif role == "req":
        # Connects to ENDPOINT, sends the frames, prints the reply.
        s = ctx.socket(zmq.REQ)
        s.connect(args[0])
        s.send_multipart([a.encode() for a in args[1:]])
        show(s.recv_multipart())
    elif role == "rep-worker":
        # Connects to ENDPOINT and answers "worker:" + request.
        s = ctx.socket(zmq.REP)
        s.connect(args[0])
        while True:
            msg = s.recv_multipart()
            s.send_multipart([b"worker:" + msg[0]])
    else:
        raise SystemExit(f"unknown role {role}")


main()
