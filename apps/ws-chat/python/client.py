"""A pyzmq chat client over tcp://: prints the room, sends what you type.

usage: /usr/bin/python3 client.py [router-endpoint] [pub-endpoint] [--say TEXT]
With --say it sends one line, waits to see it echoed by the room, and exits.
"""
import json
import sys
import threading

import zmq

args = [a for a in sys.argv[1:] if not a.startswith("--")]
router = args[0] if len(args) > 0 else "tcp://127.0.0.1:5672"
feed = args[1] if len(args) > 1 else "tcp://127.0.0.1:5673"
say = sys.argv[sys.argv.index("--say") + 1] if "--say" in sys.argv else None
nick = b"python"

ctx = zmq.Context()
dealer = ctx.socket(zmq.DEALER)
dealer.connect(router)
sub = ctx.socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, b"chat")
sub.connect(feed)

if say is not None:
    # The room sends "stats" every second: the first one proves the subscription is in place.
    sub.setsockopt(zmq.SUBSCRIBE, b"stats")
    sub.setsockopt(zmq.RCVTIMEO, 10000)
    while sub.recv_multipart()[0] != b"stats":
        pass
    dealer.send_multipart([nick, say.encode()])
    while True:
        topic, body = sub.recv_multipart()
        if topic != b"chat":
            continue
        line = json.loads(body)
        print(f"{line['nick']}: {line['text']}", flush=True)
        if line["text"] == say:
            break
    ctx.destroy(linger=0)
    sys.exit(0)


def typing():
    for text in sys.stdin:
        if text.strip():
            dealer.send_multipart([nick, text.strip().encode()])


threading.Thread(target=typing, daemon=True).start()
print(f"connected to {router} and {feed}; type to chat", flush=True)
while True:
    topic, body = sub.recv_multipart()
    line = json.loads(body)
    print(f"{line['nick']}: {line['text']}", flush=True)
