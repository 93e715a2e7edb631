// libzmq peers (zeromq.js) for the zmq CLI tests: node zmqjs-peer.mjs ROLE [ARGS...]
// Roles that bind print their endpoint first; received messages are printed as
// JSON arrays of latin-1 strings, one per line. A closed stdin ends the process.
import * as zmq from "zeromq";

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

const [role, ...args] = process.argv.slice(2);
const show = (frames) => console.log(JSON.stringify(frames.map((f) => f.toString("latin1"))));

async function bind(socket) {
  await socket.bind("tcp://127.0.0.1:*");
  console.log(socket.lastEndpoint);
}

switch (role) {
  case "push": {
    // Connects to ENDPOINT and pushes each argument as a message (a|b = two frames).
    const s = new zmq.Push();
    s.connect(args[0]);
    // Stays up (so linger delivers everything) until the test closes stdin.
    for (const m of args.slice(1)) await s.send(m.split("|"));
    break;
  }
  case "sub": {
    // Binds a SUB (everything) and prints N messages.
    const s = new zmq.Subscriber();
    s.subscribe();
    await bind(s);
    for (let i = 0; i < Number(args[0]); i++) show(await s.receive());
    process.exit(0);
    break;
  }
  case "pull": {
    const s = new zmq.Pull();
    await bind(s);
    for (let i = 0; i < Number(args[0]); i++) show(await s.receive());
    process.exit(0);
    break;
  }
  case "dealer": {
    // Connects to ENDPOINT with routing id ID, sends the frames, prints one reply.
    const s = new zmq.Dealer({ routingId: args[1] });
    s.connect(args[0]);
    await s.send(args.slice(2));
    show(await s.receive());
    process.exit(0);
    break;
  }
  default:
    console.error(`unknown role ${role}`);
    process.exit(2);
}
