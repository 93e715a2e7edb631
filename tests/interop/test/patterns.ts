/**
 * The socket pairs of the matrix and the exchange each one runs. Every check
 * works on two `End`s, so it runs the same whichever end is ours.
 */
import { expect } from "vitest";
import {
  type End,
  type FrameLike,
  pattern,
  type SocketTypeName,
  show,
  tryRecv,
  until,
} from "./harness";

/** Multipart with empty frames, 0-byte, 255- and 256-byte frames (short/long size boundary). */
export const MULTIPART: FrameLike[] = [
  "",
  "first",
  Buffer.alloc(0),
  pattern(255, 1),
  pattern(256, 2),
  "",
  "last",
];
/** More than 1 MiB in one frame, then a small trailing frame. */
export const BIG: FrameLike[] = [pattern(1024 * 1024 + 4097, 3), "tail"];

export function expectFrames(actual: readonly Uint8Array[], expected: readonly FrameLike[]): void {
  const want = expected.map((f) => (typeof f === "string" ? Buffer.from(f) : Buffer.from(f)));
  const ok =
    actual.length === want.length && actual.every((f, i) => Buffer.from(f).equals(want[i]!));
  if (!ok) expect(show(actual)).toEqual(show(want));
  expect(ok).toBe(true);
}

/** What a cell knows about its set-up. */
export interface CellInfo {
  /** True when end `a` bound and `b` connected. */
  aBinds: boolean;
  /** Routing ids given to `a` / `b` (ROUTING_ID), if any. */
  ids: { a?: string; b?: string };
  /** The connect routing id the connecting ROUTER gave its peer, if any. */
  connectId?: string;
}

export interface PairSpec {
  name: string;
  a: SocketTypeName;
  b: SocketTypeName;
  /** ROUTING_ID for the ends that have one (set at creation). */
  routingIds?: { a?: string; b?: string };
  /** A ROUTER that connects names its peer with this CONNECT_ROUTING_ID. */
  connectRoutingId?: string;
  /** Options for the connecting end (libzmq names). */
  run(a: End, b: End, info: CellInfo): Promise<void>;
}

// ---- request/reply family -------------------------------------------------------------

/** REQ or DEALER (`client`) against REP or ROUTER (`server`). */
async function requestReply(client: End, server: End, clientId: string | undefined) {
  const explicitDelimiter = client.type === "DEALER" && server.type === "REP";
  const routerEnvelope = client.type === "REQ" ? [""] : [];
  for (const [request, reply] of [
    [MULTIPART, ["re", ...MULTIPART]],
    [BIG, ["big", ...BIG]],
  ] as const) {
    await client.send(explicitDelimiter ? ["", ...request] : request);
    const got = await server.recv();
    let envelope: Buffer[] = [];
    if (server.type === "ROUTER") {
      const id = got[0]!;
      if (clientId !== undefined) expect(id.toString()).toBe(clientId);
      else expect(id.length).toBeGreaterThan(0);
      envelope = [id];
      expectFrames(got.slice(1), [...routerEnvelope, ...request]);
      await server.send([...envelope, ...routerEnvelope, ...reply]);
    } else {
      expectFrames(got, request);
      await server.send(reply);
    }
    const answer = await client.recv();
    expectFrames(answer, explicitDelimiter ? ["", ...reply] : reply);
  }
}

const reqrep = (a: SocketTypeName, b: SocketTypeName): PairSpec => ({
  name: `${a}-${b}`,
  a,
  b,
  ...(b === "ROUTER" && { routingIds: { a: `${a.toLowerCase()}-client` } }),
  run: (ca, cb) => requestReply(ca, cb, b === "ROUTER" ? `${a.toLowerCase()}-client` : undefined),
});

// ---- symmetric pairs --------------------------------------------------------------------

async function bothWays(a: End, b: End) {
  await a.send(MULTIPART);
  expectFrames(await b.recv(), MULTIPART);
  await b.send(BIG);
  expectFrames(await a.recv(), BIG);
  await b.send(MULTIPART);
  expectFrames(await a.recv(), MULTIPART);
  await a.send(BIG);
  expectFrames(await b.recv(), BIG);
}

/** ROUTER-ROUTER: the connector names the binder with a connect routing id and speaks first. */
async function routerRouter(a: End, b: End, info: CellInfo) {
  const [connector, binder] = info.aBinds ? [b, a] : [a, b];
  const connectorId = (info.aBinds ? info.ids.b : info.ids.a)!;
  const binderName = info.connectId!;
  // Until the handshake is done the binder is unroutable (ROUTER_MANDATORY: EHOSTUNREACH).
  await until(() => connector.send([binderName, ...MULTIPART], 200), 5000);
  const got = await binder.recv();
  expect(got[0]!.toString()).toBe(connectorId);
  expectFrames(got.slice(1), MULTIPART);
  await binder.send([connectorId, ...BIG]);
  const back = await connector.recv();
  expect(back[0]!.toString()).toBe(binderName);
  expectFrames(back.slice(1), BIG);
}

