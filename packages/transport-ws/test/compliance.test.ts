import { transportSuite } from "@zmq/compliance";
import { ws, wss } from "../src/index";
import { makeSelfSigned } from "./tls-fixture";

const malformedBind = [
  "ws://127.0.0.1",
  "ws://127.0.0.1:65536",
  "ws://127.0.0.1:x/p",
  "ws://a;b:1",
  "ws://127.0.0.1:5555/a b",
];
const malformedConnect = [
  "ws://*:5555",
  "ws://127.0.0.1:0/p",
  "ws://127.0.0.1:*",
  "ws://[::1:5",
  "ws://127.0.0.1:5/\x01",
];

transportSuite({
  name: "ws",
  kind: "stream",
  setup: () => ({
    transport: ws,
    bindEndpoint: () => "ws://127.0.0.1:*/zmq",
    unboundEndpoint: () => "ws://127.0.0.1:1/zmq",
    unbound: ["ECONNREFUSED"],
    doubleBind: "EADDRINUSE",
    bindOptions: { backlog: 1024 },
    malformedBind,
    malformedConnect,
  }),
});

transportSuite({
  name: "wss",
  kind: "stream",
  setup: () => {
    const { key, cert } = makeSelfSigned();
    return {
      transport: wss,
      bindEndpoint: () => "wss://127.0.0.1:*",
      unboundEndpoint: () => "wss://127.0.0.1:1/zmq",
      unbound: ["ECONNREFUSED"],
      doubleBind: "EADDRINUSE",
      bindOptions: { backlog: 1024, wssKeyPem: key, wssCertPem: cert },
      connectOptions: { wssTrustPem: cert, wssHostname: "localhost" },
      // Each TLS handshake costs a few ms of CPU on a shared machine.
      concurrency: 100,
      malformedBind: malformedBind.map((e) => e.replace("ws:", "wss:")),
      malformedConnect: malformedConnect.map((e) => e.replace("ws:", "wss:")),
    };
  },
});
