import { createSocket } from "node:dgram";

/** A udp port free on 127.0.0.1 right now (bound once by the OS, then released). */
export async function udpPort(): Promise<number> {
  const probe = createSocket("udp4");
  await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Why udp multicast to `group` cannot be tested on this host, or undefined when
 * it can (libzmq's test idea: a looped-back datagram arrives within 300 ms).
 */
export async function multicastUnavailable(group: string): Promise<string | undefined> {
  const receiver = createSocket({ type: "udp4", reuseAddr: true });
  const sender = createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.once("error", reject);
      receiver.bind(0, "0.0.0.0", () => resolve());
    });
    receiver.addMembership(group);
    const got = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      receiver.once("message", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    sender.send("probe", receiver.address().port, group);
    return (await got) ? undefined : "no looped-back multicast on this host";
  } catch (error) {
    return `multicast unavailable: ${(error as Error).message}`;
  } finally {
    receiver.close();
    sender.close();
  }
}
