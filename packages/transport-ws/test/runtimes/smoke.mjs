// ws:// and wss:// with ZwsConnection on whichever runtime runs this file (Node via tsx, Bun, Deno):
//   node --conditions=@zmq/source --import tsx test/runtimes/smoke.mjs
//   npx -y bun@1 --conditions=@zmq/source test/runtimes/smoke.mjs
//   npx -y deno@2 run --allow-all --conditions=@zmq/source test/runtimes/smoke.mjs
// Our own ends on both sides: NULL and bare ZWS2.0, a 60 KB frame one way, a reply the other.
import { readFileSync } from "node:fs";
import { ZwsConnection } from "../../../wire/src/index.ts";
import { ws, wss } from "../../src/index.ts";

const pem = (kind) =>
  readFileSync(new URL(`../fixtures/localhost.${kind}.pem`, import.meta.url), "utf8");

function drive(connection, options) {
  const inbox = [];
  let ready;
  const handshake = new Promise((resolve) => {
    ready = resolve;
  });
  const { role, host, path } = connection.webSocket;
  const engine = new ZwsConnection(
    {
      handshake: (peer) => ready(peer),
      message: (frames) => {
        inbox.push(frames);
      },
      error: (error) => console.error("error:", error.message),
    },
    { ...options, role, host, path },
  );
  const flush = () => engine.hasOutput && connection.write(engine.takeOutput());
  connection.setHandler({
    data: (chunk) => {
      engine.receive(chunk, performance.now());
      flush();
    },
    drain() {},
    end: () => connection.end(),
    close() {},
  });
  engine.start(performance.now());
  flush();
  const send = (frames) => {
    engine.send(frames);
    flush();
  };
  return { engine, inbox, handshake, send };
}

const text = new TextEncoder();
let failed = false;
for (const [scheme, transport] of [
  ["ws", ws],
  ["wss", wss],
]) {
  for (const protocols of [undefined, ["ZWS2.0"]]) {
    const listener = await transport.bind(`${scheme}://127.0.0.1:*/zmq`, {
      wssKeyPem: pem("key"),
      wssCertPem: pem("cert"),
    });
    const accepted = new Promise((resolve) => listener.onConnection(resolve));
    const connection = await transport.connect(listener.endpoint, {
      wssTrustPem: pem("cert"),
      wssHostname: "localhost",
    });
    const client = drive(connection, {
      socketType: "DEALER",
      routingId: text.encode("c"),
      ...(protocols && { protocols }),
    });
    const server = drive(await accepted, { socketType: "ROUTER" });
    await Promise.all([client.handshake, server.handshake]);
    client.send([text.encode("hi"), new Uint8Array(60_000).fill(3)]);
    server.send([text.encode("ho")]);
    const started = Date.now();
    while (
      (server.inbox.length === 0 || client.inbox.length === 0) &&
      Date.now() - started < 5000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ok =
      server.inbox[0]?.[1]?.length === 60_000 &&
      new TextDecoder().decode(client.inbox[0]?.[0]) === "ho";
    console.log(`${scheme} ${client.engine.protocol}: ${ok ? "ok" : "FAILED"}`);
    if (!ok) failed = true;
    connection.destroy();
    await listener.close();
  }
}
process.exit(failed ? 1 : 0);
