// The offers half of the demo: the simulated bank's CRM profile export imported through the API,
// one loopback receiver standing in for the bank's push gateway, SMS provider, e-mail service and
// CRM task queue (it checks every signature), and a live line for each offer as it fires.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MARKETING_CHANNELS, type MarketingChannel } from '../customers/profile.js';
import { verifyWebhookSignature } from '../core/webhooks/signature.js';
import type { Engine } from '../server/engine.js';
import { simulatedProfiles } from '../simulator/index.js';
import type { SimulatedCustomer } from '../simulator/index.js';
import type { DecisionRecord } from '../offers/index.js';

interface Received { customerId: string; channel: string; at: number; signed: boolean }

export interface OfferDemo {
  received: Received[];
  shown: number;
  decided: { offered: number; holdout: number; suppressed: number };
  stop(): Promise<void>;
}

export async function startOfferDemo(opts: {
  engine: Engine; address: string; adminKey: string; marketingKey: string; customers: readonly SimulatedCustomer[]; seed: number; show: number;
}): Promise<OfferDemo> {
  const { engine, address } = opts;
  const secrets = new Map<string, string>();
  const received: Received[] = [];
  const gateway: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const channel = (req.url ?? '').slice(1);
      const signed = verifyWebhookSignature({ secret: secrets.get(channel) ?? '', header: String(req.headers['x-vigil-signature'] ?? ''), body });
      const offer = JSON.parse(body) as { customer_id: string };
      received.push({ customerId: offer.customer_id, channel, at: Date.now(), signed });
      res.writeHead(signed ? 202 : 401).end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const port = (gateway.address() as AddressInfo).port;
  for (const channel of MARKETING_CHANNELS) {
    const res = await fetch(`${address}/v1/offers/channels/${channel}`, {
      method: 'PUT', headers: { authorization: `Bearer ${opts.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/${channel}` }),
    });
    secrets.set(channel, ((await res.json()) as { secret: string }).secret);
  }

  // A few birthdays today, so the care campaign shows in a two-minute demo.
  const rows = simulatedProfiles(opts.customers, { seed: opts.seed, birthdayTodayShare: 0.01 });
  const ndjson = rows.map((r) => JSON.stringify({ customer_id: r.customerId, ...r.profile })).join('\n');
  const imported = await fetch(`${address}/v1/customers/import`, {
    method: 'POST', headers: { authorization: `Bearer ${opts.marketingKey}`, 'content-type': 'application/x-ndjson' },
    body: ndjson,
  });
  const report = (await imported.json()) as { imported: number; rejected: number };
  const campaigns = engine.offers.campaigns.current();
  console.log(`Profiles imported from the simulated CRM: ${report.imported} (${report.rejected} rejected). Campaigns live: ${campaigns.filter((c) => c.state === 'active').map((c) => c.id).join(', ')}.`);

  const demo: OfferDemo = { received, shown: 0, decided: { offered: 0, holdout: 0, suppressed: 0 }, stop: async () => {} };
  const unsubscribe = await engine.offers.feed.subscribe((record: DecisionRecord) => {
    const outcome = record.offer ? (record.offer.holdout ? 'holdout' : 'offered') : 'suppressed';
    demo.decided[outcome] += 1;
    if (demo.shown >= opts.show || outcome === 'suppressed') return;
    demo.shown += 1;
    console.log(`  offer  ${record.customerId}: ${record.explanation.join(' ').slice(0, 300)}`);
  });
  demo.stop = async () => {
    unsubscribe();
    await new Promise((resolve) => gateway.close(resolve));
  };
  return demo;
}

/** Offers each customer received per channel and day, against the policy: the demo's cap check. */
export function capViolations(received: readonly Received[], perChannelPerDay: number, overallPer7Days: number): number {
  let violations = 0;
  const byKey = new Map<string, number>();
  const byCustomer = new Map<string, number>();
  for (const r of received) {
    const key = `${r.customerId}|${r.channel as MarketingChannel}|${new Date(r.at).toISOString().slice(0, 10)}`;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
    byCustomer.set(r.customerId, (byCustomer.get(r.customerId) ?? 0) + 1);
  }
  for (const n of byKey.values()) if (n > perChannelPerDay) violations += n - perChannelPerDay;
  for (const n of byCustomer.values()) if (n > overallPer7Days) violations += n - overallPer7Days;
  return violations;
}
