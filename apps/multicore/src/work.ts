/**
 * The CPU work one request costs: `rounds` passes of FNV-1a over the request
 * body and a 4 KiB block. A fixed amount of computation (not a time), so that
 * a worker thread that gets less CPU serves fewer requests.
 */
const BLOCK = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);

export function work(body: Uint8Array, rounds: number): number {
  let hash = 0x811c9dc5;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < body.length; i++) hash = Math.imul(hash ^ body[i]!, 0x01000193);
    for (let i = 0; i < BLOCK.length; i++) hash = Math.imul(hash ^ BLOCK[i]!, 0x01000193);
  }
  return hash >>> 0;
}
