/**
 * The `zmq` binary end to end: spawned as a process, talking to libzmq through
 * pyzmq (Debian's python3-zmq, libzmq 4.3.4) and zeromq.js (libzmq 4.3.5) in
 * both directions, plus its exit codes and messages.
 */
import { curveKeyPair } from "@zmq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  boundEndpoint,
  buildCli,
  endpointOf,
  jsonLines,
  killAll,
  pyzmq,
  removeBuild,
  requirePyzmq,
  runHere,
  VERSION,
  zmq,
  zmqjs,
  zmqRun,
} from "./helpers";

beforeAll(async () => {
  requirePyzmq();
  await buildCli();
}, 60_000);
// Tests run concurrently (each peer on its own port), so leftovers are killed at the end.
afterAll(async () => {
  await killAll();
  removeBuild();
});

const ANY_PORT = "tcp://127.0.0.1:*";

describe("usage", () => {
  const verbs = [
    "send",
    "recv",
    "req",
    "rep",
    "pub",
    "sub",
    "push",
    "pull",
    "dealer",
    "router",
    "proxy",
    "monitor",
    "keygen",
  ];

  it("the binary prints --help (zmq and a verb) and exits 0", async () => {
    const [main, sub] = await Promise.all([zmqRun(["--help"]), zmqRun(["sub", "--help"])]);
    expect(main.code).toBe(0);
    for (const verb of verbs) expect(main.stdout).toContain(`  ${verb} `);
    expect(sub).toMatchObject({ code: 0, stderr: "" });
    expect(sub.stdout).toMatch(/^Usage: zmq sub /);
    expect(sub.stdout).toContain("--subscribe PREFIX");
  });

  it("every verb has --help (and zmq help VERB)", async () => {
    for (const verb of verbs) {
      for (const args of [
        [verb, "--help"],
        [verb, "-h"],
        ["help", verb],
      ]) {
        const run = await runHere(args);
        expect(run.code, args.join(" ")).toBe(0);
        expect(run.stdout, args.join(" ")).toMatch(new RegExp(`^Usage: zmq ${verb} `));
        expect(run.stdout, args.join(" ")).toContain("Exit status:");
        expect(run.stderr, args.join(" ")).toBe("");
      }
    }
  });

  const badUsage: Array<[string[], RegExp]> = [
    [["push", "--connect", "tcp://127.0.0.1:5555", "--bogus"], /unknown option --bogus/],
    [["frob"], /unknown verb "frob"/],
    [
      ["pull", "--bind", "tcp://127.0.0.1:99999"],
      /cannot bind to tcp:\/\/127\.0\.0\.1:99999: .*port/,
    ],
    [["push", "--connect", "nope://x", "hi"], /cannot connect to nope:\/\/x: .*scheme/],
    [["push", "--connect", "tcp://localhost", "hi"], /cannot connect to tcp:\/\/localhost/],
    [["pull"], /needs --bind or --connect/],
    [["pull", "-c", "tcp://127.0.0.1:5555", "--format", "xml"], /--format must be/],
    [["pull", "-c", "tcp://127.0.0.1:5555", "--count", "ten"], /--count needs a whole number/],
    [["sub", "-c"], /--connect needs a value/],
    [["req", "-c", "tcp://127.0.0.1:5555", "--curve-server-key", "short"], /40 Z85/],
    [
      ["req", "-c", "tcp://127.0.0.1:5555", "--curve-server-key", `-${"a".repeat(39)}`, "hi"],
      /--curve-server-key's value starts with "-": write it as --curve-server-key=VALUE/,
    ],
    [["pull", "-c", "tcp://127.0.0.1:5555", "extra"], /takes no arguments/],
    [["recv", "--type", "req", "-c", "tcp://127.0.0.1:5555"], /--type must be one of/],
    [["push", "-c", "tcp://127.0.0.1:5555", "-f", "hex", "xyz"], /bad hex frame "xyz"/],
    [
      ["rep", "-b", "tcp://127.0.0.1:*", "--curve-server"],
      /--curve-server needs --curve-secret-key/,
    ],
    [["proxy", "--frontend-bind", "tcp://127.0.0.1:*"], /needs --backend-bind/],
  ];

  it("the binary: a bad flag or endpoint is one line on stderr, exit 2", async () => {
    const runs = await Promise.all(badUsage.slice(0, 3).map(([args]) => zmqRun(args)));
    runs.forEach((run, i) => {
      const [args, pattern] = badUsage[i]!;
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout, args.join(" ")).toBe("");
      expect(run.stderr, args.join(" ")).toMatch(/^zmq[ :][^\n]*\n$/);
      expect(run.stderr, args.join(" ")).toMatch(pattern);
    });
  });

  it("every usage error is one line on stderr, exit 2", async () => {
    for (const [args, pattern] of badUsage) {
      const run = await runHere(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout, args.join(" ")).toBe("");
      expect(run.stderr, args.join(" ")).toMatch(/^zmq[ :][^\n]*\n$/);
      expect(run.stderr, args.join(" ")).toMatch(pattern);
    }
  });

  it("a --timeout that expires exits 3 with one line", async () => {
    const run = await zmqRun(["recv", "--connect", "tcp://127.0.0.1:1", "--timeout", "200"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("zmq: timed out after 200 ms waiting for a message\n");
  });

  it("keygen prints a Z85 key pair (text and json)", async () => {
    const text = await runHere(["keygen"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^public-key \S{40}\nsecret-key \S{40}\n$/);
    const json = await runHere(["keygen", "--format", "json"]);
    const keys = JSON.parse(json.stdout) as { publicKey: string; secretKey: string };
    expect(keys.publicKey).toHaveLength(40);
    expect(keys.secretKey).toHaveLength(40);
    expect(keys.publicKey).not.toBe(keys.secretKey);
  });

  it("--version prints the version", async () => {
    const run = await zmqRun(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });
});

describe.concurrent("against pyzmq (libzmq 4.3.4)", () => {
  it("zmq req → pyzmq REP: multipart requests, --count, hex output", async () => {
    const rep = pyzmq("rep-upper");
    const endpoint = await endpointOf(rep);
    const text = await zmqRun(["req", "-c", endpoint, "hello", "world", "--count", "2"]);
    expect(text).toMatchObject({ code: 0, stdout: "WORLD\tHELLO\nWORLD\tHELLO\n" });
    const hex = await zmqRun(["req", "-c", endpoint, "-f", "hex", "6869", "00ff"]);
    expect(hex).toMatchObject({ code: 0, stdout: "00ff 4849\n" });
  });

  it("pyzmq REQ → zmq rep --bind (echo)", async () => {
    const rep = zmq(["rep", "--bind", ANY_PORT, "-v", "--count", "1"]);
    const endpoint = await boundEndpoint(rep);
    const req = pyzmq("req", endpoint, "ping", "two");
    expect(await req.done()).toMatchObject({ code: 0 });
    expect(jsonLines(req.stdout)).toEqual([["ping", "two"]]);
    expect(await rep.done()).toMatchObject({ code: 0 });
    expect(rep.stdout).toBe("ping\ttwo\n");
  });

  it("zmq sub filters pyzmq PUB messages by --subscribe prefix", async () => {
    const pub = pyzmq("pub-weather");
    const endpoint = await endpointOf(pub);
    const sub = await zmqRun(["sub", "-c", endpoint, "--subscribe", "weather", "--count", "5"]);
    expect(sub.code).toBe(0);
    const lines = sub.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^weather \d+$/);
  });

  it("stdin lines stream into zmq push → pyzmq PULL (delimiter splits frames)", async () => {
    const pull = pyzmq("pull", "3");
    const endpoint = await endpointOf(pull);
    const push = await zmqRun(["push", "-c", endpoint, "-d", "|"], "one\ntwo|2\r\nthree");
    expect(push).toMatchObject({ code: 0, stderr: "" });
    expect(await pull.done()).toMatchObject({ code: 0 });
    expect(jsonLines(pull.stdout.split("\n").slice(1).join("\n"))).toEqual([
      ["one"],
      ["two", "2"],
      ["three"],
    ]);
  });

  it("zmq dealer → pyzmq REP with an empty delimiter frame", async () => {
    const rep = pyzmq("rep-upper");
    const endpoint = await endpointOf(rep);
    const dealer = await zmqRun(["dealer", "-c", endpoint, "-f", "json", "--count", "1", "", "hi"]);
    expect(dealer).toMatchObject({ code: 0, stdout: '["","HI"]\n' });
  });

  it("keygen output works with a pyzmq CURVE server; a wrong server key times out (exit 3)", async () => {
    const keys = JSON.parse((await zmqRun(["keygen", "-f", "json"])).stdout) as {
      publicKey: string;
      secretKey: string;
    };
    const server = pyzmq("curve-rep", keys.secretKey);
    const endpoint = await endpointOf(server);
    const ok = await zmqRun([
      "req",
      "-c",
      endpoint,
      `--curve-server-key=${keys.publicKey}`,
      "--timeout",
      "20000",
      "secret",
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: "ok:secret\n" });
    const other = curveKeyPair().publicKey;
    const refused = await zmqRun([
      "req",
      "-c",
      endpoint,
      `--curve-server-key=${other}`,
      "--timeout",
      "600",
      "secret",
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe("");
  });

  it("monitor prints a socket's events live; SIGINT exits 130", async () => {
    const rep = pyzmq("rep-upper");
    const endpoint = await endpointOf(rep);
    const monitor = zmq(["monitor", "--type", "req", "-c", endpoint, "-f", "json"]);
    await monitor.waitFor(/"type":"handshake"/);
    rep.child.stdin!.end(); // the peer goes away
    await monitor.waitFor(/"type":"disconnect"/);
    const events = jsonLines(monitor.stdout) as unknown as Array<{ type: string; address: string }>;
    expect(events.map((e) => e.type)).toContain("connect");
    for (const event of events) expect(event.address).toBe(endpoint);
    monitor.kill("SIGINT");
    expect(await monitor.done()).toMatchObject({ code: 130 });
  });

  it("proxy (queue) carries zmq req → pyzmq REP worker; SIGTERM exits 143", async () => {
    const proxy = zmq(["proxy", "-v", "--frontend-bind", ANY_PORT, "--backend-bind", ANY_PORT]);
    const front = await boundEndpoint(proxy, "frontend ");
    const back = await boundEndpoint(proxy, "backend ");
    pyzmq("rep-worker", back);
    const req = await zmqRun(["req", "-c", front, "job", "--timeout", "20000"]);
    expect(req).toMatchObject({ code: 0, stdout: "worker:job\n" });
    proxy.kill("SIGTERM");
    expect(await proxy.done()).toMatchObject({ code: 143 });
  });
});

describe.concurrent("against zeromq.js (libzmq 4.3.5)", () => {
  it("zeromq.js PUSH → zmq pull --bind, json output", async () => {
    const pull = zmq(["pull", "--bind", ANY_PORT, "-v", "--count", "3", "--format", "json"]);
    const endpoint = await boundEndpoint(pull);
    zmqjs("push", endpoint, "one", "two|2", "three");
    expect(await pull.done()).toMatchObject({ code: 0 });
    expect(jsonLines(pull.stdout)).toEqual([["one"], ["two", "2"], ["three"]]);
  });

  it("zmq pub --peers 1 → zeromq.js SUB gets every message", async () => {
    const sub = zmqjs("sub", "3");
    const endpoint = await endpointOf(sub);
    const pub = await zmqRun(["pub", "-c", endpoint, "--peers", "1", "--count", "3", "news"]);
    expect(pub).toMatchObject({ code: 0, stderr: "" });
    expect(await sub.done()).toMatchObject({ code: 0 });
    expect(jsonLines(sub.stdout.split("\n").slice(1).join("\n"))).toEqual([
      ["news"],
      ["news"],
      ["news"],
    ]);
  });

  it("NUL-delimited stdin (-0) → zmq send → zeromq.js PULL; newlines stay inside messages", async () => {
    const pull = zmqjs("pull", "2");
    const endpoint = await endpointOf(pull);
    const send = await zmqRun(["send", "-c", endpoint, "-0"], "a\nb\0c\0");
    expect(send).toMatchObject({ code: 0 });
    expect(await pull.done()).toMatchObject({ code: 0 });
    expect(jsonLines(pull.stdout.split("\n").slice(1).join("\n"))).toEqual([["a\nb"], ["c"]]);
  });

  it("zeromq.js DEALER → zmq router --echo: routing id first, message echoed back", async () => {
    const router = zmq([
      "router",
      "--bind",
      ANY_PORT,
      "-v",
      "--echo",
      "--count",
      "1",
      "-f",
      "json",
    ]);
    const endpoint = await boundEndpoint(router);
    const dealer = zmqjs("dealer", endpoint, "alice", "hi", "there");
    expect(await dealer.done()).toMatchObject({ code: 0 });
    expect(jsonLines(dealer.stdout)).toEqual([["hi", "there"]]);
    expect(await router.done()).toMatchObject({ code: 0 });
    expect(jsonLines(router.stdout)).toEqual([["alice", "hi", "there"]]);
  });
});

describe.concurrent("security between two zmq processes", () => {
  it("CURVE --curve-allow admits the listed client key only", async () => {
    const server = curveKeyPair();
    const client = curveKeyPair();
    const rep = zmq([
      "rep",
      "-b",
      ANY_PORT,
      "-v",
      "--curve-server",
      `--curve-secret-key=${server.secretKey}`,
      `--curve-allow=${client.publicKey}`,
      "ok",
    ]);
    const endpoint = await boundEndpoint(rep);
    const base = ["req", "-c", endpoint, `--curve-server-key=${server.publicKey}`, "hi"];
    const [allowed, stranger] = await Promise.all([
      zmqRun([
        ...base,
        `--curve-public-key=${client.publicKey}`,
        `--curve-secret-key=${client.secretKey}`,
        "--timeout",
        "20000",
      ]),
      zmqRun([...base, "--timeout", "800"]),
    ]);
    expect(allowed).toMatchObject({ code: 0, stdout: "ok\n" });
    expect(stranger.code).toBe(3);
    await rep.waitFor(/handshake:error:auth/, "stderr");
  });

  it("PLAIN --plain-allow checks user name and password", async () => {
    const rep = zmq(["rep", "-b", ANY_PORT, "-v", "--plain-server", "--plain-allow", "ann:pw"]);
    const endpoint = await boundEndpoint(rep);
    const [good, bad] = await Promise.all([
      zmqRun([
        "req",
        "-c",
        endpoint,
        "--plain-username",
        "ann",
        "--plain-password",
        "pw",
        "hey",
        "-t",
        "20000",
      ]),
      zmqRun([
        "req",
        "-c",
        endpoint,
        "--plain-username",
        "ann",
        "--plain-password",
        "no",
        "hey",
        "-t",
        "800",
      ]),
    ]);
    expect(good).toMatchObject({ code: 0, stdout: "hey\n" });
    expect(bad.code).toBe(3);
  });
});
