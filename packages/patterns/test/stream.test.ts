// STREAM: libzmq tests test_stream, test_stream_disconnect, test_connect_rid (stream_2_stream).
import { describe, expect, it } from "vitest";
import { Stream } from "../src/index";
import { drain, enc, msg, rawPeer, receiveAll, text } from "./helpers";

describe("STREAM", () => {
  it("announces a connection with [id, ''], then delivers [id, data]", () => {
    const stream = new Stream({}, { random: () => 0 });
    const peer = rawPeer(stream, { routingId: enc("ignored") });
    peer.write(msg("GET /"));
    const [notice, data] = [stream.receive()!, stream.receive()!];
    expect(notice[0]).toEqual(Uint8Array.of(0, 0, 0, 0, 0));
    expect(notice[1]!.length).toBe(0);
    expect(text(data)?.slice(1)).toEqual(["GET /"]);
    expect(data[0]).toBe(notice[0]);
  });

  it("sends the data frames to the addressed connection", () => {
    const stream = new Stream();
    const a = rawPeer(stream);
    const b = rawPeer(stream);
    const [idA, idB] = [stream.receive()![0]!, stream.receive()![0]!];
    stream.send([idB, enc("to-b")]);
    stream.send([idA, enc("to-a1"), enc("to-a2")]);
    expect(drain(a)).toEqual([["to-a1", "to-a2"]]);
    expect(drain(b)).toEqual([["to-b"]]);
  });

  it("[id, ''] closes that connection, with no disconnect notice", () => {
    const stream = new Stream();
    const a = rawPeer(stream);
    const id = stream.receive()![0]!;
    stream.send([id, new Uint8Array(0)]);
    expect(a.state).toBe("terminated");
    expect(stream.receive()).toBeUndefined();
    expect(() => stream.send([id, enc("x")])).toThrow(
      expect.objectContaining({ code: "EHOSTUNREACH" }),
    );
  });

  it("a connection closed by the peer gives [id, '']", () => {
    const stream = new Stream();
    const a = rawPeer(stream);
    const id = stream.receive()![0]!;
    a.terminate();
    const notice = stream.receive()!;
    expect(notice[0]).toEqual(id);
    expect(notice[1]!.length).toBe(0);
  });

  it("streamNotify false: no notices", () => {
    const stream = new Stream({ streamNotify: false });
    const a = rawPeer(stream);
    expect(stream.receive()).toBeUndefined();
    a.write(msg("x"));
    expect(receiveAll(stream).map((m) => m[1])).toEqual(["x"]);
    a.terminate();
    expect(stream.receive()).toBeUndefined();
  });

  it("unknown id throws EHOSTUNREACH; a full connection returns false", () => {
    const stream = new Stream({ sendHighWaterMark: 1 });
    rawPeer(stream);
    const id = stream.receive()![0]!;
    expect(() => stream.send(msg("nope", "x"))).toThrow(
      expect.objectContaining({ code: "EHOSTUNREACH" }),
    );
    expect(stream.send([id, enc("1")])).toBe(true);
    expect(stream.send([id, enc("2")])).toBe(false);
  });

  it("connectRoutingId names the connection", () => {
    const stream = new Stream();
    rawPeer(stream, { connectRoutingId: enc("conn-1") });
    expect(text(stream.receive())).toEqual(["conn-1", ""]);
  });
});
