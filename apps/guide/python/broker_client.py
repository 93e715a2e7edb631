"""Request-reply client in pyzmq (REQ): the counterpart of src/broker/client.ts."""
import argparse
import os

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--connect", default="tcp://127.0.0.1:5559")
parser.add_argument("--name", default=str(os.getpid()))
parser.add_argument("--requests", type=int, default=10)
args = parser.parse_args()

socket = zmq.Context.instance().socket(zmq.REQ)
socket.connect(args.connect)
last = None
for i in range(1, args.requests + 1):
    socket.send_string(f"Hello {args.name} {i}")
    last = socket.recv_string()
    if not last.startswith(f"World {args.name} {i} "):
        raise SystemExit(f"client {args.name} (pyzmq): request {i} got {last!r}")
    print(f"reply {last}", flush=True)
print(f'client {args.name} (pyzmq): {args.requests} replies, last "{last}"', flush=True)
socket.close(linger=0)
