const z: any = await import("/work/main/packages/node/src/index.ts");
const s = z.curveKeyPair(), c = z.curveKeyPair();
const pull = new z.Pull({ curveServer: true, curveSecretKey: s.secretKey });
await pull.bind("tcp://127.0.0.1:47124");
const push = new z.Push({ curveServerKey: s.publicKey, curvePublicKey: c.publicKey, curveSecretKey: c.secretKey });
const ev: string[] = [];
(async () => { for await (const e of pull.events) ev.push(e.type + " " + (e.error?.message ?? "")); })();
(async () => { for await (const e of push.events) ev.push("push " + e.type + " " + (e.error?.message ?? "")); })();
push.connect("tcp://127.0.0.1:47124");
const payload = Buffer.alloc(65536, 0x61);
let sent = 0, got = 0;
(async () => { for (;;) { await push.send(payload); sent++; } })();
const t0 = Date.now();
setInterval(() => { console.log(Date.now() - t0, "sent", sent, "got", got, ev.join(",")); if (Date.now() - t0 > 3000) process.exit(0); }, 500);
for (;;) { const [m] = await pull.receive(); if (m.length !== 65536 || m[100] !== 0x61) console.log("BAD", m.length, m[100]); got++; }
