/**
 * Every socket-wide option zeromq.js 6 declares (and @zmq/node implements), assigned on every
 * socket class, standard and draft: the loop variable has the union type of all 19 classes, so
 * each assignment type-checks only if every class declares the option.
 */
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "zeromq";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "zeromq/draft";

export function configureAll(): void {
  const all = [
    new Pair(),
    new Publisher(),
    new Subscriber(),
    new Request(),
    new Reply(),
    new Dealer(),
    new Router(),
    new Pull(),
    new Push(),
    new XPublisher(),
    new XSubscriber(),
    new Stream(),
    new Server(),
    new Client(),
    new Radio(),
    new Dish(),
    new Gather(),
    new Scatter(),
    new Datagram(),
  ];
  for (const s of all) {
    s.affinity = 1;
    s.backlog = 10;
    s.connectTimeout = 100;
    s.curvePublicKey = null;
    s.curveSecretKey = null;
    s.curveServer = false;
    s.curveServerKey = null;
    s.handshakeInterval = 1000;
    s.heartbeatInterval = 1000;
    s.heartbeatTimeToLive = 1000;
    s.heartbeatTimeout = 3000;
    s.immediate = true;
    s.interface = null;
    s.ipv6 = false;
    s.linger = 0;
    s.loopbackFastPath = false;
    s.maxMessageSize = 1024;
    s.multicastMaxTransportDataUnit = 1500;
    s.plainPassword = null;
    s.plainServer = false;
    s.plainUsername = null;
    s.rate = 100;
    s.reconnectInterval = 100;
    s.reconnectMaxInterval = 1000;
    s.recoveryInterval = 1000;
    s.socksProxy = null;
    s.tcpAcceptFilter = null;
    s.tcpKeepalive = 1;
    s.tcpKeepaliveCount = 3;
    s.tcpKeepaliveIdle = 60;
    s.tcpKeepaliveInterval = 10;
    s.tcpMaxRetransmitTimeout = 0;
    s.typeOfService = 0;
    s.zapDomain = "global";
    s.zapEnforceDomain = false;
    const readOnly: [string | null, string | null, boolean, boolean] = [
      s.lastEndpoint,
      s.securityMechanism,
      s.threadSafe,
      s.closed,
    ];
    console.log(readOnly, s.type, s.context.ioThreads, s.readable, s.writable);
    s.close();
  }
}

/** The same socket-wide options as one constructor option object, given to every class. */
export function constructAll(): void {
  const common = {
    affinity: 1,
    backlog: 10,
    connectTimeout: 100,
    curvePublicKey: null,
    curveSecretKey: null,
    curveServer: false,
    curveServerKey: null,
    handshakeInterval: 1000,
    heartbeatInterval: 1000,
    heartbeatTimeToLive: 1000,
    heartbeatTimeout: 3000,
    immediate: true,
    interface: null,
    ipv6: false,
    linger: 0,
    loopbackFastPath: false,
    maxMessageSize: 1024,
    multicastMaxTransportDataUnit: 1500,
    plainPassword: null,
    plainServer: false,
    plainUsername: null,
    rate: 100,
    reconnectInterval: 100,
    reconnectMaxInterval: 1000,
    recoveryInterval: 1000,
    socksProxy: null,
    tcpAcceptFilter: null,
    tcpKeepalive: 1,
    tcpKeepaliveCount: 3,
    tcpKeepaliveIdle: 60,
    tcpKeepaliveInterval: 10,
    tcpMaxRetransmitTimeout: 0,
    typeOfService: 0,
    zapDomain: "global",
    zapEnforceDomain: false,
  };
  const sockets = [
    new Pair(common),
    new Publisher(common),
    new Subscriber(common),
    new Request(common),
    new Reply(common),
    new Dealer(common),
    new Router(common),
    new Pull(common),
    new Push(common),
    new XPublisher(common),
    new XSubscriber(common),
    new Stream(common),
    new Server(common),
    new Client(common),
    new Radio(common),
    new Dish(common),
    new Gather(common),
    new Scatter(common),
    new Datagram(common),
  ];
  for (const s of sockets) s.close();
}
