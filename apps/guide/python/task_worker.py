"""Task worker in pyzmq (PULL/PUSH, SUB for control): the counterpart of src/tasks/worker.ts.

Polls the task and control sockets; ends when the sink's KILL arrives.
"""
import argparse
import os
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

parser = argparse.ArgumentParser()
parser.add_argument("--name", default=str(os.getpid()))
parser.add_argument("--tasks", default="tcp://127.0.0.1:5557")
parser.add_argument("--sink", default="tcp://127.0.0.1:5558")
parser.add_argument("--control", default="tcp://127.0.0.1:5559")
args = parser.parse_args()

context = zmq.Context.instance()
# The control channel first, so the sink's KILL cannot go out before our subscription arrives.
control = context.socket(zmq.SUB)
monitor = control.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
control.connect(args.control)
control.setsockopt(zmq.SUBSCRIBE, b"")
while recv_monitor_message(monitor)["event"] != zmq.EVENT_HANDSHAKE_SUCCEEDED:
    pass
control.disable_monitor()
monitor.close()
receiver = context.socket(zmq.PULL)
receiver.connect(args.tasks)
sender = context.socket(zmq.PUSH)
sender.connect(args.sink)
print(f"worker {args.name} (pyzmq): ready", flush=True)

poller = zmq.Poller()
poller.register(receiver, zmq.POLLIN)
poller.register(control, zmq.POLLIN)
done = 0
while True:
    events = dict(poller.poll())
    if control in events:
        signal = control.recv_string()
        print(f"worker {args.name} (pyzmq): {signal} received after {done} tasks", flush=True)
        break
    if receiver in events:
        task, workload = receiver.recv_string().split()
        time.sleep(int(workload) / 1000)
        sender.send_string(f"{task} {args.name}")
        done += 1
receiver.close(linger=0)
sender.close(linger=2000)
control.close(linger=0)
context.term()
