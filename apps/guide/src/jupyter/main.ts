/**
 * The Jupyter demo: starts an IPython kernel (Debian's python3-ipykernel),
 * prints what it is, checks its heartbeat, runs some code, streaming each
 * output as the kernel publishes it, and shuts the kernel down.
 *
 *   pnpm --filter @zmq/demo-guide jupyter [-- --code 'print("hi")' --code '6 * 7']
 */
import { flags, isMain } from "../lib/cli";
import { KernelClient } from "./kernel-client";
import type { JupyterMessage } from "./protocol";

const examples = [
  'import sys, time\nprint("hello from", sys.implementation.name, sys.version.split()[0])',
  'for i in range(3):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.3)',
  "6 * 7",
  "1 / 0",
];

/** How one IOPub message looks on the terminal. */
function show(message: JupyterMessage): string | undefined {
  const c = message.content;
  switch (message.header.msg_type) {
    case "status":
      return `  [iopub] status: ${c.execution_state}`;
    case "execute_input":
      return `  [iopub] execute_input #${c.execution_count}`;
    case "stream":
      return `  [iopub] ${c.name}: ${String(c.text).trimEnd()}`;
    case "execute_result":
      return `  [iopub] result #${c.execution_count}: ${(c.data as Record<string, string>)["text/plain"]}`;
    case "error":
      return `  [iopub] error: ${c.ename}: ${c.evalue}`;
    default:
      return `  [iopub] ${message.header.msg_type}`;
  }
}

if (isMain(import.meta.url)) {
  const f = flags([], ["code"]);
  const cells = f.list.code!.length > 0 ? f.list.code! : examples;
  console.log("starting an IPython kernel (python3 -m ipykernel_launcher)...");
  const kernel = await KernelClient.start();
  try {
    const info = await kernel.request("shell", "kernel_info_request", {});
    const language = info.content.language_info as { name: string; version: string };
    console.log(
      `kernel ready: ${info.content.implementation} ${info.content.implementation_version}, ` +
        `${language.name} ${language.version}, protocol ${info.content.protocol_version}`,
    );
    const rtt = await kernel.heartbeat();
    console.log(`heartbeat: ${rtt === undefined ? "no echo" : `echoed in ${rtt.toFixed(1)} ms`}`);
    for (const code of cells) {
      console.log(`\n>>> ${code.replaceAll("\n", "\n... ")}`);
      const run = await kernel.execute(code, {
        onMessage: (message) => {
          const line = show(message);
          if (line) console.log(line);
        },
      });
      console.log(`  [shell] execute_reply: ${run.reply.status}`);
    }
    const bye = await kernel.shutdown();
    console.log(`\nshutdown_reply: ${bye.content.status}; kernel exited (${await kernel.exited})`);
    console.log(
      `messages checked: ${kernel.counts.verified} signed correctly, ${kernel.counts.invalid} rejected`,
    );
  } finally {
    await kernel.close();
  }
}
