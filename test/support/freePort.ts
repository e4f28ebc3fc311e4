import { createServer } from 'node:net';

/** True when nothing listens on the loopback port now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive loopback ports that are free now, each with `port + offset` free too (a
 * Redis Cluster node also listens on its bus port, port + 10000). Test files run in parallel and
 * each starts servers of its own, so a port is checked rather than guessed.
 */
export async function freePorts(count: number, opts: { offsets?: number[] } = {}): Promise<number[]> {
  const offsets = [0, ...(opts.offsets ?? [])];
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 25_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const checks = await Promise.all(ports.flatMap((port) => offsets.map((offset) => portIsFree(port + offset))));
    if (checks.every(Boolean)) return ports;
  }
  throw new Error(`no ${count} free loopback ports found`);
}
