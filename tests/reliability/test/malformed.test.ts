/**
 * Malformed-but-survivable traffic, raw bytes against a PULL of each
 * implementation: after the handshake a peer sends one odd command, then a
 * message. Recorded per case: was the message still delivered, did the PULL
 * close the connection, did a PING get its PONG. README.md explains the choices.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Child,
  Children,
  freePort,
  IMPLS,
  type ImplName,
  record,
  sleep,
} from "../src/harness";
import { command, connect, greeting, message, ready } from "../src/raw";

type Outcome = { delivered: boolean; closed: boolean; pong: boolean };

const CASES: { name: string; bytes: Buffer }[] = [
  { name: "nothing (control)", bytes: Buffer.alloc(0) },
  { name: "PING without TTL or context", bytes: command("PING") },
  { name: "PING with a 1-byte TTL", bytes: command("PING", Buffer.from([0])) },
  { name: "PING with TTL, no context", bytes: command("PING", Buffer.from([0, 10])) },
  {
    name: "PING with a 20-byte context",
    bytes: command("PING", Buffer.concat([Buffer.from([0, 10]), Buffer.alloc(20, 0x61)])),
  },
  { name: "SUBSCRIBE at a PULL", bytes: command("SUBSCRIBE", Buffer.from("topic")) },
  { name: "CANCEL at a PULL", bytes: command("CANCEL", Buffer.from("topic")) },
  { name: "unsolicited PONG", bytes: command("PONG") },
  { name: "unknown command FOO", bytes: command("FOO", Buffer.from("bar")) },
  { name: "READY after the handshake", bytes: ready("PUSH") },
];

/**
 * What each implementation does, as measured (zeromq.js = libzmq 4.3.5). `kept`:
 * the message after the command arrives and the connection stays; `dropped`:
 * the PULL closes the connection and the message is lost.
 */
const EXPECTED: Record<ImplName, Record<string, "kept" | "dropped">> = {
  ours: {
    "nothing (control)": "kept",
    "PING without TTL or context": "kept",
    "PING with a 1-byte TTL": "kept",
    "PING with TTL, no context": "kept",
    "PING with a 20-byte context": "kept",
    "SUBSCRIBE at a PULL": "kept",
    "CANCEL at a PULL": "kept",
    "unsolicited PONG": "kept",
    "unknown command FOO": "kept",
    "READY after the handshake": "dropped",
  },
  zeromq: {
    "nothing (control)": "kept",
    "PING without TTL or context": "kept",
    "PING with a 1-byte TTL": "kept",
    "PING with TTL, no context": "kept",
    "PING with a 20-byte context": "kept",
    "SUBSCRIBE at a PULL": "kept",
    "CANCEL at a PULL": "kept",
    "unsolicited PONG": "kept",
    "unknown command FOO": "kept",
    "READY after the handshake": "kept",
  },
};

const PONG = Buffer.from("PONG", "latin1");

async function probe(
  port: number,
  bytes: Buffer,
  seq: number,
): Promise<Omit<Outcome, "delivered">> {
  const socket = await connect(port);
  // The greeting alone first: libzmq 4.3.5 fails the handshake (ZMTP protocol
  // error) when READY arrives in the same read as the greeting.
  socket.write(greeting());
  for (let i = 0; i < 100 && Buffer.concat(socket.received).length < 64; i++) await sleep(10);
  socket.write(
    Buffer.concat([
      ready("PUSH"),
      bytes,
      message([Buffer.from("m"), Buffer.from(String(seq)), Buffer.alloc(0)]),
    ]),
  );
  await sleep(400);
  const closed = socket.closed || socket.readableEnded;
  const pong = Buffer.concat(socket.received).includes(PONG);
  socket.destroy();
  return { closed, pong };
}

describe("malformed but survivable commands (raw bytes to a PULL)", () => {
  const children = new Children();
  afterAll(() => children.killAll());
  const outcomes: Partial<Record<ImplName, Outcome[]>> = {};

  for (const impl of IMPLS) {
    describe(impl, () => {
      let pull: Child;
      let port: number;
      const delivered = new Set<number>();
      beforeAll(async () => {
        port = await freePort();
        pull = children.start("pull", impl, { endpoint: `tcp://127.0.0.1:${port}` });
        pull.onReport = (r) => {
          if (r.type === "seqs") for (const seq of r.seqs as number[]) delivered.add(seq);
        };
        await pull.next("ready");
      });

      it(`${impl}: every case measured`, async () => {
        const results: Outcome[] = [];
        for (let i = 0; i < CASES.length; i++) {
          const { closed, pong } = await probe(port, CASES[i]!.bytes, i);
          await sleep(50);
          results.push({ delivered: delivered.has(i), closed, pong });
        }
        outcomes[impl] = results;
        console.log(
          impl,
          CASES.map((c, i) => `${c.name}: ${JSON.stringify(results[i])}`),
        );
        for (let i = 0; i < CASES.length; i++) {
          const expected = EXPECTED[impl][CASES[i]!.name];
          expect({
            case: CASES[i]!.name,
            kept: results[i]!.delivered && !results[i]!.closed,
          }).toEqual({
            case: CASES[i]!.name,
            kept: expected === "kept",
          });
          // Every PING that is kept is answered.
          if (CASES[i]!.name.startsWith("PING") && expected === "kept")
            expect(results[i]!.pong).toBe(true);
        }
      });
    });
  }

  it("report", () => {
    const show = (o: Outcome | undefined) =>
      o === undefined
        ? "-"
        : `${o.delivered && !o.closed ? "kept" : "dropped"}${o.pong ? ", PONG" : ""}`;
    record(
      "malformed commands after the handshake (raw bytes to a PULL, then a message)",
      CASES.map((c) => c.name),
      {
        ours: CASES.map((_, i) => show(outcomes.ours?.[i])),
        zeromq: CASES.map((_, i) => show(outcomes.zeromq?.[i])),
      },
    );
  });
});
