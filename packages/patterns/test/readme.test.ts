import { expect, it } from "vitest";
import { createPipePair, createSocket } from "../src/index";

it("the README / package-doc example runs as written", () => {
  const req = createSocket("REQ");
  const rep = createSocket("REP");
  const [reqEnd, repEnd] = createPipePair(req.pipeOptions(rep)); // inproc-style pair
  req.attachPipe(reqEnd);
  rep.attachPipe(repEnd);

  const text = new TextEncoder();
  req.send([text.encode("ping")]);
  const request = rep.receive();
  rep.send([text.encode("pong")]);
  const reply = req.receive();
  const decoder = new TextDecoder();
  expect(request?.map((f) => decoder.decode(f))).toEqual(["ping"]);
  expect(reply?.map((f) => decoder.decode(f))).toEqual(["pong"]);
});
