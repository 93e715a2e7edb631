import { readFileSync } from "node:fs";
import { SOCKET_TYPE_NUMBER } from "@zmq/patterns";
import { describe, expect, it } from "vitest";
import { OUTPUT, renderOptionProperties } from "../scripts/gen-options";
import * as Z from "../src/index";
import { OPTIONS, type OptionName } from "../src/options";

describe("option-properties.ts", () => {
  it("is what scripts/gen-options.ts renders from the table (run `pnpm --filter @zmq/socket gen:options`)", () => {
    expect(readFileSync(OUTPUT, "utf8")).toBe(renderOptionProperties());
  });

  it("declares every table option once per interface, with its libzmq name in the doc", () => {
    const source = renderOptionProperties();
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const declared = source.match(new RegExp(`^  ${name}: `, "gm")) ?? [];
      expect(declared.length, name).toBeGreaterThan(0);
      expect(source).toContain(`\`${spec.zmq}\` (${spec.id}): ${spec.doc.split(" ")[0]}`);
    }
    // One interface per socket type, plus the common, sending and receiving ones.
    const interfaces = source.match(/^export interface \w+OptionProperties /gm) ?? [];
    expect(interfaces.length).toBe(Object.keys(SOCKET_TYPE_NUMBER).length + 3);
  });

  it("declares on each class exactly the table options installed on it", () => {
    const source = renderOptionProperties();
    const members = (iface: string): string[] => {
      const body = source.match(new RegExp(`export interface ${iface} \\{(\\}|[^]*?\\n\\})`))?.[1];
      expect(body, iface).toBeDefined();
      return [...(body ?? "").matchAll(/^ {2}(\w+): /gm)].map((m) => m[1]!);
    };
    const common = members("SocketOptionProperties");
    const classes: Record<string, { prototype: object }> = {
      Pair: Z.Pair,
      Publisher: Z.Publisher,
      Subscriber: Z.Subscriber,
      Request: Z.Request,
      Reply: Z.Reply,
      Dealer: Z.Dealer,
      Router: Z.Router,
      Pull: Z.Pull,
      Push: Z.Push,
      XPublisher: Z.XPublisher,
      XSubscriber: Z.XSubscriber,
      Stream: Z.Stream,
      Server: Z.Server,
      Client: Z.Client,
      Radio: Z.Radio,
      Dish: Z.Dish,
      Gather: Z.Gather,
      Scatter: Z.Scatter,
      Datagram: Z.Datagram,
      Peer: Z.Peer,
      Channel: Z.Channel,
    };
    for (const [name, cls] of Object.entries(classes)) {
      const proto = cls.prototype as Record<string, unknown>;
      const installed = (Object.keys(OPTIONS) as OptionName[]).filter((o) => o in proto).sort();
      const declared = [
        ...common,
        ...("send" in proto ? members("SendOptionProperties") : []),
        ...("receive" in proto ? members("ReceiveOptionProperties") : []),
        ...members(`${name}OptionProperties`),
      ].sort();
      expect(declared, name).toEqual(installed);
    }
  });
});

// Each class's declaration takes its generated interface (checked by `tsc -b`).
type Has<C, P> = C extends P ? true : false;
export const declared: true[] = [
  true as Has<Z.Pair, Z.PairOptionProperties & Z.SendOptionProperties & Z.ReceiveOptionProperties>,
  true as Has<Z.Publisher, Z.PublisherOptionProperties & Z.SendOptionProperties>,
  true as Has<Z.Subscriber, Z.SubscriberOptionProperties & Z.ReceiveOptionProperties>,
  true as Has<Z.Request, Z.RequestOptionProperties>,
  true as Has<Z.Reply, Z.ReplyOptionProperties>,
  true as Has<Z.Dealer, Z.DealerOptionProperties>,
  true as Has<Z.Router, Z.RouterOptionProperties>,
  true as Has<Z.Pull, Z.PullOptionProperties>,
  true as Has<Z.Push, Z.PushOptionProperties>,
  true as Has<Z.XPublisher, Z.XPublisherOptionProperties>,
  true as Has<Z.XSubscriber, Z.XSubscriberOptionProperties>,
  true as Has<Z.Stream, Z.StreamOptionProperties>,
  true as Has<Z.Server, Z.ServerOptionProperties>,
  true as Has<Z.Client, Z.ClientOptionProperties>,
  true as Has<Z.Radio, Z.RadioOptionProperties & Z.SendOptionProperties>,
  true as Has<Z.Dish, Z.DishOptionProperties & Z.ReceiveOptionProperties>,
  true as Has<Z.Gather, Z.GatherOptionProperties>,
  true as Has<Z.Scatter, Z.ScatterOptionProperties>,
  true as Has<Z.Datagram, Z.DatagramOptionProperties>,
  true as Has<Z.Peer, Z.PeerOptionProperties>,
  true as Has<Z.Channel, Z.ChannelOptionProperties>,
  true as Has<Z.Socket, Z.SocketOptionProperties>,
];
