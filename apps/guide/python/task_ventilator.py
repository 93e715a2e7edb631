"""Task ventilator in pyzmq (PUSH): the counterpart of src/tasks/ventilator.ts.

Waits until --workers workers have connected (watching a socket monitor), tells
the sink "start N", then sends N tasks "<id> <workload ms>".
"""
import argparse
import random

import zmq
from zmq.utils.monitor import recv_monitor_message

parser = argparse.ArgumentParser()
parser.add_argument("--bind", default="tcp://127.0.0.1:5557")
parser.add_argument("--sink", default="tcp://127.0.0.1:5558")
parser.add_argument("--workers", type=int, default=1)
parser.add_argument("--tasks", type=int, default=100)
parser.add_argument("--max-workload", type=int, default=100)
args = parser.parse_args()

context = zmq.Context.instance()
sender = context.socket(zmq.PUSH)
monitor = sender.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
sender.bind(args.bind)
print(
    f"ventilator (pyzmq): waiting for {args.workers} workers on "
    f"{sender.getsockopt_string(zmq.LAST_ENDPOINT)}",
    flush=True,
)
ready = 0
while ready < args.workers:
    if recv_monitor_message(monitor)["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
        ready += 1

# Connected to the sink before the first task goes out.
sink = context.socket(zmq.PUSH)
sink_monitor = sink.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
sink.connect(args.sink)
while recv_monitor_message(sink_monitor)["event"] != zmq.EVENT_HANDSHAKE_SUCCEEDED:
    pass
sink.disable_monitor()
sink_monitor.close()
sink.send_string(f"start {args.tasks}")
total = 0
for task in range(args.tasks):
    workload = random.randint(1, args.max_workload)
    total += workload
    sender.send_string(f"{task} {workload}")
print(f"ventilator (pyzmq): sent {args.tasks} tasks, total expected cost {total} ms", flush=True)
sender.disable_monitor()
monitor.close()
sender.close(linger=2000)
sink.close(linger=2000)
context.term()
