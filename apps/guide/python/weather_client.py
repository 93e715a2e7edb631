"""Weather update client in pyzmq (SUB): the counterpart of src/weather/client.ts.

    python3 weather_client.py --connect tcp://127.0.0.1:5556 --zip 10001 --updates 20
"""
import argparse

import zmq

parser = argparse.ArgumentParser()
parser.add_argument("--connect", default="tcp://127.0.0.1:5556")
parser.add_argument("--zip", default="10001")
parser.add_argument("--updates", type=int, default=20)
args = parser.parse_args()

subscriber = zmq.Context.instance().socket(zmq.SUB)
subscriber.connect(args.connect)
subscriber.setsockopt_string(zmq.SUBSCRIBE, args.zip + " ")
print(f"weather client (pyzmq): collecting {args.updates} updates for zip {args.zip}", flush=True)
total = 0
for n in range(args.updates):
    text = subscriber.recv_string()
    zipcode, temperature, _ = text.split()
    if zipcode != args.zip:
        raise SystemExit(f"weather client (pyzmq): got {text!r}, not for zip {args.zip}")
    print(f"update {text}", flush=True)
    total += int(temperature)
print(
    f"weather client (pyzmq): average temperature for zip {args.zip} was "
    f"{total / args.updates:.1f}F over {args.updates} updates",
    flush=True,
)
subscriber.close(linger=0)
