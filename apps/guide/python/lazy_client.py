"""The Lazy Pirate client in pyzmq: the counterpart of src/pirate/lazy-client.ts.

Polls for each reply with a timeout; on silence, closes the REQ socket, opens a
new one and resends, up to --retries attempts, then gives up (exit code 1).
"""
import argparse
import sys

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--connect", default="tcp://127.0.0.1:5555")
parser.add_argument("--requests", type=int, default=10)
parser.add_argument("--timeout", type=int, default=2500)
parser.add_argument("--retries", type=int, default=3)
args = parser.parse_args()

context = zmq.Context.instance()


def open_socket():
    socket = context.socket(zmq.REQ)
    socket.connect(args.connect)
    return socket


socket = open_socket()
resent = 0
for sequence in range(1, args.requests + 1):
    request = str(sequence).encode()
    socket.send(request)
    attempts_left = args.retries
    while True:
        if socket.poll(args.timeout, zmq.POLLIN):
            reply = socket.recv()
            if int(reply) != sequence:
                sys.exit(f"lazy client (pyzmq): malformed reply {reply!r} to {sequence}")
            print(f"lazy client (pyzmq): server replied OK ({sequence})", flush=True)
            break
        socket.setsockopt(zmq.LINGER, 0)
        socket.close()
        attempts_left -= 1
        if attempts_left == 0:
            print("lazy client (pyzmq): server seems to be offline, abandoning", flush=True)
            sys.exit(1)
        print(f"lazy client (pyzmq): no response to {sequence}, reconnecting and resending", flush=True)
        resent += 1
        socket = open_socket()
        socket.send(request)
print(f"lazy client (pyzmq): {args.requests} replies, {resent} resent", flush=True)
socket.close(linger=0)
