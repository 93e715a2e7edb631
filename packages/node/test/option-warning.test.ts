/**
 * zeromq.js warns (a process warning) when an option that only applies to new
 * connections is set on a socket that is already bound or connected.
 */
import { afterEach, expect, it } from "vitest";
import * as zmq from "../src/index";
import { track } from "./helpers";

const TEXT = "Socket option will not take effect until next connect/bind.";
const seen: string[] = [];
const onWarning = (warning: Error) => seen.push(warning.message);

afterEach(() => {
  process.off("warning", onWarning);
  seen.length = 0;
});

it("warns for routingId after connect and after bind, not for linger/timeouts or before", async () => {
  process.on("warning", onWarning);
  const [a, b] = track(new zmq.Dealer(), new zmq.Dealer());
  a.routingId = "before";
  a.connect("tcp://127.0.0.1:9");
  a.routingId = "after-connect";
  a.linger = 0;
  a.sendTimeout = 5;
  await b.bind("tcp://127.0.0.1:*");
  b.reconnectInterval = 50;
  await new Promise((resolve) => setImmediate(resolve));
  expect(seen.filter((m) => m === TEXT)).toHaveLength(2);
});
