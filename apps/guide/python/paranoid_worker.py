"""The Paranoid Pirate worker in pyzmq (DEALER): the counterpart of src/pirate/paranoid-worker.ts.

READY, then serve and heartbeat; after --liveness silent intervals, reconnect on
a new socket with a doubling wait.
"""
import argparse
import os
import random
import signal
import sys
import time

import zmq

READY, HEARTBEAT = b"\x01", b"\x02"

parser = argparse.ArgumentParser()
parser.add_argument("--connect", default="tcp://127.0.0.1:5556")
parser.add_argument("--name", default=str(os.getpid()))
parser.add_argument("--heartbeat", type=int, default=1000)
parser.add_argument("--liveness", type=int, default=3)
parser.add_argument("--reconnect-min", type=int, default=1000)
parser.add_argument("--reconnect-max", type=int, default=32000)
parser.add_argument("--calm", type=int, default=3)
parser.add_argument("--crash-rate", type=float, default=0)
parser.add_argument("--stall-rate", type=float, default=0)
parser.add_argument("--stall-ms", type=int, default=3000)
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
rng = random.Random(args.seed)
context = zmq.Context.instance()
generation = 0


def open_socket():
    global generation
    socket = context.socket(zmq.DEALER)
    socket.setsockopt_string(zmq.IDENTITY, f"{args.name}.{generation}")
    generation += 1
    socket.connect(args.connect)
    socket.send(READY)
    print(f"worker {args.name} (pyzmq): ready", flush=True)
    return socket


socket = open_socket()
liveness = args.liveness
wait = args.reconnect_min
heartbeat_at = time.monotonic() + args.heartbeat / 1000
served = cycles = reconnects = 0
try:
    while True:
        if socket.poll(args.heartbeat, zmq.POLLIN):
            frames = socket.recv_multipart()
            if len(frames) >= 3:
                cycles += 1
                if cycles > args.calm:
                    roll = rng.random()
                    if roll < args.crash_rate:
                        print(f"worker {args.name} (pyzmq): simulating a crash", flush=True)
                        os._exit(1)
                    if roll < args.crash_rate + args.stall_rate:
                        print(f"worker {args.name} (pyzmq): simulating overload", flush=True)
                        time.sleep(args.stall_ms / 1000)
                print(f"worker {args.name} (pyzmq): normal reply to {frames[-1].decode()}", flush=True)
                socket.send_multipart(frames)
                served += 1
                liveness = args.liveness
                wait = args.reconnect_min
            elif frames == [HEARTBEAT]:
                liveness = args.liveness
                wait = args.reconnect_min
            else:
                print(f"worker {args.name} (pyzmq): invalid message ({len(frames)} frames)", flush=True)
        else:
            liveness -= 1
            if liveness == 0:
                print(f"worker {args.name} (pyzmq): heartbeat failure, reconnecting in {wait} ms", flush=True)
                socket.close(linger=0)
                time.sleep(wait / 1000)
                wait = min(wait * 2, args.reconnect_max)
                socket = open_socket()
                reconnects += 1
                liveness = args.liveness
        if time.monotonic() >= heartbeat_at:
            heartbeat_at = time.monotonic() + args.heartbeat / 1000
            socket.send(HEARTBEAT)
finally:
    print(f"worker {args.name} (pyzmq): stopped after {served} replies, {reconnects} reconnects", flush=True)
    socket.close(linger=0)
