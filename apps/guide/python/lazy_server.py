"""The Lazy Pirate's server in pyzmq (REP): the counterpart of src/pirate/lazy-server.ts.

Echoes requests; after --calm requests it may crash (exit code 1) or stall.
"""
import argparse
import os
import random
import signal
import sys
import time

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--bind", default="tcp://127.0.0.1:5555")
parser.add_argument("--calm", type=int, default=3)
parser.add_argument("--crash-rate", type=float, default=0.1)
parser.add_argument("--stall-rate", type=float, default=0.1)
parser.add_argument("--stall-ms", type=int, default=2000)
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
rng = random.Random(args.seed)
socket = zmq.Context.instance().socket(zmq.REP)
socket.bind(args.bind)
print(f"lazy server (pyzmq): ready on {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
cycles = 0
while True:
    # Poll with a timeout rather than block in recv: a SIGTERM that lands just
    # before a blocking recv would not be handled until a request came.
    if not socket.poll(200):
        continue
    request = socket.recv()
    cycles += 1
    if cycles > args.calm:
        roll = rng.random()
        if roll < args.crash_rate:
            print(f"lazy server (pyzmq): simulating a crash on request {request.decode()}", flush=True)
            os._exit(1)
        if roll < args.crash_rate + args.stall_rate:
            print(f"lazy server (pyzmq): simulating overload on request {request.decode()}", flush=True)
            time.sleep(args.stall_ms / 1000)
    print(f"lazy server (pyzmq): normal request {request.decode()}", flush=True)
    socket.send(request)
