import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for Vigil's ingest endpoint on 127.0.0.1, answering as each test scripts it.

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAtMs: number;
}

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

export interface IngestStub {
  readonly url: string;
  readonly requests: StubRequest[];
  /** The most requests the stub was answering at the same time. */
  readonly maxConcurrent: number;
  close(): Promise<void>;
}

/** Accepts every event in the batch, as a healthy Vigil does. */
export function acceptAll(request: StubRequest): StubAnswer {
  const { events } = JSON.parse(request.body) as { events: unknown[] };
  return { status: 202, body: { accepted: events.length, duplicates: 0, rejected: [] } };
}

export async function startIngestStub(answer: (request: StubRequest, index: number) => StubAnswer): Promise<IngestStub> {
  const requests: StubRequest[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const server = createServer((req, res) => {
    concurrent += 1;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAtMs: performance.now() };
      requests.push(request);
      const reply = answer(request, requests.length - 1);
      setTimeout(() => {
        concurrent -= 1;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
