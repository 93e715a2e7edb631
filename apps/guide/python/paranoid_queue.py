"""The Paranoid Pirate queue in pyzmq: the counterpart of src/pirate/paranoid-queue.ts.

ROUTER for clients, ROUTER for workers; least recently used ready worker gets
the next request; heartbeats every --heartbeat ms; silent workers are forgotten.
"""
import argparse
import signal
import sys
import time
from collections import OrderedDict

import zmq

READY, HEARTBEAT = b"\x01", b"\x02"

parser = argparse.ArgumentParser()
parser.add_argument("--frontend", default="tcp://127.0.0.1:5555")
parser.add_argument("--backend", default="tcp://127.0.0.1:5556")
parser.add_argument("--heartbeat", type=int, default=1000)
parser.add_argument("--liveness", type=int, default=3)
args = parser.parse_args()
interval = args.heartbeat / 1000

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
context = zmq.Context.instance()
frontend = context.socket(zmq.ROUTER)
frontend.bind(args.frontend)
backend = context.socket(zmq.ROUTER)
backend.bind(args.backend)
print(
    f"queue (pyzmq): clients on {frontend.getsockopt_string(zmq.LAST_ENDPOINT)}, "
    f"workers on {backend.getsockopt_string(zmq.LAST_ENDPOINT)}",
    flush=True,
)

workers = OrderedDict()  # address -> expiry, least recently used first
heartbeat_at = time.monotonic() + interval
poll_workers = zmq.Poller()
poll_workers.register(backend, zmq.POLLIN)
poll_both = zmq.Poller()
poll_both.register(frontend, zmq.POLLIN)
poll_both.register(backend, zmq.POLLIN)
dispatched = replied = 0
try:
    while True:
        events = dict((poll_both if workers else poll_workers).poll(args.heartbeat))
        if backend in events:
            address, *rest = backend.recv_multipart()
            workers.pop(address, None)
            workers[address] = time.monotonic() + interval * args.liveness
            if len(rest) >= 3:
                frontend.send_multipart(rest)
                replied += 1
            elif rest not in ([READY], [HEARTBEAT]):
                print(f"queue (pyzmq): invalid message from worker {address!r}", flush=True)
        if frontend in events and workers:
            request = frontend.recv_multipart()
            address, _ = workers.popitem(last=False)
            backend.send_multipart([address] + request)
            dispatched += 1
        now = time.monotonic()
        if now >= heartbeat_at:
            for address in workers:
                backend.send_multipart([address, HEARTBEAT])
            heartbeat_at = now + interval
        for address, expiry in list(workers.items()):
            if expiry < now:
                print(f"queue (pyzmq): worker {address.decode(errors='replace')} is silent, forgetting it", flush=True)
                del workers[address]
finally:
    print(f"queue (pyzmq): stopped after {dispatched} requests, {replied} replies", flush=True)
