/**
 * The chat room with its three kinds of client: @zmq/web (what the page runs, here
 * on Node's WHATWG WebSocket) over ws://, the pyzmq client over tcp://, and a
 * @zmq/node SUB over tcp://. A line from each reaches the others.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as node from "@zmq/node";
import * as web from "@zmq/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatServer, startChat } from "../src/chat-server";

const decoder = new TextDecoder();
const PYTHON = "/usr/bin/python3";

async function nextLine(sub: { receive(): Promise<Uint8Array[]> }, text: string): Promise<unknown> {
  for (;;) {
    const [topic, body] = await sub.receive();
    if (decoder.decode(topic) !== "chat") continue;
    const line = JSON.parse(decoder.decode(body)) as { text: string };
    if (line.text === text) return line;
  }
}

describe("ws-chat", () => {
  let chat: ChatServer;
  let pageDealer: web.Dealer;
  let pageFeed: web.Subscriber;
  let tcpFeed: node.Subscriber;

  beforeAll(async () => {
    chat = await startChat();
    pageDealer = new web.Dealer();
    pageDealer.connect(chat.endpoints.wsRouter);
    pageFeed = new web.Subscriber();
    pageFeed.subscribe("chat");
    pageFeed.subscribe("stats");
    pageFeed.connect(chat.endpoints.wsPub);
    tcpFeed = new node.Subscriber();
    tcpFeed.subscribe("");
    tcpFeed.connect(chat.endpoints.tcpPub);
    // The first stats message proves both subscriptions are in place.
    await pageFeed.receive();
    await tcpFeed.receive();
  });

  afterAll(() => {
    pageDealer?.close();
    pageFeed?.close();
    tcpFeed?.close();
    chat?.close();
  });

  it("a line from the page reaches the page and a tcp subscriber", async () => {
    const seenByPage = nextLine(pageFeed, "hello from the page");
    const seenByTcp = nextLine(tcpFeed, "hello from the page");
    await pageDealer.send(["page", "hello from the page"]);
    expect(await seenByPage).toMatchObject({ nick: "page", text: "hello from the page" });
    expect(await seenByTcp).toMatchObject({ nick: "page" });
  });

  it.skipIf(!existsSync(PYTHON))("the pyzmq client's line reaches the page", async () => {
    const seenByPage = nextLine(pageFeed, "hello from python");
    const child = spawn(PYTHON, [
      new URL("../python/client.py", import.meta.url).pathname,
      chat.endpoints.tcpRouter,
      chat.endpoints.tcpPub,
      "--say",
      "hello from python",
    ]);
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(output).toContain("python: hello from python");
    expect(await seenByPage).toMatchObject({ nick: "python", text: "hello from python" });
  });
});
