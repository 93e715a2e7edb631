/**
 * Socket events as a zeromq.js 6 program consumes them: the Observer as an async iterator and as
 * an emitter, event payload types narrowed by `type`, and the errors events carry.
 */
import {
  type Dealer,
  type Event,
  type EventOfType,
  type EventSubscriber,
  type EventType,
  Observer,
  type Router,
  type Socket,
} from "zeromq";

export function listeners(sock: Router): EventSubscriber {
  const obs: Observer = sock.events;
  const onBind = (e: EventOfType<"bind">) => console.log(e.type, e.address);
  const sub: EventSubscriber = obs.on("bind", onBind);
  sub.off("bind", onBind);
  obs.on("accept", (e) => console.log(e.address));
  obs.on("accept:error", (e) =>
    console.log(e.address, e.error.code, e.error.errno, e.error.message),
  );
  obs.on("bind:error", (e) => console.log(e.address, e.error.code, e.error.errno));
  obs.on("close", (e) => console.log(e.address));
  obs.on("close:error", (e) => console.log(e.address, e.error.code));
  obs.on("connect", (e) => console.log(e.address));
  obs.on("connect:delay", (e) => console.log(e.address));
  obs.on("connect:retry", (e) => console.log(e.address, e.interval.toFixed()));
  obs.on("disconnect", (e) => console.log(e.address));
  obs.on("end", (e) => console.log(e.type));
  obs.on("handshake", (e) => console.log(e.address));
  obs.on("handshake:error:auth", (e) => {
    const status: 300 | 400 | 500 = e.error.status;
    console.log(e.address, status, e.error.message);
  });
  obs.on("handshake:error:protocol", (e) => {
    const code: string = e.error.code;
    console.log(e.address, code.startsWith("ERR_ZMTP_"), e.error.message);
  });
  obs.on("handshake:error:other", (e) => console.log(e.address, e.error.code, e.error.errno));
  obs.on("unknown", (e) => console.log(e.type));
  return sub;
}

export async function iterate(sock: Dealer): Promise<number> {
  let n = 0;
  const obs = new Observer(sock);
  const next: Event = await obs.receive();
  console.log(next.type, obs.closed);
  for await (const event of obs) {
    switch (event.type) {
      case "connect:retry":
        n += event.interval;
        break;
      case "bind:error":
      case "accept:error":
        console.log(event.error.code, event.address);
        break;
      case "handshake:error:auth":
        console.log(event.error.status);
        break;
      case "end":
        obs.close();
        return n;
      default:
        console.log(event.type);
    }
  }
  return n;
}

export const ALL_EVENT_TYPES: EventType[] = [
  "accept",
  "accept:error",
  "bind",
  "bind:error",
  "close",
  "close:error",
  "connect",
  "connect:delay",
  "connect:retry",
  "disconnect",
  "end",
  "handshake",
  "handshake:error:auth",
  "handshake:error:other",
  "handshake:error:protocol",
  "unknown",
];

export function onAnySocket(sock: Socket): void {
  sock.events.on("end", () => sock.close());
}
