"""The hello-world client in Python (pyzmq): talks to the TypeScript server unchanged."""
import os
import zmq

endpoint = os.environ.get("ZMQ_ENDPOINT", "tcp://localhost:5555")
socket = zmq.Context.instance().socket(zmq.REQ)
socket.connect(endpoint)
for i in range(10):
    socket.send(b"Hello")
    print(f"python client: request {i + 1} got {socket.recv().decode()}", flush=True)
socket.close(linger=0)
