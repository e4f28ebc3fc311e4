import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundPolicy, OutboundTargetRefusedError, parseOutboundAllowList, type Resolver } from '../../core/net/index.js';

// The I/O half of the outbound policy: what a host name resolves to, at registration and again at
// every connection (DNS rebinding), and failures worded without the target's address or port.
// Loopback servers only; a resolver of our own plays the name server.

const policies: OutboundPolicy[] = [];
const servers: (HttpServer | TcpServer)[] = [];
const openSockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(policies.splice(0).map((p) => p.close()));
  for (const socket of openSockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function policy(allowText: string, resolve?: Resolver): OutboundPolicy {
  const parsed = parseOutboundAllowList(allowText);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const created = new OutboundPolicy(parsed.allow, resolve ? { resolve } : {});
  policies.push(created);
  return created;
}

/** A TCP listener on loopback that counts the connections made to it and answers nothing. */
async function tcpListener(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    openSockets.push(socket);
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

async function httpListener(status: number): Promise<number> {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const answers = (...addresses: string[]): LookupAddress[] => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const post = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000 };

async function refusal(promise: Promise<unknown>): Promise<OutboundTargetRefusedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OutboundTargetRefusedError);
  return error as OutboundTargetRefusedError;
}

describe('vetting a URL at registration', () => {
  it('refuses a host name that resolves to loopback (localhost, through the system resolver), without quoting the address', async () => {
    const error = await refusal(policy('').vet('https://localhost:8443/hook'));
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(/^the URL host localhost resolves to a non-public address .*VIGIL_OUTBOUND_ALLOW/);
    expect(error.message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a name with any non-public address among its answers, and one that does not resolve', async () => {
    const resolver: Resolver = async (host) => {
      if (host === 'split.bank.example') return answers('93.184.215.14', '10.0.0.7');
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    await refusal(policy('', resolver).vet('https://split.bank.example/hook'));
    expect((await refusal(policy('', resolver).vet('https://gone.bank.example/hook'))).message).toMatch(/does not resolve/);
  });

  it('accepts a name whose every address is public, and an allowed address over http', async () => {
    await expect(policy('', async () => answers('93.184.215.14', '2606:4700::1111')).vet('https://hooks.bank.example/vigil')).resolves.toBeUndefined();
    await expect(policy('127.0.0.1').vet('http://127.0.0.1:9/hook')).resolves.toBeUndefined();
  });
});

describe('connecting', () => {
  it('never connects when a name that was public at registration resolves to loopback at send time (DNS rebinding)', async () => {
    const target = await tcpListener();
    let lookups = 0;
    const rebinding: Resolver = async () => (++lookups === 1 ? answers('93.184.215.14') : answers('127.0.0.1'));
    const outbound = policy('', rebinding);
    const url = `https://rebind.bank.example:${target.port}/hook`;
    await outbound.vet(url);
    await expect(outbound.post(url, post)).rejects.toThrow(/^target not permitted by the outbound policy$/);
    expect(target.connections()).toBe(0);
    expect(lookups).toBe(2);
  });

  it('never connects to an address taken off the allow-list after the URL was registered', async () => {
    const target = await tcpListener();
    const url = `http://127.0.0.1:${target.port}/hook`;
    await policy('127.0.0.1').vet(url);
    await expect(policy('').post(url, post)).rejects.toThrow(/^target not permitted by the outbound policy$/);
    expect(target.connections()).toBe(0);
  });

  it('connects to an allowed target and hands back its status', async () => {
    const port = await httpListener(503);
    expect(await policy('127.0.0.1').post(`http://127.0.0.1:${port}/hook`, post)).toEqual({ status: 503 });
  });
});

describe('delivery failures', () => {
  it('say "connection refused" and "timed out" without the address or port', async () => {
    const closed = await tcpListener();
    const closedPort = closed.port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const silent = await tcpListener();
    const outbound = policy('127.0.0.1');

    const refused = await outbound.post(`http://127.0.0.1:${closedPort}/hook`, post).then(() => '', (e: Error) => e.message);
    expect(refused).toBe('connection refused');
    const timedOut = await outbound.post(`http://127.0.0.1:${silent.port}/hook`, { ...post, timeoutMs: 300 }).then(() => '', (e: Error) => e.message);
    expect(timedOut).toBe('timed out');
    for (const message of [refused, timedOut]) {
      expect(message).not.toMatch(/127\.0\.0\.1|::1/);
      expect(message).not.toContain(String(closedPort));
      expect(message).not.toContain(String(silent.port));
    }
  });
});
