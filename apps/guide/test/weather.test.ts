import { describe, expect, it } from "vitest";
import { startPython } from "../src/lib/processes";
import { runWeatherClient } from "../src/weather/client";
import { weatherDemo } from "../src/weather/main";
import { runWeatherServer } from "../src/weather/server";
import { requirePython } from "./python";

const pyzmq = requirePython("zmq");

/** Starts our server in this process on a free port; returns its endpoint and a stop function. */
async function ourServer() {
  const controller = new AbortController();
  let bound!: (endpoints: string[]) => void;
  const endpoints = new Promise<string[]>((resolve) => {
    bound = resolve;
  });
  const done = runWeatherServer({
    bind: ["tcp://127.0.0.1:*"],
    seed: 7,
    signal: controller.signal,
    onBound: bound,
  });
  const [endpoint] = await endpoints;
  return {
    endpoint: endpoint!,
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

const temperatures = (updates: string[]) => updates.map((u) => Number(u.split(" ")[1]));

describe("weather updates (PUB/SUB)", () => {
  it("three of our clients each get only their own zip code from our server", async () => {
    const server = await ourServer();
    const reports = await Promise.all(
      ["10001", "10050", "10099"].map((zip) =>
        runWeatherClient({ connect: server.endpoint, zip, updates: 30 }),
      ),
    );
    const sent = await server.stop();
    for (const [i, zip] of ["10001", "10050", "10099"].entries()) {
      const report = reports[i]!;
      expect(report.updates).toHaveLength(30);
      for (const update of report.updates)
        expect(update).toMatch(new RegExp(`^${zip} -?\\d+ \\d+$`));
      const t = temperatures(report.updates);
      expect(report.averageTemperature).toBeCloseTo(t.reduce((a, b) => a + b, 0) / t.length);
      for (const value of t) expect(value >= -80 && value < 135).toBe(true);
    }
    // 100 zip codes: each client needs about 100 updates per one of its own.
    expect(sent).toBeGreaterThan(3 * 30);
  });

  it.skipIf(!pyzmq)("a pyzmq SUB client filters our PUB server's updates", async () => {
    const server = await ourServer();
    const client = startPython("pyzmq client", "weather_client.py", [
      "--connect",
      server.endpoint,
      "--zip",
      "10042",
      "--updates",
      "25",
    ]);
    const code = await client.exited;
    await server.stop();
    expect(code).toBe(0);
    const updates = client.output().match(/^update .*$/gm) ?? [];
    expect(updates).toHaveLength(25);
    for (const update of updates) expect(update).toMatch(/^update 10042 -?\d+ \d+$/);
    expect(client.output()).toMatch(
      /average temperature for zip 10042 was -?\d+\.\dF over 25 updates/,
    );
  });

  it.skipIf(!pyzmq)("our SUB client filters a pyzmq PUB server's updates", async () => {
    const server = startPython("pyzmq server", "weather_server.py", [
      "--bind",
      "tcp://127.0.0.1:*",
    ]);
    try {
      const [, endpoint] = await server.waitFor(/publishing on (\S+)/);
      const report = await runWeatherClient({ connect: endpoint!, zip: "10007", updates: 25 });
      expect(report.updates).toHaveLength(25);
      for (const update of report.updates) expect(update).toMatch(/^10007 -?\d+ \d+$/);
    } finally {
      server.stop();
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/stopped after \d+ updates/);
  });

  it.skipIf(!pyzmq)(
    "the demo runs the server and the clients (one pyzmq) as processes",
    async () => {
      const { server, clients } = await weatherDemo({
        bind: "tcp://127.0.0.1:*",
        updates: 10,
        clients: 2,
        pythonClient: true,
        echo: false,
      });
      expect(clients.map((c) => c.name)).toEqual(["client 10001 (pyzmq)", "client 10042"]);
      expect(clients[0]!.output()).toMatch(/average temperature for zip 10001 .* over 10 updates/);
      expect(clients[1]!.output()).toMatch(/average temperature for zip 10042 .* over 10 updates/);
      expect(server.output()).toMatch(/weather server: stopped after \d+ updates/);
      expect(await server.exited).toBe(0);
    },
  );
});
