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
start = receiver.recv_string()
expected = int(start.split()[1])
began = time.monotonic()
per_worker = {}
for _ in range(expected):
    task, worker = receiver.recv_string().split()
    print(f"result {task} {worker}", flush=True)
    per_worker[worker] = per_worker.get(worker, 0) + 1
elapsed = round((time.monotonic() - began) * 1000)
spread = " ".join(f"{w}={n}" for w, n in per_worker.items())
print(f"sink (pyzmq): {expected} results in {elapsed} ms ({spread})", flush=True)
controller.send_string("KILL")
receiver.close(linger=0)
controller.close(linger=2000)
context.term()
