"""Request-reply worker in pyzmq (REP): the counterpart of src/broker/worker.ts."""
import argparse
import os
import signal
import sys

import zmq
from zmq.utils.monitor import recv_monitor_message

parser = argparse.ArgumentParser()
parser.add_argument("--connect", default="tcp://127.0.0.1:5560")
parser.add_argument("--name", default=str(os.getpid()))
args = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
socket = zmq.Context.instance().socket(zmq.REP)
monitor = socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
socket.connect(args.connect)
while recv_monitor_message(monitor)["event"] != zmq.EVENT_HANDSHAKE_SUCCEEDED:
    pass
socket.disable_monitor()
monitor.close()
print(f"worker {args.name} (pyzmq): ready", flush=True)
served = 0
try:
    while True:
        # Poll with a timeout rather than block in recv: a SIGTERM that lands just
        # before a blocking recv would not be handled until a request came.
        if not socket.poll(200):
            continue
        request = socket.recv_string()
        socket.send_string(request.replace("Hello", "World", 1) + " " + args.name)
        served += 1
finally:
    print(f"worker {args.name} (pyzmq): served {served} requests", flush=True)
    socket.close(linger=0)
