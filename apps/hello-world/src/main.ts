/**
 * The main demo: starts the hello-world server and client over TCP in one
 * process, ten requests, then exits. Set ZMQ_ENDPOINT to change the port
 * (default tcp://127.0.0.1:5555).
 */
import { runClient } from "./client";
import { runServer } from "./server";

const endpoint = process.env.ZMQ_ENDPOINT ?? "tcp://127.0.0.1:5555";
const server = runServer(endpoint, 10);
const replies = await runClient(endpoint, 10);
await server;
console.log(`done: ${replies.length} replies`);
