import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { VigilError } from '../errors.js';
import { addressPermitted, hostAllowListed, judgeUrl, resolvedNotPermitted, type OutboundAllowList } from './targetPolicy.js';

// The one way Vigil sends customer data out (alert webhooks, offer channel endpoints). A target is
// vetted twice: when it is registered (the URL, and what its host resolves to then) and at every
// connection, inside the HTTP agent's DNS lookup, against the address actually connected to, so a
// name that resolved to a public address at registration and to 127.0.0.1 later (DNS rebinding)
// is still refused. Failures are reported in words ("connection refused", "timed out",
// "HTTP 503") that never carry the address or port, so delivery errors cannot map the network.

/** DNS as the policy sees it; tests pass their own to play a rebinding name server. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A webhook or channel URL the policy refuses; 400 at registration. */
export class OutboundTargetRefusedError extends VigilError {
  constructor(readonly reason: string) {
    super('TARGET_NOT_PERMITTED', `the URL ${reason}`, 400);
  }
}

/** A delivery that did not get an answer; the message is safe to store and show. */
export class OutboundRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

export interface OutboundPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export class OutboundPolicy {
  private readonly agent: Agent;
  private readonly resolve: Resolver;

  constructor(readonly allow: OutboundAllowList, opts: { resolve?: Resolver } = {}) {
    this.resolve = opts.resolve ?? systemResolver;
    this.agent = new Agent({ connect: { lookup: this.connectLookup } as object });
  }

  /** At registration: throws OutboundTargetRefusedError unless the URL and what it resolves to now are permitted. */
  async vet(url: string): Promise<void> {
    const verdict = judgeUrl(this.allow, url);
    if (!verdict.ok) throw new OutboundTargetRefusedError(verdict.reason);
    if (!verdict.resolve) return;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(verdict.host);
    } catch {
      throw new OutboundTargetRefusedError(`host ${verdict.host} does not resolve; check the name`);
    }
    if (addresses.length === 0 || addresses.some((a) => !addressPermitted(this.allow, a.address))) {
      throw new OutboundTargetRefusedError(resolvedNotPermitted(verdict.host));
    }
  }

  /** POSTs once, following no redirect; the status of whatever answered, or OutboundRequestError. */
  async post(url: string, req: OutboundPost): Promise<{ status: number }> {
    // The allow-list may have shrunk since the URL was registered.
    const verdict = judgeUrl(this.allow, url);
    if (!verdict.ok) throw new OutboundRequestError('target not permitted by the outbound policy');
    try {
      const response = await request(url, {
        method: 'POST', headers: req.headers, body: req.body, dispatcher: this.agent,
        signal: AbortSignal.timeout(req.timeoutMs), headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs,
      });
      await response.body.dump();
      return { status: response.statusCode };
    } catch (error) {
      throw new OutboundRequestError(describeFailure(error));
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** net.connect's lookup: only permitted addresses are handed back, so nothing else is ever dialled. */
  private readonly connectLookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (err: Error | null, address?: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolve(hostname).then((all) => {
      const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
      const permitted = hostAllowListed(this.allow, hostname) ? wanted : wanted.filter((a) => addressPermitted(this.allow, a.address));
      if (permitted.length === 0) return callback(new OutboundTargetRefusedError(resolvedNotPermitted(hostname)));
      if (options.all) return callback(null, permitted);
      return callback(null, permitted[0]!.address, permitted[0]!.family);
    }, (err: Error) => callback(err));
  };
}

const FAILURES: [RegExp, string][] = [
  [/^(ECONNREFUSED)$/, 'connection refused'],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/, 'connection reset'],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|UND_ERR_ABORTED|ABORT_ERR)$/, 'timed out'],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_NODATA)$/, 'host name does not resolve'],
  [/^(EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)$/, 'host unreachable'],
  [/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO|ERR_SSL/, 'TLS handshake failed (certificate or protocol not accepted)'],
];

/** Why a request got no answer, in words that name no address, port or internal detail. */
export function describeFailure(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundTargetRefusedError) return 'target not permitted by the outbound policy';
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
    const code = String((e as { code?: unknown }).code ?? '');
    for (const [pattern, words] of FAILURES) if (pattern.test(code)) return words;
  }
  return 'request failed';
}
