// Starts a TypeScript worker thread: registers tsx here, then loads workerData.script.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.script);
