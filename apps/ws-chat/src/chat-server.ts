/**
 * The chat room: a ROUTER takes `[nick, text]` from every client (browser pages
 * over ws://, Python or Node over tcp://) and a PUB broadcasts each line, plus a
 * `stats` message every second (people seen, lines, uptime), to every subscriber.
 * The same two sockets serve both transports: each binds twice.
 */
import { Publisher, Router } from "@zmq/node";

export interface ChatEndpoints {
  wsRouter: string;
  wsPub: string;
  tcpRouter: string;
  tcpPub: string;
}

export interface ChatServer {
  endpoints: ChatEndpoints;
  close(): void;
}

const decoder = new TextDecoder();

export async function startChat(
  host = "127.0.0.1",
  ports?: Partial<Record<keyof ChatEndpoints, number>>,
): Promise<ChatServer> {
  const router = new Router();
  const pub = new Publisher();
  const at = (scheme: string, port: number | undefined, path = "") =>
    `${scheme}://${host}:${port ?? "*"}${path}`;
  await router.bind(at("ws", ports?.wsRouter, "/chat"));
  const wsRouter = router.lastEndpoint!;
  await router.bind(at("tcp", ports?.tcpRouter));
  const tcpRouter = router.lastEndpoint!;
  await pub.bind(at("ws", ports?.wsPub, "/feed"));
  const wsPub = pub.lastEndpoint!;
  await pub.bind(at("tcp", ports?.tcpPub));
  const tcpPub = pub.lastEndpoint!;

  const people = new Set<string>();
  let lines = 0;
  const started = Date.now();
  const broadcast = (topic: string, body: unknown) =>
    pub.send([topic, JSON.stringify(body)]).catch(() => {});

  void (async () => {
    for await (const [, nickFrame, textFrame] of router) {
      const nick = decoder.decode(nickFrame).slice(0, 32) || "anonymous";
      const text = decoder.decode(textFrame).slice(0, 500);
      if (text === "") continue;
      people.add(nick);
      lines++;
      await broadcast("chat", { nick, text, at: Date.now() });
    }
  })().catch(() => {});

  const timer = setInterval(() => {
    void broadcast("stats", {
      people: people.size,
      lines,
      uptime: Math.round((Date.now() - started) / 1000),
    });
  }, 1000);

  return {
    endpoints: { wsRouter, wsPub, tcpRouter, tcpPub },
    close() {
      clearInterval(timer);
      router.close();
      pub.close();
    },
  };
}
