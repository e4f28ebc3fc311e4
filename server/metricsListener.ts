import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsListener {
  /** `http://host:port`, as bound (a port of 0 asks for a free one). */
  address: string;
  close(): Promise<void>;
}

/**
 * /metrics alone on a listener of its own, without a key, for Prometheus to scrape: bound to
 * loopback by default, or to an interface only the monitoring network reaches (VIGIL_METRICS_HOST).
 * Everything else there is 404. Deadlines as on the API, so it is no slow-client target either.
 */
export async function startMetricsListener(opts: { host: string; port: number; registry: Registry; timeoutMs: number }): Promise<MetricsListener> {
  const server = createServer({ headersTimeout: opts.timeoutMs, requestTimeout: opts.timeoutMs }, (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    opts.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
  server.keepAliveTimeout = opts.timeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    address: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
