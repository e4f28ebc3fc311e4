import type { Server } from 'node:http';

/**
 * At most `max` open connections per client address: one client holding hundreds of slow
 * connections (the issue saw 300 from one host) cannot take every socket the process has. A
 * connection beyond the cap is closed as soon as it is accepted, before any byte of it is read.
 * Behind a proxy every connection comes from the proxy, so the cap must then exceed what the proxy
 * opens (or be 0, off) and the proxy limits clients itself.
 */
export function capConnectionsPerAddress(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
