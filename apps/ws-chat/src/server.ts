/**
 * `pnpm --filter @zmq/demo-ws-chat start`: the chat room, plus a tiny static
 * http server for the page (bundled from page/main.ts with esbuild on start).
 * Prints the URL to open and the command for the Python client.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { startChat } from "./chat-server";

const HOST = "127.0.0.1";
const HTTP_PORT = Number(process.env.PORT ?? 8080);

const chat = await startChat(HOST, {
  wsRouter: Number(process.env.CHAT_WS_ROUTER ?? 5670),
  wsPub: Number(process.env.CHAT_WS_PUB ?? 5671),
  tcpRouter: Number(process.env.CHAT_TCP_ROUTER ?? 5672),
  tcpPub: Number(process.env.CHAT_TCP_PUB ?? 5673),
});

const bundle = await build({
  entryPoints: [new URL("../page/main.ts", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  conditions: ["@zmq/source"],
  write: false,
  logLevel: "error",
});
const script = bundle.outputFiles[0]!.contents;
const { readFile } = await import("node:fs/promises");
const html = (await readFile(new URL("../page/index.html", import.meta.url), "utf8"))
  .replace("__ROUTER__", chat.endpoints.wsRouter)
  .replace("__FEED__", chat.endpoints.wsPub);

const http = createServer((request, response) => {
  if (request.url === "/main.js") {
    response.writeHead(200, { "content-type": "text/javascript" });
    response.end(script);
  } else if (request.url === "/" || request.url?.startsWith("/?")) {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  } else {
    response.writeHead(404).end();
  }
});
http.listen(HTTP_PORT, HOST, () => {
  const { port } = http.address() as AddressInfo;
  console.log(`chat: open http://${HOST}:${port}/ in a browser (or several)`);
  console.log(`      browsers: ${chat.endpoints.wsRouter} and ${chat.endpoints.wsPub} (ZWS 2.0)`);
  console.log(
    `      python:   /usr/bin/python3 apps/ws-chat/python/client.py ${chat.endpoints.tcpRouter} ${chat.endpoints.tcpPub}`,
  );
});

process.on("SIGINT", () => {
  chat.close();
  http.close();
  process.exit(0);
});
