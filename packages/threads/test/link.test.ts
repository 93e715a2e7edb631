import { afterEach, describe, expect, it } from "vitest";
import { createRegistryRoot, type ThreadLink, ThreadRegistry } from "../src/index";
import { attached, bytes, closed, readMessages, text } from "./fixtures/helpers";

// One registry talking to itself: the same rings and wake-ups as across threads,
// deterministic enough to pin the flow-control and close rules.
let registry: ThreadRegistry;
afterEach(() => registry?.close());

function pair(
  bindOptions: Parameters<ThreadRegistry["bind"]>[2] = {},
  connectOptions: Parameters<ThreadRegistry["connect"]>[1] = {},
): Promise<{ client: ThreadLink; server: ThreadLink }> {
  registry = new ThreadRegistry({ root: createRegistryRoot(), thread: 0 });
  return new Promise((resolve) => {
    let server: ThreadLink | undefined;
    registry.bind("p", (link) => (server = link), bindOptions);
    const client = registry.connect("p", connectOptions);
    void attached(client).then(() => resolve({ client, server: server! }));
  });
}

describe("ThreadLink", () => {
  it("refuses bad names and options with typed errors", () => {
    registry = new ThreadRegistry({
      root: createRegistryRoot({ maxNameBytes: 8, maxNames: 1 }),
      thread: 0,
    });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return "none";
    };
    expect(code(() => registry.bind("", () => {}))).toBe("EINVAL");
    expect(code(() => registry.bind("123456789", () => {}))).toBe("EINVAL");
    expect(code(() => registry.connect("a", { ringBytes: 5000 }))).toBe("EINVAL");
    expect(code(() => registry.connect("a", { sendHighWaterMark: -1 }))).toBe("EINVAL");
    registry.bind("one", () => {});
    expect(code(() => registry.bind("one", () => {}))).toBe("EADDRINUSE");
    expect(code(() => registry.bind("two", () => {}))).toBe("ENOMEM");
    registry.close();
    expect(code(() => registry.bind("three", () => {}))).toBe("ECLOSED");
  });

  it("holds SNDHWM + RCVHWM per direction, and resumes the writer at the low-water mark", async () => {
    const { client, server } = await pair({ receiveHighWaterMark: 30 }, { sendHighWaterMark: 10 });
    let accepted = 0;
    while (client.write([bytes(String(accepted))])) accepted++;
    expect(accepted).toBe(40);
    expect(client.outboundSize).toBe(40);
    let writable = false;
    client.setHandler({ writable: () => (writable = true) });
    await new Promise((resolve) => setTimeout(resolve, 0)); // writes are published once per microtask batch
    // Reading down to just above the low-water mark (20) does not release the writer…
    for (let i = 0; i < 19; i++) expect(text(server.read()![0])).toBe(String(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writable).toBe(false);
    // …reaching it does.
    server.read();
    await new Promise<void>((resolve) => {
      const poll = () => (writable ? resolve() : setTimeout(poll, 1));
      poll();
    });
    expect(client.write([bytes("more")])).toBe(true);
  });

  it("setHighWaterMarks changes this end's parts of both limits at once", async () => {
    const { client, server } = await pair({ receiveHighWaterMark: 3 }, { sendHighWaterMark: 5 });
    expect(client.outboundLimit).toBe(8);
    let accepted = 0;
    while (client.write([bytes(String(accepted))])) accepted++;
    expect(accepted).toBe(8);
    // Raised on the writing end: the blocked writer hears `writable` and goes on.
    let writable = false;
    client.setHandler({ writable: () => (writable = true) });
    client.setHighWaterMarks(50, 7);
    expect(writable).toBe(true);
    expect(client.outboundLimit).toBe(53);
    expect(server.inboundLimit).toBe(53);
    expect(server.outboundLimit).toBe(1000 + 7);
    while (client.write([bytes(String(accepted))])) accepted++;
    expect(accepted).toBe(53);
    // Raised on the reading end (its RCVHWM): the other thread's writer sees the room.
    const woken = new Promise<void>((resolve) => client.setHandler({ writable: () => resolve() }));
    server.setHighWaterMarks(1000, 10);
    expect(client.outboundLimit).toBe(60);
    await woken;
    while (client.write([bytes(String(accepted))])) accepted++;
    expect(accepted).toBe(60);
    // Lowered: nothing more fits until the reader drains below the new limit.
    client.setHighWaterMarks(1, 7);
    expect(client.write([bytes("x")])).toBe(false);
    expect(() => client.setHighWaterMarks(-1, 0)).toThrow(/sendHighWaterMark/);
  });

  it("0 means no limit", async () => {
    const { client } = await pair({ receiveHighWaterMark: 0 }, { sendHighWaterMark: 5 });
    for (let i = 0; i < 5000; i++) expect(client.write([bytes("x")])).toBe(true);
  });

  it("messages over the ring's byte room wait in the writer, inside the message count", async () => {
    const { client, server } = await pair({}, { ringBytes: 4096 });
    const big = new Uint8Array(900).fill(7);
    for (let i = 0; i < 50; i++) expect(client.write([big, bytes(String(i))])).toBe(true);
    const got = await readMessages(server, 50);
    got.forEach((message, i) => {
      expect(message[0]!.byteLength).toBe(900);
      expect(text(message[1])).toBe(String(i));
    });
  });

  it("close with linger: the peer reads everything, then sees the close", async () => {
    const { client, server } = await pair({}, { ringBytes: 4096 });
    for (let i = 0; i < 100; i++) client.write([new Uint8Array(200), bytes(String(i))]);
    const done = closed(client);
    client.close(-1);
    expect(client.write([bytes("late")])).toBe(false);
    const got = await readMessages(server, 100);
    expect(text(got[99]![1])).toBe("99");
    expect(await done).toBe("local");
    expect(await closed(server)).toBe("peer");
  });

  it("close without linger leaves what is in the ring to the peer (libzmq's shared inproc pipe), then ends", async () => {
    const { client, server } = await pair();
    for (let i = 0; i < 10; i++) client.write([bytes(String(i))]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const local = closed(client);
    client.close(0);
    // The closing end is done at once: nothing waits for the peer to read.
    expect(await local).toBe("local");
    const got = await readMessages(server, 10);
    expect(got.map((message) => text(message[0]!))).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
    ]);
    expect(await closed(server)).toBe("peer");
    expect(server.read()).toBeUndefined();
  });

  it("linger that runs out drops the rest", async () => {
    const { client, server } = await pair();
    for (let i = 0; i < 10; i++) client.write([bytes(String(i))]);
    const done = closed(client);
    client.close(30);
    expect(await done).toBe("local");
    expect(await closed(server)).toBe("peer");
  });

  it("a writer blocked on a peer that closes (lingering) neither spins nor loses the peer's messages", async () => {
    const { client, server } = await pair({ receiveHighWaterMark: 2 }, { sendHighWaterMark: 2 });
    for (let i = 0; i < 10; i++) server.write([bytes(`s${i}`)]);
    while (client.write([bytes("c")])) {}
    server.close(-1);
    // A microtask loop would starve this timer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.write([bytes("c")])).toBe(false);
    const got = await readMessages(client, 10);
    expect(text(got[9]![0])).toBe("s9");
    expect(await closed(client)).toBe("peer");
    expect(await closed(server)).toBe("local");
  });

  it("the peer's writes fail once we closed; a pending connect can be withdrawn", async () => {
    const { client, server } = await pair();
    client.close();
    await closed(server);
    expect(server.write([bytes("x")])).toBe(false);
    const pending = registry.connect("nobody");
    pending.close();
    expect(pending.state).toBe("closed");
    expect(registry.links).toBe(0);
  });
});
