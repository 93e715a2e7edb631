#!/usr/bin/env node
/**
 * The `zmq` executable.
 */
import { run } from "./run";

process.exitCode = await run(process.argv.slice(2));