// ---- publish/subscribe family ---------------------------------------------------------

const sub = (end: End, topic: string) =>
  end.type === "XSUB"
    ? end.send([Buffer.concat([Buffer.from([1]), Buffer.from(topic)])])
    : end.subscribe(topic);
const unsub = (end: End, topic: string) =>
  end.type === "XSUB"
    ? end.send([Buffer.concat([Buffer.from([0]), Buffer.from(topic)])])
    : end.unsubscribe(topic);

/** Waits for a subscription message on an XPUB, nudging the subscriber meanwhile. */
export async function expectSubscription(
  xpub: End,
  subscribe: boolean,
  topic: string,
  subscriber?: End,
) {
  const deadline = Date.now() + 5000;
  let got: Buffer[] | undefined;
  while (got === undefined) {
    await subscriber?.nudge();
    got = await tryRecv(xpub, 50);
    if (got === undefined && Date.now() > deadline) throw new Error("no subscription arrived");
  }
  expectFrames(got, [Buffer.concat([Buffer.from([subscribe ? 1 : 0]), Buffer.from(topic)])]);
}

/** Publishes `wanted` (and noise nobody subscribed to) until the subscriber gets a message. */
export async function publishUntilReceived(
  pub: End,
  subscriber: End,
  wanted: readonly FrameLike[],
  noise: readonly FrameLike[] | undefined,
  timeout = 5000,
): Promise<Buffer[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (noise) await pub.send(noise);
    await pub.send(wanted);
    const got = await tryRecv(subscriber, 50);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`${subscriber.label} received nothing`);
  }
}

async function pubSub(pub: End, subscriber: End) {
  await sub(subscriber, "topic");
  if (pub.type === "XPUB") await expectSubscription(pub, true, "topic", subscriber);
  const first = await publishUntilReceived(pub, subscriber, ["topic", ...MULTIPART], ["nope", "x"]);
  // Any "topic" message may arrive; never a "nope" one.
  expectFrames(first, ["topic", ...MULTIPART]);
  // Drain duplicates of the loop, then the big one.
  await pub.send(["topic-big", ...BIG]);
  for (;;) {
    const got = await subscriber.recv();
    if (got[0]!.toString() === "topic") continue;
    expectFrames(got, ["topic-big", ...BIG]);
    break;
  }
  // Cancel "topic", subscribe "other": once "other" flows, "topic" is filtered.
  await unsub(subscriber, "topic");
  await sub(subscriber, "other");
  if (pub.type === "XPUB") {
    await expectSubscription(pub, false, "topic", subscriber);
    await expectSubscription(pub, true, "other", subscriber);
  }
  const deadline = Date.now() + 5000;
  for (;;) {
    await pub.send(["topic", "t"]);
    await pub.send(["other", "o"]);
    const got = await tryRecv(subscriber, 50);
    if (got?.[0]?.toString() === "other") break;
    if (Date.now() > deadline) throw new Error("the new subscription never took effect");
  }
  await pub.send(["topic", "t"]);
  await pub.send(["other", "last"]);
  for (;;) {
    const got = await subscriber.recv();
    expect(got[0]!.toString()).toBe("other");
    if (got[1]!.toString() === "last") break;
  }
}

// ---- push/pull ---------------------------------------------------------------------------

async function pushPull(push: End, pull: End) {
  await push.send(MULTIPART);
  expectFrames(await pull.recv(), MULTIPART);
  await push.send(BIG);
  expectFrames(await pull.recv(), BIG);
}

// ---- the list ------------------------------------------------------------------------------

export const PAIRS: PairSpec[] = [
  reqrep("REQ", "REP"),
  reqrep("REQ", "ROUTER"),
  reqrep("DEALER", "REP"),
  reqrep("DEALER", "ROUTER"),
  { name: "DEALER-DEALER", a: "DEALER", b: "DEALER", run: bothWays },
  {
    name: "ROUTER-ROUTER",
    a: "ROUTER",
    b: "ROUTER",
    routingIds: { a: "router-a", b: "router-b" },
    connectRoutingId: "named-binder",
    run: routerRouter,
  },
  { name: "PUB-SUB", a: "PUB", b: "SUB", run: pubSub },
  { name: "XPUB-XSUB", a: "XPUB", b: "XSUB", run: pubSub },
  { name: "PUB-XSUB", a: "PUB", b: "XSUB", run: pubSub },
  { name: "XPUB-SUB", a: "XPUB", b: "SUB", run: pubSub },
  { name: "PUSH-PULL", a: "PUSH", b: "PULL", run: pushPull },
  { name: "PAIR-PAIR", a: "PAIR", b: "PAIR", run: bothWays },
];
