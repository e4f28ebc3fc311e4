// The offers half of the demo: the simulated bank's CRM profile export imported through the API,
// one loopback receiver standing in for the bank's push gateway, SMS provider, e-mail service and
// CRM task queue (it checks every signature), and a live line for each offer as it fires.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MARKETING_CHANNELS } from '../customers/profile.js';
import { verifyWebhookSignature } from '../core/webhooks/signature.js';
import type { Engine } from '../server/engine.js';
import { importProfiles } from './demoHistory.js';
import type { SimulatedCustomer } from '../simulator/index.js';
import type { DecisionRecord, FrequencyCap, OfferPolicy } from '../offers/index.js';

interface Received { offerId: string; customerId: string; channel: string; at: number; signed: boolean }
/** An offer as it reached the customer: on the engine's clock, when it was meant to arrive. */
export interface Contact { customerId: string; channel: string; at: number }

export interface OfferDemo {
  received: Received[];
  /** What the gateway received, each at its contact instant on the engine's offer clock. */
  /** Every delivered offer, timed as the caps judge it; reads the decision records for offers the live feed did not report. */
  contacts(): Promise<Contact[]>;
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
      const offer = JSON.parse(body) as { offer_id: string; customer_id: string };
      received.push({ offerId: offer.offer_id, customerId: offer.customer_id, channel, at: Date.now(), signed });
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

  // A few birthdays and product anniversaries today, so those campaigns show in a two-minute demo.
  const report = await importProfiles({
    address, marketingKey: opts.marketingKey, customers: opts.customers, seed: opts.seed, birthdayTodayShare: 0.01, anniversaryTodayShare: 0.01,
  });
  const campaigns = engine.offers.campaigns.current();
  console.log(`Profiles imported from the simulated CRM: ${report.imported} (${report.rejected} rejected). Campaigns live: ${campaigns.filter((c) => c.state === 'active').map((c) => c.id).join(', ')}.`);

  // On the events clock a replayed offer belongs to its moment in the history (its event, or the
  // end of the quiet hours it was held past), not to the minute the gateway happened to receive it.
  const eventsClock = engine.config.offers.clock === 'events';
  const contactAt = new Map<string, number>();
  const demo: OfferDemo = {
    received, shown: 0, decided: { offered: 0, holdout: 0, suppressed: 0 }, stop: async () => {},
    contacts: async () => {
      // The live feed rides Redis pub/sub, which drops messages when its subscriber falls behind
      // (the history's burst of offers can do that): an offer it never reported would be timed at
      // its arrival here, in wall time, and many of them would look like one burst of contacts.
      // Such offers are timed from the customer's decision record, the store the feed only echoes.
      if (eventsClock) {
        for (const customerId of new Set(received.filter((r) => !contactAt.has(r.offerId)).map((r) => r.customerId))) {
          for (const record of await engine.offers.decisions.list(customerId, 1000)) {
            if (record.offer && !record.offer.holdout) contactAt.set(record.offer.offerId, Date.parse(record.offer.sendAt ?? record.event.occurredAt));
          }
        }
      }
      return received.map((r) => ({ customerId: r.customerId, channel: r.channel, at: contactAt.get(r.offerId) ?? r.at }));
    },
  };
  const unsubscribe = await engine.offers.feed.subscribe((record: DecisionRecord) => {
    const outcome = record.offer ? (record.offer.holdout ? 'holdout' : 'offered') : 'suppressed';
    demo.decided[outcome] += 1;
    if (eventsClock && record.offer && !record.offer.holdout) {
      contactAt.set(record.offer.offerId, Date.parse(record.offer.sendAt ?? record.event.occurredAt));
    }
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

/**
 * Contacts beyond the policy's frequency caps: the demo's own check of the cap store. A contact is
 * a violation when `limit` others of its customer (and channel) came less than one window before it.
 */
export function capViolations(contacts: readonly Contact[], caps: OfferPolicy['frequency_caps']): number {
  const byChannel = groupInstants(contacts, (c) => `${c.customerId}|${c.channel}`);
  const byCustomer = groupInstants(contacts, (c) => c.customerId);
  let violations = 0;
  for (const cap of caps.per_channel) for (const instants of byChannel.values()) violations += overCap(instants, cap);
  for (const cap of caps.overall) for (const instants of byCustomer.values()) violations += overCap(instants, cap);
  return violations;
}

function groupInstants(contacts: readonly Contact[], keyOf: (c: Contact) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const c of contacts) groups.set(keyOf(c), [...(groups.get(keyOf(c)) ?? []), c.at]);
  return groups;
}

function overCap(instants: readonly number[], cap: FrequencyCap): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let over = 0;
  let first = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[first]! >= cap.window) first++;
    if (i - first >= cap.limit) over++;
  }
  return over;
}
