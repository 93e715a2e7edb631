// @zmq/web on the runtime's own WHATWG WebSocket, against a @zmq/node server in the same process:
//   node --experimental-websocket --conditions=@zmq/source --import tsx test/runtimes/smoke.mjs   (Node 20)
//   npx -y bun@1 --conditions=@zmq/source test/runtimes/smoke.mjs
//   npx -y deno@2 run --allow-all --sloppy-imports --conditions=@zmq/source test/runtimes/smoke.mjs
// REQ/REP with a 60 KB frame, DEALER/ROUTER, SUB; exits 0 on success.
import * as node from "../../../node/src/index.ts";
import * as web from "../../src/index.ts";

const fail = (message) => {
  console.error(`FAIL: ${message}`);
  process.exit(1);
};
const timer = setTimeout(() => fail("timed out"), 20_000);
const text = (frame) => new TextDecoder().decode(frame);

const rep = new node.Reply();
await rep.bind("ws://127.0.0.1:*/zmq");
const req = new web.Request();
req.connect(rep.lastEndpoint);
const big = new Uint8Array(60_000).map((_, i) => i % 253);
await req.send(["ping", big]);
const [ping, body] = await rep.receive();
if (text(ping) !== "ping" || body.length !== big.length || body[59_999] !== big[59_999])
  fail("REQ → REP");
await rep.send("pong");
const [pong] = await req.receive();
if (text(pong) !== "pong") fail("REP → REQ");

const router = new node.Router();
await router.bind("ws://127.0.0.1:*");
const dealer = new web.Dealer({ routingId: "smoke" });
dealer.connect(router.lastEndpoint);
await dealer.send("hello");
const [id, hello] = await router.receive();
if (text(id) !== "smoke" || text(hello) !== "hello") fail("DEALER → ROUTER");
await router.send([id, "back"]);
if (text((await dealer.receive())[0]) !== "back") fail("ROUTER → DEALER");

const pub = new node.Publisher();
await pub.bind("ws://127.0.0.1:*");
const sub = new web.Subscriber();
sub.subscribe("t");
sub.connect(pub.lastEndpoint);
let got;
sub.receive().then((m) => {
  got = m;
});
for (let i = 0; i < 200 && got === undefined; i++) {
  await pub.send(["t", String(i)]);
  await new Promise((r) => setTimeout(r, 10));
}
if (got === undefined || text(got[0]) !== "t") fail("PUB → SUB");

for (const s of [rep, req, router, dealer, pub, sub]) s.close();
clearTimeout(timer);
console.log(
  `ok: @zmq/web on ${typeof Deno !== "undefined" ? "Deno" : typeof Bun !== "undefined" ? "Bun" : `Node ${process.version}`}`,
);
