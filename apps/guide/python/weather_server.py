"""Weather update server in pyzmq (PUB): the counterpart of src/weather/server.ts.

    python3 weather_server.py --bind tcp://127.0.0.1:5556 [--zip-low 10000 --zip-high 10100]
"""
import argparse
import random
import signal
import sys

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--bind", default="tcp://127.0.0.1:5556")
parser.add_argument("--zip-low", type=int, default=10000)
parser.add_argument("--zip-high", type=int, default=10100)
args = parser.parse_args()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
publisher = zmq.Context.instance().socket(zmq.PUB)
publisher.bind(args.bind)
print(f"weather server (pyzmq): publishing on {publisher.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
sent = 0
try:
    while True:
        zipcode = random.randrange(args.zip_low, args.zip_high)
        temperature = random.randrange(-80, 135)
        humidity = random.randrange(10, 60)
        publisher.send_string(f"{zipcode:05d} {temperature} {humidity}")
        sent += 1
finally:
    print(f"weather server (pyzmq): stopped after {sent} updates", flush=True)
    publisher.close(linger=0)
