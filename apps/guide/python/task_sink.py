"""Task sink in pyzmq (PULL, PUB for control): the counterpart of src/tasks/sink.ts."""
import argparse
import time

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--bind", default="tcp://127.0.0.1:5558")
parser.add_argument("--control", default="tcp://127.0.0.1:5559")
args = parser.parse_args()

context = zmq.Context.instance()
receiver = context.socket(zmq.PULL)
receiver.bind(args.bind)
controller = context.socket(zmq.PUB)
controller.bind(args.control)
print(
    f"sink (pyzmq): results on {receiver.getsockopt_string(zmq.LAST_ENDPOINT)}, "
    f"control on {controller.getsockopt_string(zmq.LAST_ENDPOINT)}",
    flush=True,
)
# "start N" comes over the ventilator's own connection: a fast worker's first
# result may overtake it, so count results either way.
expected = None
began = time.monotonic()
per_worker = {}
results = 0
while expected is None or results < expected:
    first, second = receiver.recv_string().split()
    if first == "start":
        expected = int(second)
        began = time.monotonic()
        continue
    print(f"result {first} {second}", flush=True)
    per_worker[second] = per_worker.get(second, 0) + 1
    results += 1
elapsed = round((time.monotonic() - began) * 1000)
spread = " ".join(f"{w}={n}" for w, n in per_worker.items())
print(f"sink (pyzmq): {expected} results in {elapsed} ms ({spread})", flush=True)
controller.send_string("KILL")
receiver.close(linger=0)
controller.close(linger=2000)
context.term()
