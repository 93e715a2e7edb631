/** Draft sockets as a zeromq.js 6 program uses them (constructor options include socket-wide ones). */
import { Socket } from "zeromq";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft";

export async function draft(): Promise<void> {
  const server = new Server({ immediate: true, reconnectInterval: 50, sendBufferSize: 1 << 16 });
  const client = new Client({
    curveServer: false,
    receiveBufferSize: 1 << 16,
    heartbeatInterval: 100,
  });
  await server.bind("tcp://127.0.0.1:*");
  client.connect(server.lastEndpoint ?? "");
  await client.send("hi");
  const [msg, { routingId }] = await server.receive();
  await server.send(msg, { routingId });

  const radio = new Radio({ linger: 0 });
  const dish = new Dish({ maxMessageSize: 1000 });
  dish.join("group", Buffer.from("g2"));
  dish.leave("group");
  await radio.send("news", { group: "group" });
  const [body, { group }] = await dish.receive();
  console.log(body, group);

  const scatter = new Scatter({ immediate: true });
  const gather = new Gather({ tcpKeepalive: 1 });
  await scatter.send("work");
  const [work] = await gather.receive();
  console.log(work);

  const dgram = new Datagram({ zapDomain: "x" });
  await dgram.send(["127.0.0.1:5555", "payload"]);

  const asSocket: Socket = server;
  console.log(asSocket instanceof Socket);
}
