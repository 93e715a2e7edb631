"""Request-reply broker in pyzmq (ROUTER/DEALER through zmq.proxy): the counterpart of src/broker/broker.ts."""
import argparse
import signal
import sys
import threading
import time

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--frontend", default="tcp://127.0.0.1:5559")
parser.add_argument("--backend", default="tcp://127.0.0.1:5560")
args = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
context = zmq.Context.instance()
frontend = context.socket(zmq.ROUTER)
frontend.bind(args.frontend)
backend = context.socket(zmq.DEALER)
backend.bind(args.backend)
print(
    f"broker (pyzmq): clients on {frontend.getsockopt_string(zmq.LAST_ENDPOINT)}, "
    f"workers on {backend.getsockopt_string(zmq.LAST_ENDPOINT)}",
    flush=True,
)
# zmq.proxy blocks in C, where a SIGTERM can be missed: it runs in a thread,
# and the main thread waits where Python handles signals.
threading.Thread(target=zmq.proxy, args=(frontend, backend), daemon=True).start()
try:
    while True:
        time.sleep(3600)
finally:
    print("broker (pyzmq): stopped", flush=True)
